/** Whether perf could read a counter: `<not counted>` and `<not supported>` are data, not errors. */
export type CounterStatus = 'counted' | 'not counted' | 'not supported';

/**
 * One counter row of perf stat output, in any of its three formats.
 * Metric values, `+- x%` variance, runtime and the aggregation count (`cpus`/`ctrs`) are left out.
 */
export interface PerfRecord {
  /** Interval timestamp in seconds from perf's start (`-I`); null for totals and `--summary` rows. */
  readonly time: number | null;
  /** Event name exactly as printed: `cycles:u`, `cpu_core/cycles/`, `power/energy-pkg/`. */
  readonly event: string;
  /** The count, grouping removed and a decimal comma read as a point; null unless counted. */
  readonly value: number | null;
  /** The count's unit as printed (`msec`, `Joules`, `bytes`), else `''`. */
  readonly unit: string;
  readonly status: CounterStatus;
  /** Percentage of the enabled time the counter ran (multiplexing), null when perf printed none. */
  readonly runningPct: number | null;
  /** `-A`/`--no-aggr`: the CPU number. */
  readonly cpu?: number;
  /** `--per-core`: `S0-D0-C0` (also `--per-cache` `S0-D0-L3-ID0` and `--per-cluster` `S0-D0-CLS0`). */
  readonly core?: string;
  /** `--per-socket`: `S0`. */
  readonly socket?: string;
  /** `--per-die`: `S0-D0`. */
  readonly die?: string;
  /** `--per-node`: `N0`. */
  readonly node?: string;
  /** `--per-thread`: `comm-pid`, e.g. `python3-19108`. */
  readonly thread?: string;
  /** `-G`: the cgroup name. */
  readonly cgroup?: string;
  /**
   * perf's own metric on this row (`2.00` of `2.00,insn per cycle`, a human row's `# 2.00 insn per
   * cycle`, JSON's `metric-value`), only when the parser was created with `metrics: true` and perf
   * printed one.
   */
  readonly metricValue?: number;
  /** Its unit as printed: `insn per cycle`, `of all branches`, `K/sec`, `CPUs utilized`. */
  readonly metricUnit?: string;
  /**
   * A metric-only row (perf's `-M` metrics and topdown: `,,,,,70.1,%  tma_backend_bound`), only
   * with `metrics: true`: `event` is the metric's name, `value` null, `metricValue`/`metricUnit`
   * its value and unit (`%`; `''` when perf printed only a name). Counter aggregation skips it.
   */
  readonly isMetricRow?: true;
}

/** The three ways perf stat prints: default text, `-x SEP`, `-j`/`--json`. */
export type PerfFormat = 'csv' | 'human' | 'json';

/** A line-at-a-time reader of perf stat output (usable behind split2). */
export interface PerfStatParser {
  /** Feed one line (without newline). Returns the records completed by this line (0..n). Never throws. */
  push(line: string): PerfRecord[];
  /**
   * `push`, for the input's last line when no newline ended it: perf ends every line with one, so
   * that line was cut short unless its layout shows it whole. Its record is kept only then;
   * otherwise the line counts in skippedLines. Call `end` after it.
   */
  pushLast(line: string): PerfRecord[];
  /** End of input: returns records still held (e.g. a human row waiting for a continuation line). */
  end(): PerfRecord[];
  /** Lines that looked like data but could not be read. */
  readonly skippedLines: number;
  /** Detected or given format; undefined until a line gave it away. */
  readonly format: PerfFormat | undefined;
  /** CSV separator detected or given; undefined for other formats or before detection. */
  readonly separator: string | undefined;
}

export interface PerfStatParserOptions {
  /** `auto` (default) locks onto the first format that yields a record. */
  readonly format?: PerfFormat | 'auto';
  /** CSV separator as given to `perf stat -x`; detected when absent. Implies `csv` under `auto`. */
  readonly separator?: string;
  /** Keep perf's metric columns (`metricValue`, `metricUnit`) of counter rows, and CSV metric-only rows as records with `isMetricRow`. Default false. */
  readonly metrics?: boolean;
}

/** Aggregation columns a row may carry, in the order records list them. */
export type AggregationKey = 'cpu' | 'core' | 'socket' | 'die' | 'node' | 'thread';
