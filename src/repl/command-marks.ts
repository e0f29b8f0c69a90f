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
 * Its value, undefined, is the one a command of declarations alone ends with (their completion is
 * empty), and a statement of the command with a value comes after it and sets the value the REPL
 * prints (a bare call would leave its 0: `const q = 5` would print 0). node:repl's top-level await
 * rewrite (lib/internal/repl/await.js) leaves it as it is, so the shift is one length however a
 * line ran; it rewrites top-level `var` declarations, and the mark was one (`var {} = …` became
 * `void ({} = …)`, three characters longer): the kernel, whose cells then shared one file name, moved a
 * plain cell's frames back by the last cell's length (`thrower (cell:1:25)` for node's 28).
 */
export const START_MARK = `void ${MARK}(0);`;
/** What a command that opens with a directive gets instead of the start mark: a comment of its length. */
const COMMENT_MARK = `/*${' '.repeat(START_MARK.length - 4)}*/`;

/**
 * After the command's last statement, on a line of its own (the command may end in a comment). A
 * declaration whose pattern binds nothing: it leaves the command's value as the command made it, and
 * declares no name (the host function returns 0, a value the pattern can destructure).
 */
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
 * makes it. Code that opens with a directive (`'use strict'`) gets no marks, as a call before it would
 * make it a plain string, but a comment of the start mark's length: every command's first line is
 * shifted alike, as the kernel's cells needed while they shared one file name (unmarkStack moved an unmarked
 * cell's frames back as well: `s (cell:1:9)` for node's 36).
 */
export function markCommand(code: string): MarkedCommand {
  if (/^\s*(['"])use strict\1/.test(code)) return { code: `${COMMENT_MARK}${code}`, started: false, ended: false };
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
 * A stack with the columns of the first lines of commands markCommand made (frames `FILE:1:COLUMN` of the
 * given files) moved back by the start mark's length: the columns node:repl shows for the line as typed.
 */
export function unmarkStack(stack: string, markedFiles: ReadonlySet<string>): string {
  return unmarkSourceLine(stack, markedFiles).replace(/([^\s()]+):1:(\d+)/g, (whole, file: string, column: string) =>
    markedFiles.has(file) ? `${file}:1:${Math.max(1, Number(column) - START_MARK.length)}` : whole,
  );
}

/**
 * A SyntaxError V8 raised in the first line of a marked command (`@dec class D {}`, which esbuild
 * passes through) heads its stack with that line and a caret under it (node:repl has taken off the
 * `REPL1:1` above them by the time it shows it): the line as typed, the mark (or its comment) taken
 * off and the caret moved back by its length, as node:repl shows it. It read
 * `void __perfcellMark(0);@dec class D {`.
 */
function unmarkSourceLine(stack: string, markedFiles: ReadonlySet<string>): string {
  const lines = stack.split('\n');
  const name = /^(.+):1$/.exec(lines[0] ?? '')?.[1];
  const at = name !== undefined && markedFiles.has(name) ? 1 : 0;
  const [line, caret] = [lines[at], lines[at + 1]];
  if (line === undefined || caret === undefined || !/^ *\^+$/.test(caret)) return stack;
  const mark = [START_MARK, COMMENT_MARK].find((each) => line.startsWith(each));
  if (mark === undefined || !caret.startsWith(' '.repeat(mark.length))) return stack;
  lines.splice(at, 2, line.slice(mark.length), caret.slice(mark.length));
  return lines.join('\n');
}
