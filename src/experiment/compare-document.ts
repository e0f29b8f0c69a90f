import { UsageError } from '../errors.ts';
import { analyzeRuns, outlierWarning, type AlternativeRuns, type BaselineComparison, type MetricResult } from './analyze.ts';
import type { MachineInfo } from './machine.ts';
import type { RunValues } from './metrics.ts';
import { compareByValue, type ValueComparison } from './by-value.ts';
import type { CommandIo } from './alternatives.ts';

export const COMPARE_FORMAT = 'perfcell-compare';
export const COMPARE_VERSION = 1;

/** How the runs were taken; saved so a reader knows what the numbers mean. */
export interface CompareSettings {
  readonly source: 'cells' | 'commands';
  /** The cell file (cells), else null. */
  readonly file: string | null;
  readonly shell: boolean;
  /** The shell -S named (`bash`), where it was not sh; absent otherwise. */
  readonly shellProgram?: string;
  readonly backend: 'perf' | 'cachegrind';
  /** perf events asked for; null: the defaults. */
  readonly events: readonly string[] | null;
  readonly perf: boolean;
  readonly intervalMs: number;
  readonly warmup: number;
  /** Measured rounds actually taken (each alternative ran this many times). */
  readonly rounds: number;
  /** Measured rounds a job-control stop (Ctrl-Z) fell into: left out of `rounds` and run again. */
  readonly roundsRerun: number;
  readonly minTimeS: number | null;
  /** --max-runs (with a min-time): the most measured rounds it could take; absent without it. */
  readonly maxRuns?: number;
  /** --sort mean-time: the alternatives ordered by mean time, the fastest first (after a --reference); absent: as given. */
  readonly sort?: 'mean-time';
  readonly order: 'interleaved';
}

/** A run that failed and was kept under `--ignore-failure`: its values are in `runs` all the same. */
export interface RunFailure {
  readonly phase: 'warmup' | 'measure';
  /** 1-based round within its phase. */
  readonly round: number;
  /** The exit code; null when it died by a signal or a cell threw. */
  readonly exitCode: number | null;
  readonly signal: string | null;
}

export interface SavedAlternative extends AlternativeRuns {
  /** The argv that ran (commands); absent for cells. */
  readonly command?: readonly string[];
  /** The -L and -P values it ran with (`{ size: '512' }`); absent without them. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Runs that failed under --ignore-failure; absent when none did. */
  readonly failures?: readonly RunFailure[];
  /** Where its runs' stdin and stdout were (compare --input, --output, --show-output); absent: /dev/null both. */
  readonly io?: CommandIo;
  /**
   * Per counter perf printed a running % for, the lowest over its measured runs, in %: below 100,
   * perf multiplexed it and scaled its counts up from that share of the time (the text marks such
   * a metric `*`); absent when none had one (no perf, cachegrind, documents saved before it existed).
   */
  readonly lowestRunningPct?: Readonly<Record<string, number>>;
}

/**
 * What `compare --export-json` and `--save` write, version 1: every run's raw values (so the
 * statistics can be recomputed) and the machine. `results` and `baseline` are derived from them.
 */
export interface CompareDocument {
  readonly format: typeof COMPARE_FORMAT;
  readonly version: typeof COMPARE_VERSION;
  readonly createdAt: string;
  readonly machine: MachineInfo;
  readonly settings: CompareSettings;
  readonly alternatives: readonly SavedAlternative[];
  /** The empty alternative (an empty cell, `true`), measured the same way; null when left out. */
  readonly noiseFloor: SavedAlternative | null;
  readonly results: readonly MetricResult[];
  /** A parameter scan's (-L, -P) alternatives of the same values, each against the first of them, every metric (by-value.ts); absent without a scan of two commands or more. */
  readonly byValue?: readonly ValueComparison[];
  readonly baseline?: {
    readonly file: string;
    readonly createdAt: string;
    readonly machine: MachineInfo;
    readonly comparisons: readonly BaselineComparison[];
  };
  readonly warnings: readonly string[];
  /** Present when the runs stopped early (Ctrl-C, SIGTERM, a failing run): the document holds what finished. */
  readonly partial?: PartialRun;
  /** What the runs cost in wall time, the noise floor's apart (absent in documents saved before it existed). */
  readonly cost?: CompareCost;
}

/**
 * Wall seconds spent running each alternative, warm-up included and with every run's hand-overs to
 * perf: the noise floor's share is what it cost to know which differences are noise.
 */
export interface CompareCost {
  /** Every alternative's runs and the noise floor's. */
  readonly totalS: number;
  /** Per alternative, by name, in order. */
  readonly alternativesS: Readonly<Record<string, number>>;
  /** The noise floor's runs; null when it was left out. */
  readonly noiseFloorS: number | null;
}

/** Why a comparison stopped before its schedule's end, and what it kept (see experiment/partial-run.ts). */
export interface PartialRun {
  /** 'interrupted' (a signal) or 'failed' (a run or a check cell failed). */
  readonly reason: 'interrupted' | 'failed';
  /** The signal's name when interrupted, else null. */
  readonly signal: string | null;
  /** One line: what stopped it and what the document holds. */
  readonly message: string;
  /** Measured rounds in which every alternative ran. */
  readonly completedRounds: number;
  /** Finished measured runs of each alternative (and the noise floor), by name. */
  readonly runs: Readonly<Record<string, number>>;
  /** Where it stopped: phase, 1-based round and the alternative running then (null between runs or after the rounds). */
  readonly stoppedAt: { readonly phase: 'warmup' | 'measure' | 'after'; readonly round: number | null; readonly alternative: string | null };
}

export function buildCompareDocument(input: {
  readonly machine: MachineInfo;
  readonly settings: CompareSettings;
  readonly alternatives: readonly SavedAlternative[];
  readonly noiseFloor: SavedAlternative | null;
  readonly warnings: readonly string[];
  readonly createdAt?: string;
  readonly cost?: CompareCost;
}): CompareDocument {
  const results = analyzeRuns(input.alternatives, input.noiseFloor);
  const byValue = compareByValue(input.alternatives, input.noiseFloor);
  const outliers = outlierWarning(results);
  return {
    format: COMPARE_FORMAT,
    version: COMPARE_VERSION,
    createdAt: input.createdAt ?? new Date().toISOString(),
    machine: input.machine,
    settings: input.settings,
    alternatives: input.alternatives,
    noiseFloor: input.noiseFloor,
    results,
    ...(byValue.length === 0 ? {} : { byValue }),
    warnings: outliers === null ? input.warnings : [...input.warnings, outliers],
    ...(input.cost === undefined ? {} : { cost: input.cost }),
  };
}

function isRunValues(value: unknown): value is RunValues {
  return typeof value === 'object' && value !== null && Object.values(value).every((entry) => typeof entry === 'number');
}

function isAlternative(value: unknown): value is SavedAlternative {
  if (typeof value !== 'object' || value === null) return false;
  const { name, runs } = value as { name?: unknown; runs?: unknown };
  return typeof name === 'string' && Array.isArray(runs) && runs.every(isRunValues);
}

function isMachine(value: unknown): value is MachineInfo {
  if (typeof value !== 'object' || value === null) return false;
  const { hostname, cpuModel, cpuCount, kernel, perfVersion, node } = value as Partial<Record<keyof MachineInfo, unknown>>;
  const isTextOrNull = (entry: unknown): boolean => entry === null || typeof entry === 'string';
  return typeof hostname === 'string' && isTextOrNull(cpuModel) && typeof cpuCount === 'number' && typeof kernel === 'string' && isTextOrNull(perfVersion) && typeof node === 'string';
}

/** Absent, or a note with its message: the one part of it a baseline's warning reads. */
function isPartialNote(value: unknown): boolean {
  return value === undefined || (typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string');
}

/**
 * Reads a saved comparison. Only the raw parts are trusted (format, version, machine,
 * alternatives and their runs); results are recomputed by whoever needs them.
 */
export function parseCompareDocument(text: string, file: string): CompareDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not JSON (pass a file written by perfcell compare --save or --export-json)`);
  }
  const document = data as Partial<CompareDocument> | null;
  if (typeof document !== 'object' || document === null || document.format !== COMPARE_FORMAT) {
    throw new UsageError(`${file} is not a perfcell comparison (pass a file written by perfcell compare --save or --export-json)`);
  }
  if (document.version !== COMPARE_VERSION) {
    throw new UsageError(`${file} is perfcell-compare version ${String(document.version)}; this perfcell reads version ${COMPARE_VERSION} (upgrade perfcell, or record the baseline again)`);
  }
  if (!Array.isArray(document.alternatives) || !document.alternatives.every(isAlternative)) {
    throw new UsageError(`${file} has no runs perfcell can read (record the baseline again with --save)`);
  }
  // read after the runs (the machine, the date) or before them (partial): a damaged one is refused
  // here, before the first run, not met as a TypeError once every run is done
  const damaged = !isMachine(document.machine) ? 'machine' : typeof document.createdAt !== 'string' ? 'createdAt' : !isPartialNote(document.partial) ? 'partial' : null;
  if (damaged !== null) throw new UsageError(`${file} is damaged: its "${damaged}" is not what perfcell writes (record the baseline again with --save)`);
  return document as CompareDocument;
}
