import { constants } from 'node:os';
import type { CompareDocument, SavedAlternative } from '../experiment/compare-document.ts';
import { summarizeRuns } from '../experiment/statistics.ts';

/** One command as hyperfine's `--export-json` writes it (hyperfine 1.15 to 1.20). */
export interface HyperfineResult {
  /** The alternative's name: hyperfine's command, or its `-n` name. */
  readonly command: string;
  readonly mean: number | null;
  /** Sample standard deviation; null for one run, as hyperfine's. */
  readonly stddev: number | null;
  readonly median: number | null;
  /** Mean user and system CPU seconds of a run. */
  readonly user: number | null;
  readonly system: number | null;
  readonly min: number | null;
  readonly max: number | null;
  /** Each measured run's wall seconds, in order. */
  readonly times: readonly number[];
  /** Each measured run's peak RSS in bytes (hyperfine 1.19's memory_usage_byte). */
  readonly memory_usage_byte: readonly (number | null)[];
  /**
   * Each measured run's exit code: 0, that of a failure kept under -i, 128 + n where it died of
   * signal n (as hyperfine writes it, and a shell's $? reads), null for a cell that threw.
   */
  readonly exit_codes: readonly (number | null)[];
  /** The -L and -P values (hyperfine's, the same shape); absent without them. */
  readonly parameters?: Readonly<Record<string, string>>;
}

function meanOrNull(values: readonly (number | undefined)[]): number | null {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length === 0 ? null : (summarizeRuns(known).mean ?? null);
}

function hyperfineResult(alternative: SavedAlternative): HyperfineResult {
  const times = alternative.runs.map((run) => run['durationS'] ?? Number.NaN);
  const summary = summarizeRuns(times);
  // a run kept under -i is in `runs` all the same: its round says which
  const failed = new Map((alternative.failures ?? []).filter((failure) => failure.phase === 'measure').map((failure) => [failure.round, failure]));
  return {
    command: alternative.name,
    mean: summary.mean,
    stddev: summary.stdDev,
    median: summary.median,
    user: meanOrNull(alternative.runs.map((run) => run['userCpuS'])),
    system: meanOrNull(alternative.runs.map((run) => run['systemCpuS'])),
    min: summary.min,
    max: summary.max,
    times,
    memory_usage_byte: alternative.runs.map((run) => run['peakRssBytes'] ?? null),
    exit_codes: alternative.runs.map((_, index) => {
      const failure = failed.get(index + 1);
      if (failure === undefined) return 0;
      // hyperfine writes a run killed by a signal as its shell status (SIGKILL: 137), not null
      const signalNumber = failure.signal === null ? undefined : (constants.signals as Record<string, number | undefined>)[failure.signal];
      return failure.exitCode ?? (signalNumber === undefined ? null : 128 + signalNumber);
    }),
    ...(alternative.parameters === undefined ? {} : { parameters: alternative.parameters }),
  };
}

/**
 * The comparison as hyperfine's `--export-json` writes it, `{ "results": [ … ] }`, one result per
 * alternative in order (not the noise floor, which hyperfine has not), so that what was written for
 * hyperfine's JSON (its scripts/plot_whisker.py, plot_parametrized.py, advanced_statistics.py, jq
 * pipelines) reads perfcell's runs. Times in seconds, as hyperfine's. Pure.
 * @example renderHyperfineJson(document) // '{\n  "results": [\n    {\n      "command": "./rowcol row 1024 20",\n      "mean": 0.0121, …'
 */
export function renderHyperfineJson(document: CompareDocument): string {
  return `${JSON.stringify({ results: document.alternatives.map(hyperfineResult) }, null, 2)}\n`;
}
