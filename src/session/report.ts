import type { EventAggregate } from '../../parsers/aggregate.ts';
import type { GcReport } from './gc.ts';

/** How the peak RSS was obtained; the report names it so a reader knows how exact it is. */
export type PeakMethod =
  | 'vmhwm-reset' // VmHWM reset through /proc/PID/clear_refs at begin, read at end: exact
  | 'rusage-maxrss' // wait4() ru_maxrss of a fresh process tree: exact for its largest process
  | 'sampled'; // /proc polled from outside: may miss short peaks

export interface MemoryReport {
  /** RSS of the target when the window opened, bytes; null when it did not exist yet (run). */
  readonly rssBeforeBytes: number | null;
  /** RSS at the end of the window, bytes; for a finished program, its RSS just before exit is unknowable, so null. */
  readonly rssAfterBytes: number | null;
  /** rssAfter − rssBefore for a living target; for `run`, the program's peak (it starts from nothing). */
  readonly usedBytes: number | null;
  /** Highest RSS during the window, bytes. */
  readonly peakRssBytes: number | null;
  /** peakRss − rssAfter (≥ 0); null when either is unknown. */
  readonly peakAboveFinalBytes: number | null;
  readonly peakMethod: PeakMethod;
  /** Node heap view, only when perfcell measures its own process (REPL, cells). */
  readonly heap?: HeapReport;
}

export interface HeapReport {
  readonly heapUsedDeltaBytes: number;
  readonly externalDeltaBytes: number;
  readonly arrayBuffersDeltaBytes: number;
  readonly heapUsedAfterBytes: number;
}

export interface CpuReport {
  /** Mean busy % over all CPUs during the window, from /proc/stat deltas; null when the window was too short to tick. */
  readonly systemMeanPct: number | null;
  /** Busy % of the busiest CPU. */
  readonly singleMaxPct: number | null;
  readonly perCpuPct: readonly number[];
  /** The target's own CPU time in the window, seconds. */
  readonly userS: number | null;
  readonly systemS: number | null;
}

export interface DerivedMetrics {
  /** cache-misses / cache-references. */
  readonly missRatio: number | null;
  /** instructions / cycles. */
  readonly ipc: number | null;
  /** cache-misses per 1000 instructions. */
  readonly missesPerKiloInstruction: number | null;
  /** Hybrid CPUs: the same ratios per core PMU (`cpu_core`, `cpu_atom`) where both halves were counted on it; absent otherwise. */
  readonly byPmu?: Readonly<Record<string, DerivedMetrics>>;
}

export interface UnsupportedEvent {
  readonly event: string;
  readonly reason: string;
}

export interface CountersReport {
  readonly backend: 'perf' | 'cachegrind' | 'none';
  /** True when the counts come from a simulated cache (cachegrind), not from hardware. */
  readonly simulated: boolean;
  readonly intervalMs: number | null;
  readonly events: readonly EventAggregate[];
  readonly unsupported: readonly UnsupportedEvent[];
  readonly derived: DerivedMetrics;
  /** Time spent after the command ended waiting for perf's sample; never part of durationS. */
  readonly pauseS: number;
}

/** Everything perfcell knows about one command. Units are in the key names. */
export interface CommandReport {
  readonly label: string;
  readonly command?: readonly string[];
  readonly startedAt: string;
  readonly durationS: number;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly memory: MemoryReport;
  readonly cpu: CpuReport;
  readonly counters: CountersReport;
  readonly warnings: readonly string[];
  /**
   * RSS over time, for charts: at most a few thousand points covering the whole command (thinned
   * evenly when longer, see decimating-series.ts). Present for `run` and `attach` only.
   */
  readonly rssSeries?: readonly RssSample[];
  /** Garbage collections inside the window: perfcell's own process (REPL, cells, measure(fn)), or a Node program run with --node-gc. */
  readonly gc?: GcReport;
}

/** One RSS reading of the series. */
export interface RssSample {
  /** Seconds since the command started (run) or the watch began (attach). */
  readonly timeS: number;
  readonly rssBytes: number;
}
