import { UsageError } from '../errors.ts';
import { runUnderCachegrind } from '../backends/cachegrind.ts';
import { CACHEGRIND_NOTE } from '../backends/cachegrind-counters.ts';
import { runProgram, untilGatesExit } from './run-program.ts';
import { measureNestedProgram, openSelfWindowLabel, overlapError, prepareWindow } from './window.ts';
import { untilEndedLaunchersExit } from '../perf/perf-group-launcher.ts';
import { untilEndingPerfsExit } from '../perf/controller.ts';
import type { MeasureOptions } from './options.ts';
import type { CommandReport } from './report.ts';
import { shellQuote } from '../render/shell-quote.ts';
import { emptyProgramError } from './exec-failure.ts';
import { openProgramFiles } from './program-files.ts';
import { programStdio } from './program-stdio.ts';
import { forwardInterruptions, holdInterruptions, InterruptedError, interruptedOr, settleStopAfterEnd } from './interruption.ts';
import { checkMeasureOptions, checkMeasureTarget } from './check-options.ts';
import { recordMark, type CommandMarks } from '../repl/command-marks.ts';
import type { CountingSwitch } from '../perf/controller.ts';
import type { UnhandledInstruction } from '../../parsers/valgrind-log.ts';

/**
 * Measures one command and returns its report: a function run in this process (sync or async;
 * the window closes when its promise settles), or an external program given as an argv array
 * (no shell: `measure(['ls', '-l'])`; a string is refused). The options are checked first, by the
 * command line's rules (`intervalMs` a whole number from 10 to 2147483647, `events` an array of names …): a value
 * outside them is a UsageError naming the fix. A function that throws still gets its report: the
 * error is rethrown with the report attached as `error.report` (where it takes one: an object, not
 * frozen; a thrown string is rethrown bare). A function's final memory is
 * settled after the window (its garbage collected; `settle: false` reads it as it is), and one
 * function at a time is measured in a process: a call while another window is open is refused
 * with a UsageError.
 * A function's report also holds what it returned (awaited) as `value`, a non-enumerable property:
 * `const { value } = await measure(fn)` reads it, while JSON.stringify(report) and spreads leave it out.
 * @example const report = await measure(() => new Float64Array(1 << 24).fill(1), { events: ['page-faults'] });
 * @example const { value, durationS } = await measure(async () => (await fetch(url)).status);
 */
export async function measure<T>(target: () => T, options?: MeasureOptions): Promise<MeasuredReport<Awaited<T>>>;
export async function measure(target: readonly string[], options?: MeasureOptions): Promise<CommandReport>;
export async function measure(target: (() => unknown) | readonly string[], options?: MeasureOptions): Promise<CommandReport>;
export async function measure(target: (() => unknown) | readonly string[], options: MeasureOptions = {}): Promise<CommandReport> {
  checkMeasureTarget(target, 'measure');
  checkMeasureOptions(options);
  if (typeof target !== 'function') {
    return measureNestedProgram(() => (options.backend === 'cachegrind' ? runCachegrind(target, options) : runProgram(target, options)));
  }
  if (options.backend === 'cachegrind') throw new UsageError('the cachegrind backend measures external commands only (pass an argv array)');
  // Refused before perf is started: two windows over one process would reset each other's peak
  // and read each other's RAM.
  const open = openSelfWindowLabel();
  if (open !== null) throw overlapError(open);
  // what earlier measures left ending (a launcher, a gate, a program's perf) is reaped outside this
  // window: its CPU would be this window's children's (a QA pass: childrenS 0.01 after a measure of
  // a program; 0.03 once in CI, the program's perf, whose exit nothing waited for)
  await Promise.all([untilEndedLaunchersExit(), untilGatesExit(), untilEndingPerfsExit()]);
  const window = prepareWindow(process.pid, { label: target.name || 'function', ...options });
  let counting: CountingSwitch | null;
  try {
    // perf switched on right before fn and off as it returns (or its promise settles), as a REPL
    // line's and a cell's own marks switch it: enabled from outside, the ack's turn of the event
    // loop and the window's own reads were counted too, an empty fn reading a median of 0.5 ms of
    // task-clock and 9 page-faults where an empty line or cell reads 0.06 ms and 0
    counting = await window.begin({ switchInCommand: true });
  } catch (error: unknown) {
    window.cancel();
    throw error;
  }
  let failure: { error: unknown } | null = null;
  let value: unknown;
  const marks: CommandMarks = {};
  recordMark(0, marks, counting);
  try {
    value = target();
    if (isThenable(value)) value = await value;
  } catch (error: unknown) {
    failure = { error };
  }
  recordMark(1, marks, counting);
  const report = await window.end({ exitCode: failure === null ? 0 : 1 }, marks);
  if (failure !== null) {
    attachReport(failure.error, report);
    throw failure.error;
  }
  return Object.defineProperty(report, 'value', { value, enumerable: false, writable: false, configurable: true });
}

/**
 * fn's error as `error.report`'s holder: any object (an Error of a vm context is not `instanceof
 * Error` here), and none that refuses it (frozen, a getter of its own), which is rethrown as it was
 * thrown, not replaced by the TypeError of setting its report.
 */
function attachReport(error: unknown, report: CommandReport): void {
  if ((typeof error !== 'object' && typeof error !== 'function') || error === null) return;
  try {
    Object.assign(error, { report });
  } catch {
    // fn's own error goes on as it is
  }
}

/** What `measure(fn)` resolves with: the report, and fn's (awaited) result as the non-enumerable `value`. */
export type MeasuredReport<T> = CommandReport & { readonly value: T };

async function runCachegrind(command: readonly string[], options: MeasureOptions): Promise<CommandReport> {
  const [file, ...args] = command;
  if (file === undefined) throw new UsageError('no command to run (usage: perfcell run [options] -- CMD ARGS...)');
  if (file === '') throw emptyProgramError();
  // compare --input FILE, --output FILE (emptied now: valgrind starts at once)
  const files = openProgramFiles(options);
  files.begin();
  // when valgrind starts, as a perf run's startedAt is its program's start: taken after the run, it
  // read the run's end (a 2.7 s run of sleep 2 said it started 2.7 s after it had)
  const startedAt = new Date().toISOString();
  let result: Awaited<ReturnType<typeof runUnderCachegrind>>;
  // SIGINT, SIGTERM and SIGHUP go on to valgrind, which passes them to its program, as the gated
  // run passes them to its program: unforwarded, a `kill` of perfcell alone left the run going to
  // its end (30 s of `sleep 30`, exit 0), while perfcell said it had passed it on. The library's
  // hold, as run-ungated.ts's: measure() in a script passes the signal on to it once the run has ended.
  const releaseSignals = holdInterruptions({ isLibrary: true });
  let valgrindPid: number | undefined;
  const stopForwarding = forwardInterruptions(() => valgrindPid);
  try {
    // a signal passed on while valgrind was still starting kills it before it writes anything: the
    // run was interrupted, not failed (it read 'valgrind was killed by SIGTERM before cachegrind
    // wrote its counts … (end it with SIGINT or SIGTERM, …)', exit 1)
    result = await interruptedOr(
      runUnderCachegrind(file, args, {
        stdio: programStdio(options, files),
        onSpawn: (pid) => {
          valgrindPid = pid;
          files.spawned();
        },
        ...(options.programEnvironment === undefined ? {} : { env: options.programEnvironment }),
      }),
    );
    const stop = await settleStopAfterEnd(result.signal);
    // no counts after a stop passed on: it killed valgrind while it was starting (it writes them
    // after SIGINT or SIGTERM once running), so the run was interrupted, not a program's end
    if (result.profile === null && stop !== null) throw new InterruptedError(stop);
  } finally {
    stopForwarding();
    files.close();
    releaseSignals();
  }
  const unknownMemory = { rssBeforeBytes: null, rssAfterBytes: null, usedBytes: null, peakRssBytes: null, peakAboveFinalBytes: null } as const;
  return {
    label: options.label ?? shellQuote(command),
    command,
    startedAt,
    durationS: result.durationS,
    exitCode: result.exitCode,
    signal: result.signal,
    // Under valgrind the program's RSS is valgrind's; it is not reported as the program's.
    memory: { ...unknownMemory, peakMethod: 'none' },
    cpu: { systemMeanPct: null, singleMaxPct: null, perCpuPct: [], userS: null, systemS: null },
    counters: result.counters,
    warnings: [
      CACHEGRIND_NOTE,
      ...lostCountsWarning(result.profile === null ? result.signal : null),
      ...forkedWarning(result.forkedProcesses),
      ...unfinishedWarning(result.unfinishedCommands),
      ...unhandledWarning(result.unhandledInstruction),
    ],
  };
}

/** A program (valgrind, its process) killed by a signal before cachegrind wrote any counts: there are none. */
function lostCountsWarning(signal: string | null): string[] {
  if (signal === null) return [];
  return [`the program was killed by ${signal} before cachegrind wrote its counts, so there are none (end it with SIGINT or SIGTERM, after which cachegrind writes them)`];
}

/**
 * valgrind gives a child forked without exec a copy of its parent's counts so far, which the summed
 * counters then hold twice: a program whose child only exited had its fill loop's misses doubled
 * (68,877 D1 misses for 34,459), with no word of it.
 */
function forkedWarning(count: number): string[] {
  if (count === 0) return [];
  const processes = count === 1 ? 'a process forked without exec' : `${count} processes forked without exec`;
  return [`${processes}: cachegrind starts such a child with its parent's counts so far, so the totals count those twice (run the child's work as a program of its own to count it alone)`];
}

/**
 * The processes that had written no counts when the program ended: killed by SIGKILL (valgrind
 * writes them as a process ends, and a SIGKILL gives it no time to) or left running. The totals
 * leave them out: a shell whose child was killed with kill -9 read its own counts alone, in silence.
 */
function unfinishedWarning(commands: readonly string[]): string[] {
  if (commands.length === 0) return [];
  const processes = commands.length === 1 ? 'a process' : `${commands.length} processes`;
  return [`${processes} had written no cachegrind counts when the program ended, so the totals leave them out: killed by SIGKILL, which gives valgrind no time to write them, or left running (${commands.join('; ')})`];
}

/**
 * An instruction valgrind could not decode: it raised SIGILL in the program in its place, and the
 * log that said so was removed with the run, so a program that runs natively read as
 * `killed by SIGILL` of its own (a QA pass: a SHA-NI instruction, which this CPU runs).
 */
function unhandledWarning(instruction: UnhandledInstruction | null): string[] {
  if (instruction === null) return [];
  const where = instruction.location === null ? '' : ` at ${instruction.location}`;
  return [`valgrind could not decode an instruction${where} (bytes ${instruction.bytes}) and raised SIGILL in the program in its place: if the program runs natively, the instruction is one valgrind lacks and this run is not the program's (perfcell run without --backend cachegrind tells)`];
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return ((typeof value === 'object' && value !== null) || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
