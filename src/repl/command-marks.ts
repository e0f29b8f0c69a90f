import vm from 'node:vm';
import type { CountingSwitch } from '../perf/controller.ts';
import { monotonicNs } from '../session/clock.ts';
import { startGcWindow, type GcReport, type GcWindow } from '../session/gc.ts';

/**
 * A REPL command (or notebook cell) with calls to a host function around it, as the cells of a file
 * have them (cell-evaluator.ts): its first statement marks the command's start (and turns perf on),
 * one after its last marks its end (and turns perf off). So neither the command's time nor its
 * counts hold node:repl's own work around it: the compile, the SIGINT watchdog thread that
 * breakEvalOnSigint starts and joins, the turn of the event loop that reads perf's ack, perfcell's
 * reads. A `1+1` read 1.4-2.0 ms of task-clock and 14-26 page-faults without them.
 */
export const MARK = '__perfcellMark';

/**
 * On the command's first line, so its lines stay as typed; columns on that line shift by its length.
 * Both marks are declarations whose pattern binds nothing: they leave the completion value, which
 * the REPL prints, as the command makes it (a call statement would set it: `const q = 5` would
 * print the mark's value), and declare no name. The host function returns 0 (the pattern needs
 * a value it can destructure).
 */
export const START_MARK = `var {} = ${MARK}(0);`;

/**
 * The start mark as node:repl runs a line with top-level await: its rewrite (lib/internal/repl/await.js)
 * turns a top-level `var` declaration into `void (…)`, three characters longer, so such a line's
 * first-line columns shift by this length instead.
 */
export const AWAITED_START_MARK = `void ({} = ${MARK}(0));`;

/** After the command's last statement, on a line of its own (the command may end in a comment). */
export const END_MARK = `\n;var {} = ${MARK}(1);`;

/** What the marks read: the command's start and end on the monotonic clock, its process's CPU at each, and the collections between. */
export interface CommandMarks {
  startNs?: bigint;
  endNs?: bigint;
  startCpu?: NodeJS.CpuUsage;
  endCpu?: NodeJS.CpuUsage;
  /** V8's collections from the start mark on (GCProfiler), until the end mark stops it into `gcReport`. */
  gc?: GcWindow;
  gcReport?: GcReport;
}

/**
 * What the host function does at a mark (a REPL line's, a notebook cell's, a file's cell's), in this
 * order: the GC recording started, perf on, then the CPU and the clock; at the end the clock, the
 * CPU, perf off, then the GC recording stopped. The marks' own reads (a few µs) are the only work of
 * perfcell's inside the command's counts and time. The collections are the command's span's, as
 * its time is: a scavenge while V8 compiled the command (before its start mark) is not in it (a
 * `const x = 1` cell of 16 µs read "gc 1 minor, pause 8.5 ms" with the window's).
 */
export function recordMark(which: 0 | 1, marks: CommandMarks, counting: CountingSwitch | null | undefined): void {
  if (which === 0) {
    marks.gc?.stop();
    marks.gc = startGcWindow();
    counting?.on();
    marks.startCpu = process.cpuUsage();
    marks.startNs = monotonicNs();
  } else {
    marks.endNs = monotonicNs();
    marks.endCpu = process.cpuUsage();
    counting?.off();
    if (marks.gc !== undefined && marks.gcReport === undefined) marks.gcReport = marks.gc.stop();
  }
}

export interface MarkedCommand {
  readonly code: string;
  /** Whether the start mark was put in. */
  readonly started: boolean;
  /** Whether the end mark was put in (not after top-level await: the command ends when its promise settles). */
  readonly ended: boolean;
}

/**
 * `code` (valid JavaScript) with the marks around it. node:repl reads `{ a: 1 }` as an object, not a
 * block, and would no longer see one behind the start mark: that wrap is made here first, as node:repl
 * makes it. Code that opens with a directive (`'use strict'`) is left as it is: a call before it would
 * make it a plain string.
 */
export function markCommand(code: string): MarkedCommand {
  if (/^\s*(['"])use strict\1/.test(code)) return { code, started: false, ended: false };
  const hasAwait = code.includes('await');
  const source = isObjectLiteral(code, hasAwait) ? `(${code.trim()})\n` : code;
  return hasAwait ? { code: `${START_MARK}${source}`, started: true, ended: false } : { code: `${START_MARK}${source}${END_MARK}`, started: true, ended: true };
}

/** node:repl's test (lib/internal/repl/utils.js): opens with `{`, does not end with `;`, and parses in parentheses. */
function isObjectLiteral(code: string, hasAwait: boolean): boolean {
  if (!/^\s*{/.test(code) || /;\s*$/.test(code)) return false;
  const wrapped = `(${code.trim()})`;
  return compiles(hasAwait ? `(async () => ${wrapped})` : wrapped);
}

function compiles(source: string): boolean {
  try {
    new vm.Script(source);
    return true;
  } catch {
    return false;
  }
}

/**
 * A stack with the columns of the marked commands' first lines (frames `FILE:1:COLUMN` of the
 * given files) moved back by the length of the start mark as it ran (START_MARK, or
 * AWAITED_START_MARK in a line node:repl ran as top-level await): the columns node:repl shows for
 * the line as typed.
 */
export function unmarkStack(stack: string, markedFiles: ReadonlyMap<string, number>): string {
  return stack.replace(/([^\s()]+):1:(\d+)/g, (whole, file: string, column: string) => {
    const markLength = markedFiles.get(file);
    return markLength === undefined ? whole : `${file}:1:${Math.max(1, Number(column) - markLength)}`;
  });
}
