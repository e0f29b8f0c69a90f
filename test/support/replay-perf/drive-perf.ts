import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/** One thing seen while driving a `perf stat --control` (real or replayed), at ms since perf's spawn. */
export type DriveEvent =
  | { readonly kind: 'line'; readonly atMs: number; readonly text: string }
  | { readonly kind: 'ack'; readonly atMs: number; readonly bytes: string }
  | { readonly kind: 'sent'; readonly atMs: number; readonly what: 'enable' | 'disable' | 'SIGINT' }
  | { readonly kind: 'exit'; readonly atMs: number; readonly code: number | null; readonly signal: string | null }
  | { readonly kind: 'target-exit'; readonly atMs: number };

export interface DrivePlan {
  readonly pid: number;
  readonly events: readonly string[];
  readonly intervalMs: number;
  /** Steps at ms since perf printed "Events disabled" (its interval clock zero), in order; the events' `atMs` count from the spawn. */
  readonly steps: ReadonlyArray<{ readonly atMs: number; readonly what: 'enable' | 'disable' | 'SIGINT' }>;
  readonly env?: Readonly<Record<string, string>>;
  /** Sends `disable` the moment this process (the target) has exited and been reaped. */
  readonly disableOnExitOf?: ChildProcess;
  /** The target, when it is our child: its exit is recorded as a `target-exit` event. */
  readonly target?: ChildProcess;
  /** Give up (SIGKILL) after this long; default 5000 ms. */
  readonly limitMs?: number;
}

/**
 * Runs `PERF stat -x, -I MS --pid PID -e EVENTS -D -1 --control fd:3,4` exactly as
 * src/perf/controller.ts does (LC_ALL=C, detached, fds 3 and 4 as pipes) and records every stderr
 * line, every read of the ack fd and the exit, with their times.
 */
export async function drivePerf(perfPath: string, plan: DrivePlan): Promise<DriveEvent[]> {
  const started = performance.now();
  const at = (): number => performance.now() - started;
  const events: DriveEvent[] = [];
  const child = spawn(perfPath, ['stat', '-x', ',', '-I', String(plan.intervalMs), '--pid', String(plan.pid), '-e', plan.events.join(','), '-D', '-1', '--control', 'fd:3,4'], {
    env: { ...process.env, ...plan.env, LC_ALL: 'C' },
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let partial = '';
  // The steps count from perf's interval clock zero, where -D -1 prints "Events disabled" (as
  // src/perf/controller.ts takes it), not from the spawn: a perf slow to start (another test file on
  // the vCPUs) found the enable waiting, counted its first interval, and was not "disabled at the start".
  let zeroSeen: (atMs: number) => void = () => undefined;
  const zero = new Promise<number>((resolve) => { zeroSeen = resolve; });
  (child.stderr as Readable).setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    let newline;
    while ((newline = partial.indexOf('\n')) !== -1) {
      const text = partial.slice(0, newline);
      events.push({ kind: 'line', atMs: at(), text });
      if (text.trim() === 'Events disabled') zeroSeen(at()); // (the first settles it)
      partial = partial.slice(newline + 1);
    }
  });
  (child.stdio[4] as Readable).setEncoding('latin1').on('data', (bytes: string) => events.push({ kind: 'ack', atMs: at(), bytes }));
  (child.stdio[4] as Readable).on('error', () => undefined);
  const control = child.stdio[3] as unknown as Writable;
  control.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => {
    child.once('close', (code, signal) => {
      events.push({ kind: 'exit', atMs: at(), code, signal });
      resolve();
    });
  });
  const limit = setTimeout(() => child.kill('SIGKILL'), plan.limitMs ?? 5000);
  let done = false;
  void exited.then(() => { done = true; });
  plan.target?.once('exit', () => events.push({ kind: 'target-exit', atMs: at() }));
  plan.disableOnExitOf?.once('exit', () => {
    if (done) return;
    events.push({ kind: 'sent', atMs: at(), what: 'disable' });
    control.write('disable\n');
  });
  // (a perf that never prints it: the steps count from the spawn, after at most 2 s)
  const stepsFromMs = await Promise.race([zero, exited.then(() => 0), new Promise<number>((resolve) => setTimeout(() => resolve(0), 2000))]);
  for (const step of plan.steps) {
    const wait = stepsFromMs + step.atMs - at();
    if (wait > 0) await Promise.race([new Promise((resolve) => setTimeout(resolve, wait)), exited]);
    if (done) break;
    events.push({ kind: 'sent', atMs: at(), what: step.what });
    if (step.what === 'SIGINT') child.kill('SIGINT');
    else control.write(`${step.what}\n`);
  }
  await exited;
  clearTimeout(limit);
  return events;
}

/** A data row of `perf stat -x, -I` output, split into perf 6.1's columns. */
export interface IntervalRow {
  readonly timeText: string;
  readonly timeS: number;
  readonly fields: readonly string[];
}

const ROW = /^\s*\d+\.\d{9},/;

/** The interval rows of a drive, grouped by timestamp in order. */
export function intervalGroups(events: readonly DriveEvent[]): IntervalRow[][] {
  const groups: IntervalRow[][] = [];
  for (const event of events) {
    if (event.kind !== 'line' || !ROW.test(event.text)) continue;
    const fields = event.text.split(',');
    const timeText = fields[0] ?? '';
    const row = { timeText, timeS: Number(timeText), fields: fields.slice(1) };
    const last = groups.at(-1);
    if (last && last[0]?.timeText === timeText) last.push(row);
    else groups.push([row]);
  }
  return groups;
}

/**
 * What a row looks like, not what it counted: each column as a kind (`int`, `2dp`, `3dp`) or its
 * literal text where the text is the protocol (`<not counted>`, `msec`, the event name, `100.00`),
 * metric units without their K/M/G scale.
 */
export function rowShape(row: IntervalRow): string {
  const kind = (text: string): string => {
    if (/^\d+$/.test(text)) return 'int';
    const decimals = /^\d+\.(\d+)$/.exec(text)?.[1]?.length;
    return decimals === undefined ? JSON.stringify(text) : `${decimals}dp`;
  };
  const [value = '', unit = '', event = '', run = '', pct = '', metricValue = '', metricUnit = '', ...rest] = row.fields;
  return [
    value.startsWith('<') ? value : kind(value),
    JSON.stringify(unit),
    JSON.stringify(event),
    kind(run),
    pct === '100.00' ? '100.00' : kind(pct),
    metricValue === '' ? '""' : kind(metricValue),
    JSON.stringify(metricUnit.replace(/^[KMG](?=\/sec$)/, '')),
    ...rest.map((text) => JSON.stringify(text)),
  ].join(',');
}
