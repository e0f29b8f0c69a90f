import { readFileSync } from 'node:fs';
import { isOwnChild } from './own-children.ts';

/*
 * The processes a cell leaves running. perf counts a cell's child processes too (its counters are
 * inherited), so a child that outlives its cell is counted in every later cell while it runs: an
 * empty cell read 299 ms of task-clock while a busy child of the cell before it ran. Cells run on
 * the main thread, and Node spawns from the thread that asks, so the main thread's children
 * (/proc/PID/task/PID/children, CONFIG_PROC_CHILDREN) are where they show.
 */

/**
 * Resolves once every one of `exits` (child processes' exits) has, or after `capMs`: for waiting on
 * children that are on their way out without ever hanging on one that is not.
 */
export async function exitedWithin(exits: Iterable<Promise<void>>, capMs: number): Promise<void> {
  const waiting = [...exits];
  if (waiting.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(waiting), new Promise<void>((resolve) => (timer = setTimeout(resolve, capMs)))]);
  clearTimeout(timer);
}

/**
 * Lets a child's pipes (`streams`: its stdio, or some of them) hold this process's event loop, or
 * not: an early gate or launcher holds nothing until a run takes it, a shared perf's pipes only
 * while a command awaits its ack. Node's types give the pipes no ref()/unref(); null ones are passed over.
 */
export function holdEventLoop(streams: Iterable<unknown>, on: boolean): void {
  for (const stream of streams) {
    const handle = stream as { ref?: () => void; unref?: () => void } | null;
    if (on) handle?.ref?.();
    else handle?.unref?.();
  }
}

/** The children of `pid`'s main thread, zombies too (isRunning tells); empty where the kernel does not list them. */
export function readChildPids(pid: number = process.pid): number[] {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
  } catch {
    return [];
  }
  return text.split(' ').filter((field) => field !== '').map(Number);
}

/** Whether `pid` runs (exists and is not a zombie waiting to be reaped). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Whether `pid` is one of perfcell's own processes (its perf launcher, perf, the live view's relay):
 * a window that falls back to a perf of its own spawns its launcher between beforeCell() and
 * afterCell(), and it was named as the cell's stray process ("cell 'b' left a process running").
 * Told by pid (own-children.ts), so a cell's own program called `perf` is still named.
 */
export function isOwnProcess(pid: number): boolean {
  return isOwnChild(pid);
}

/** A process a cell started that was still running when the cell ended. */
export interface StrayChild {
  readonly pid: number;
  /** The cell that started it. */
  readonly cell: string;
}

/**
 * Follows the children a file's cells leave running: before() is read just before a cell's window
 * opens, after() just after it closes; each returns what to warn of in that cell's report.
 */
export class StrayChildren {
  private strays: StrayChild[] = [];
  private before = new Set<number>();

  constructor(private readonly read: () => number[] = () => readChildPids().filter((pid) => !isOwnProcess(pid))) {}

  /** Before the window: the earlier cells' children still running, which this cell's counts include. */
  beforeCell(): string[] {
    const children = this.read();
    this.before = new Set(children);
    this.strays = this.strays.filter((stray) => this.before.has(stray.pid) && isRunning(stray.pid));
    const byCell = new Map<string, number[]>();
    for (const stray of this.strays) byCell.set(stray.cell, [...(byCell.get(stray.cell) ?? []), stray.pid]);
    return [...byCell].map(
      ([cell, pids]) =>
        `${pids.length === 1 ? 'a process' : `${pids.length} processes`} that cell '${cell}' started (pid ${pids.join(', ')}) ran during this cell: perf counts ${pids.length === 1 ? 'it' : 'them'} here too (a cell's child processes inherit its counters)`,
    );
  }

  /** After the window: the children this cell started that still run, remembered for the cells after it. */
  afterCell(cell: string): string[] {
    const left = this.read().filter((pid) => !this.before.has(pid) && isRunning(pid));
    if (left.length === 0) return [];
    this.strays.push(...left.map((pid) => ({ pid, cell })));
    return [
      `cell '${cell}' left ${left.length === 1 ? 'a process' : `${left.length} processes`} running (pid ${left.join(', ')}): perf counts ${left.length === 1 ? 'it' : 'them'} in the cells after it while ${left.length === 1 ? 'it runs' : 'they run'}`,
    ];
  }
}

const LEFT = /^cell '(.*)' left (?:a process|\d+ processes) running \(pid ([\d, ]+)\): /;
const DURING = /^(?:a process|\d+ processes) that cell '(.*)' started \(pid ([\d, ]+)\) ran during this cell: /;

/** Whether a warning is the note of a process left running by an earlier cell that ran during this one: it belongs to each such cell, not once. */
export function isRanDuringNote(warning: string): boolean {
  return DURING.test(warning);
}

/** Whether a warning is a cell's note of processes it left running (mergeStrayNotes makes one line of many runs' such notes). */
export function isLeftRunningNote(warning: string): boolean {
  return LEFT.test(warning);
}

/**
 * Many runs' notes of processes left running (compare's runs of cells) as one line per cell that
 * left them; other warnings pass as they are, in order.
 * @example mergeStrayNotes(["cell 'a' left a process running (pid 7): …", "a process that cell 'a' started (pid 7) ran during this cell: …"])
 * // → ["cell 'a' left a process running in its runs (pid 7): perf counted it in the runs after it while it ran (a cell's child processes inherit its counters)"]
 */
export function mergeStrayNotes(warnings: readonly string[]): string[] {
  const byCell = new Map<string, Set<number>>();
  const rest: string[] = [];
  for (const warning of warnings) {
    const match = LEFT.exec(warning) ?? DURING.exec(warning);
    if (match === null) {
      rest.push(warning);
      continue;
    }
    const pids = byCell.get(match[1]!) ?? new Set<number>();
    for (const pid of match[2]!.split(', ')) pids.add(Number(pid));
    byCell.set(match[1]!, pids);
  }
  const merged = [...byCell].map(([cell, pids]) => {
    const list = [...pids];
    const shown = list.length > 5 ? `${list.slice(0, 5).join(', ')}, …` : list.join(', ');
    const one = list.length === 1;
    return `cell '${cell}' left ${one ? 'a process' : `${list.length} processes`} running in its runs (pid ${shown}): perf counted ${one ? 'it' : 'them'} in the runs after it while ${one ? 'it' : 'they'} ran (a cell's child processes inherit its counters)`;
  });
  return [...rest, ...merged];
}
