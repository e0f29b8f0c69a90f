import { expandEventPresets } from '../../parsers/event-list.ts';
import { defaultEventChoice, HARDWARE_DEFAULT_EVENTS, noteDefaultEvents } from '../perf/default-events.ts';

/**
 * The counters perfcell asks for when none are named, on a machine that counts them: cache
 * behaviour first, then the basics. Where perf counts no hardware event the default is the
 * software set instead (perf/default-events.ts).
 */
export const DEFAULT_EVENTS: readonly string[] = HARDWARE_DEFAULT_EVENTS;
export const DEFAULT_INTERVAL_MS = 100;

export interface MeasureOptions {
  /**
   * perf events, groups (`{cache-misses,cache-references}`) and presets (`cache`, `ipc`, `tlb`, `branch`);
   * default: DEFAULT_EVENTS where this machine counts them. An explicit list makes a perf failure an error, not a warning.
   */
  readonly events?: readonly string[];
  /** perf's interval (`perf stat -I`, `run -I`), in whole milliseconds from 10 to 2147483647; default DEFAULT_INTERVAL_MS. */
  readonly intervalMs?: number;
  /** perf's own metric groups or metrics (`perf stat -M`, see `perf list metricgroups`), passed through; their metric-only rows become `counters.metrics`. */
  readonly metricGroups?: readonly string[];
  /** false: RAM, time and CPU only. */
  readonly perf?: boolean;
  readonly perfPath?: string;
  readonly label?: string;
  /** A live status line on this process's stderr while perf counts (elapsed, RSS, peak, each counter's rate), drawn from outside the measured process; only where stderr is a terminal (the CLI decides). */
  readonly live?: boolean;
  /** 'cachegrind': simulated cache counters for external commands (valgrind). */
  readonly backend?: 'perf' | 'cachegrind';
  /**
   * In-process commands (REPL, cells, measure(fn)): false reads final memory at the window's end,
   * as it is; by default (true) the command's garbage is collected after the window and RSS read
   * until it stops falling (see session/settle.ts), so a dropped temporary is not reported as kept.
   */
  readonly settle?: boolean;
  /** External commands only: report a Node program's garbage collections through a preload (NODE_OPTIONS=--require); default: when the program's basename is `node`. */
  readonly nodeGc?: boolean;
  /** External commands only: stdin from /dev/null and stdout discarded (compare runs them again and again); stderr stays. */
  readonly quiet?: boolean;
  /**
   * External commands only: where the program's stdout goes; 'stderr' keeps perfcell's stdout for a
   * JSON document, 'null' is /dev/null, 'pipe' a pipe perfcell reads and discards (compare --output pipe), and
   * `{ file }` a file emptied as the program starts (compare --output FILE: it holds the last run's). Default 'inherit'.
   */
  readonly programStdout?: 'inherit' | 'stderr' | 'null' | 'pipe' | { readonly file: string };
  /** External commands only: where the program's stdin comes from; 'null' is /dev/null (as under `quiet`), `{ file }` a file read from its start (compare --input FILE). Default 'inherit'. */
  readonly programStdin?: 'inherit' | 'null' | { readonly file: string };
  /** External commands only: variables added to the program's environment, over perfcell's own (compare's $HYPERFINE_ITERATION). */
  readonly programEnvironment?: Readonly<Record<string, string>>;
}

export interface ResolvedPerfOptions {
  readonly events: readonly string[];
  readonly intervalMs: number;
  readonly explicit: boolean;
  readonly enabled: boolean;
  readonly perfPath?: string;
  readonly live?: boolean;
  /** `perf stat -M`: absent when none were asked for. */
  readonly metricGroups?: readonly string[];
}

/**
 * The perf set-up of one measurement: presets in `events` become their events, and without events
 * the default set is the one this machine counts (see perf/default-events.ts; asked once per boot).
 */
export function resolvePerfOptions(options: MeasureOptions): ResolvedPerfOptions {
  // PERFCELL_PERF: another perf binary for every command (a newer build; the fault tests' fake perf).
  const perfPath = options.perfPath ?? (process.env['PERFCELL_PERF'] || undefined);
  const explicit = options.events !== undefined && options.events.length > 0;
  const enabled = options.perf !== false;
  let events: readonly string[] = DEFAULT_EVENTS;
  if (explicit) events = expandEventPresets(options.events ?? []);
  else if (enabled) {
    const choice = defaultEventChoice(perfPath);
    noteDefaultEvents(choice);
    events = choice.events;
  }
  return {
    events,
    intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
    explicit,
    enabled,
    ...(perfPath === undefined ? {} : { perfPath }),
    ...(options.live === true ? { live: true } : {}),
    ...(options.metricGroups !== undefined && options.metricGroups.length > 0 ? { metricGroups: options.metricGroups } : {}),
  };
}
