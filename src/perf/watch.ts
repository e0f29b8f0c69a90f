import { spawn } from 'node:child_process';
import split2 from 'split2';
import type { Readable } from 'node:stream';
import { createPerfStatParser, type PerfRecord } from '../../parsers/perf-stat.ts';
import type { PerfError } from '../errors.ts';
import type { PerfErrorContext } from '../../parsers/perf-errors.ts';
import type { PerfOptions } from './controller.ts';
import { dyingWithPerfcell } from './die-with-perfcell.ts';
import { perfProblem, spawnedPerfProcess, trackPerf } from './perf-process.ts';

/** The same set-up as a window's perf: events, interval, perf binary. */
export type PerfWatchOptions = PerfOptions;

/** How a watch ended. */
export interface PerfWatchEnd {
  /** Lines perf printed that were neither data nor comments (warnings, errors). */
  readonly messages: readonly string[];
  readonly skippedLines: number;
  /** Records perf delivered in all. */
  readonly recordCount: number;
  /** Set when perf exited without delivering a single record: the reason, classified from its stderr. */
  readonly problem: PerfError | null;
}

/**
 * A `perf stat -I` attached to a running pid that counts from the start and hands every record
 * to `onRecord` as it arrives, keeping none: memory stays flat however long it runs. perf ends by
 * itself when the target exits (after printing the last partial interval).
 */
export interface PerfWatch {
  readonly perfPid: number | undefined;
  /** Settles when perf has exited and its output is read, however it ended. */
  readonly ended: Promise<PerfWatchEnd>;
  /** SIGINT (only SIGINT makes perf print its last partial interval), SIGKILL after 2 s; then `ended`. */
  stop(): Promise<PerfWatchEnd>;
  /** Ends perf at once; for error paths. */
  kill(): void;
}

/** perf's argument list for a watch; exported for tests. */
export function perfWatchArguments(pid: number, options: PerfWatchOptions): string[] {
  const metrics = options.metricGroups !== undefined && options.metricGroups.length > 0 ? ['-M', options.metricGroups.join(',')] : [];
  return ['stat', '-x', ',', '-I', String(options.intervalMs), '--pid', String(pid), '-e', options.events.join(','), ...metrics];
}

/** `target` says what else is known of the pid, to name why perf refused it. */
export function watchPerf(
  pid: number,
  options: PerfWatchOptions,
  onRecord: (record: PerfRecord) => void,
  target: Pick<PerfErrorContext, 'isPidNotDumpable'> = {},
): PerfWatch {
  // it dies with this process (die-with-perfcell.ts): perf ends by itself only at its next row's
  // write to a closed pipe, so a SIGKILLed `attach -I 20000` left it counting for up to 20 s
  const { file, args } = dyingWithPerfcell(options.perfPath ?? 'perf', perfWatchArguments(pid, options));
  const child = spawn(file, args, {
    env: { ...process.env, LC_ALL: 'C' },
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group: Ctrl-C reaches perfcell, which then stops perf so it prints the last interval.
    detached: true,
  });
  // perf's end is its exit, its pipes given PIPES_AFTER_EXIT_MS (boundedClose), and its signals go
  // to its whole group: execa's end waited for every pipe, so a PERFCELL_PERF wrapper whose child
  // held perf's stderr kept attach alive after perf had exited (one that left perf's group, for ever)
  const perf = spawnedPerfProcess(child);
  const untrack = trackPerf(perf);

  // with -M, perf's metric-only rows come through as records (isMetricRow) for the summary
  const parser = createPerfStatParser({ format: 'csv', separator: ',', metrics: options.metricGroups !== undefined && options.metricGroups.length > 0 });
  const messages: string[] = [];
  let recordCount = 0;
  const deliver = (records: readonly PerfRecord[]): void => {
    for (const record of records) {
      recordCount += 1;
      onRecord(record);
    }
  };
  const stderr = child.stderr as Readable;
  const lines = stderr.pipe(split2());
  const read = new Promise<void>((resolve) => {
    lines.on('data', (line: string) => {
      const found = parser.push(line);
      deliver(found);
      const text = line.trim();
      // Bounded: a healthy perf prints no messages, a failing one a few before it exits.
      if (found.length === 0 && text !== '' && !text.startsWith('#') && messages.length < 50) messages.push(text);
    });
    lines.on('end', () => {
      deliver(parser.end());
      resolve();
    });
    lines.on('error', () => resolve());
  });

  let exited = false;
  const ended = (async (): Promise<PerfWatchEnd> => {
    const spawnError = await new Promise<Error | null>((resolve) => perf.onClose(resolve));
    exited = true;
    untrack();
    // a stderr pipe dropped while a descendant of perf's held it (boundedClose) never ends the splitter
    if (stderr.destroyed && !stderr.readableEnded) lines.end();
    await read;
    let problem: PerfError | null = null;
    if (recordCount === 0) problem = perfProblem(messages, spawnError?.message ?? '', { ...target, events: options.events, pid, perfPath: options.perfPath });
    return { messages, skippedLines: parser.skippedLines, recordCount, problem };
  })();

  return {
    perfPid: child.pid,
    ended,
    // perf's whole process group (signalPerf): a PERFCELL_PERF wrapper that runs perf as its child
    // took the SIGINT alone, and `attach -d 0.5` through one ran until its target exited (30 s)
    async stop() {
      if (!exited) perf.kill('SIGINT');
      const timer = setTimeout(() => perf.kill('SIGKILL'), 2000);
      const end = await ended;
      clearTimeout(timer);
      return end;
    },
    kill() {
      if (!exited) perf.kill('SIGKILL');
    },
  };
}
