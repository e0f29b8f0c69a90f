/** The counters perfcell asks for when none are named: cache behaviour first, then the basics. */
export const DEFAULT_EVENTS: readonly string[] = ['cache-misses', 'cache-references', 'instructions', 'cycles', 'page-faults'];
export const DEFAULT_INTERVAL_MS = 100;

export interface MeasureOptions {
  /** perf events; default DEFAULT_EVENTS. An explicit list makes a perf failure an error, not a warning. */
  readonly events?: readonly string[];
  readonly intervalMs?: number;
  /** false: RAM, time and CPU only. */
  readonly perf?: boolean;
  readonly perfPath?: string;
  readonly label?: string;
  /** 'cachegrind': simulated cache counters for external commands (valgrind). */
  readonly backend?: 'perf' | 'cachegrind';
  /** External commands only: stdin from /dev/null and stdout discarded (compare runs them again and again); stderr stays. */
  readonly quiet?: boolean;
  /** External commands only: where the program's stdout goes; 'stderr' keeps perfcell's stdout for a JSON document. Default 'inherit'. */
  readonly programStdout?: 'inherit' | 'stderr';
}

export interface ResolvedPerfOptions {
  readonly events: readonly string[];
  readonly intervalMs: number;
  readonly explicit: boolean;
  readonly enabled: boolean;
  readonly perfPath?: string;
}

export function resolvePerfOptions(options: MeasureOptions): ResolvedPerfOptions {
  return {
    events: options.events && options.events.length > 0 ? options.events : DEFAULT_EVENTS,
    intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
    explicit: options.events !== undefined && options.events.length > 0,
    enabled: options.perf !== false,
    // PERFCELL_PERF: another perf binary for every command (a newer build; the fault tests' fake perf).
    ...(options.perfPath === undefined
      ? process.env['PERFCELL_PERF'] ? { perfPath: process.env['PERFCELL_PERF'] } : {}
      : { perfPath: options.perfPath }),
  };
}
