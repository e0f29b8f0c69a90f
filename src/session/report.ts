import type { EventAggregate } from '../../parsers/aggregate.ts';
import type { PerfMetricReading } from '../../parsers/metric-rows.ts';
import type { GcReport } from './gc.ts';
import type { SettleReport } from './settle.ts';

/** How the peak was obtained; the report names it so a reader knows how exact it is. */
export type PeakMethod =
  | 'vmhwm-reset' // VmHWM reset through /proc/PID/clear_refs at begin, read at end: exact
  | 'memory-cgroup-v1' // run: the tree in its own memory cgroup, memory.max_usage_in_bytes: exact for the tree (RSS + page cache it caused)
  | 'memory-cgroup-v2' // run: the same through cgroup v2's memory.peak
  | 'sampled-tree' // run: RSS summed over the process tree every 10 ms, at least the largest process's ru_maxrss: may miss short peaks
  | 'rusage-maxrss' // wait4() ru_maxrss: exact, but of the largest single process only
  | 'sampled' // /proc polled from outside: may miss short peaks
  | 'none'; // no peak measured (under valgrind the program's RSS is valgrind's)

export interface MemoryReport {
  /** RSS of the target when the window opened, bytes; null when not measured (always for `run`: the program is read at no start). */
  readonly rssBeforeBytes: number | null;
  /**
   * Final RSS, bytes: in-process (REPL, cells, measure(fn)) the settled reading after the window
   * (see `settle`); `attach`, the last reading; null for `run` (a finished program holds nothing,
   * and no reading just before its exit is exact).
   */
  readonly rssAfterBytes: number | null;
  /** rssAfter − rssBefore (negative when the command freed memory); null for `run` and when either is unknown. */
  readonly usedBytes: number | null;
  /**
   * Highest memory during the window, bytes, obtained as `peakMethod` says: in-process, the
   * process's VmHWM; `run`, the whole process tree's peak (memory cgroup, else sampled sum).
   */
  readonly peakRssBytes: number | null;
  /** peakRss − rssAfter (≥ 0); null when either is unknown (always for `run`). */
  readonly peakAboveFinalBytes: number | null;
  readonly peakMethod: PeakMethod;
  /** `run` only: ru_maxrss from wait4(), the peak RSS of the largest single process of the tree, bytes. */
  readonly largestProcessPeakBytes?: number | null;
  /** attach, the target exited during the watch: rssAfterBytes is its last reading alive, taken at most this long before it exited. */
  readonly lastSeenBeforeExitS?: number;
  /** In-process only: how the final reading was settled (garbage collected, RSS read until it stopped falling). */
  readonly settle?: SettleReport;
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
  /** Machine-wide: busy % of the busiest CPU; null when the window was too short to tick. */
  readonly singleMaxPct: number | null;
  /** Machine-wide: busy % per CPU (empty when the window was too short). */
  readonly perCpuPct: readonly number[];
  /**
   * The target's own CPU time in the window, seconds. `run` and compare's runs of commands: the
   * program's tree, wait4()'s figures (the program and the children it waited for) plus what a CPU
   * cgroup charged its other descendants (tree-cpu.ts); wait4()'s alone where no cgroup can be made.
   */
  readonly userS: number | null;
  readonly systemS: number | null;
  /** (userS + systemS) / wall time × 100: the command's own CPU as % of one CPU (may exceed 100 with threads); null when unknown. */
  readonly ownPct?: number | null;
  /**
   * Why ownPct is null although userS and systemS are known: `window-too-short` under 10 ms of wall
   * time (helper threads' bursts would be the figure), `more-than-every-cpu` above what all CPUs
   * could give (a measuring error). Absent when ownPct is there or the own CPU is unknown.
   */
  readonly ownPctWithheld?: 'window-too-short' | 'more-than-every-cpu';
  /**
   * True when the window was shorter than a few /proc/stat ticks (USER_HZ 100: under ~30 ms), so
   * the machine-wide figures are null rather than quantised to 0 % or 100 %.
   */
  readonly machineWindowTooShort?: boolean;
  /**
   * In-process windows (cells, the REPL, the kernel, measure(fn)): the CPU of the child processes
   * this process waited for in the window, seconds in 10 ms steps (/proc/self/stat's cutime and
   * cstime, added when a child is reaped). Not in userS/systemS, which are this process's own; perf
   * counts such children too. Absent when none was reaped, and for `run` (whose userS and systemS
   * include its program's children).
   */
  readonly childrenS?: number;
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
  /** perf's own metrics from `-M` (metric-only rows: `tma_backend_bound 70.1 %`), mean over the window's intervals; absent when perf printed none. */
  readonly metrics?: readonly PerfMetricReading[];
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
