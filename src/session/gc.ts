import { loadV8 } from '../v8-on-demand.ts';

/** The kinds of collection a report counts, as V8 names its GC callbacks' types. */
export type GcKind = 'minor' | 'major' | 'incremental' | 'weak';

/** What the garbage collector did inside one measurement window. */
export interface GcReport {
  /** Collections by kind: minor (scavenge), major (mark-sweep-compact), incremental marking steps, weak callbacks. */
  readonly counts: Readonly<Record<GcKind, number>>;
  /** All collections together. */
  readonly collections: number;
  /** Sum of the pauses, ms (V8's own measure of each collection's cost). */
  readonly pauseTotalMs: number;
  /** The longest single pause, ms; 0 when nothing collected. */
  readonly pauseLongestMs: number;
  /** Heap bytes the collections freed: the sum of (used before − used after) over collections that shrank the heap. */
  readonly reclaimedBytes: number;
}

/** One collection as node:v8's GCProfiler records it (the fields perfcell reads). */
export interface GcStatistic {
  readonly gcType: string;
  /** Microseconds. */
  readonly cost: number;
  readonly beforeGC: { readonly heapStatistics: { readonly usedHeapSize: number } };
  readonly afterGC: { readonly heapStatistics: { readonly usedHeapSize: number } };
}

/**
 * V8's GC type name → the kind perfcell counts; unknown names (a future V8) count as minor when
 * they name a young-generation collector and major otherwise.
 * @example gcKindOf('Scavenge') // 'minor'
 */
export function gcKindOf(gcType: string): GcKind {
  switch (gcType) {
    case 'Scavenge':
    case 'MinorMarkCompact':
    case 'MinorMarkSweep':
      return 'minor';
    case 'MarkSweepCompact':
      return 'major';
    case 'IncrementalMarking':
      return 'incremental';
    case 'ProcessWeakCallbacks':
      return 'weak';
    default:
      return /minor|scavenge/i.test(gcType) ? 'minor' : 'major';
  }
}

/** A report of no collection at all. */
export function noGc(): GcReport {
  return { counts: { minor: 0, major: 0, incremental: 0, weak: 0 }, collections: 0, pauseTotalMs: 0, pauseLongestMs: 0, reclaimedBytes: 0 };
}

/** Pure: the window's collections → its GcReport. */
export function summarizeGc(statistics: readonly GcStatistic[]): GcReport {
  const counts: Record<GcKind, number> = { minor: 0, major: 0, incremental: 0, weak: 0 };
  let pauseTotalMs = 0;
  let pauseLongestMs = 0;
  let reclaimedBytes = 0;
  for (const statistic of statistics) {
    counts[gcKindOf(statistic.gcType)]++;
    const pauseMs = statistic.cost / 1000;
    pauseTotalMs += pauseMs;
    pauseLongestMs = Math.max(pauseLongestMs, pauseMs);
    reclaimedBytes += Math.max(0, statistic.beforeGC.heapStatistics.usedHeapSize - statistic.afterGC.heapStatistics.usedHeapSize);
  }
  return { counts, collections: statistics.length, pauseTotalMs, pauseLongestMs, reclaimedBytes };
}

/** Adds reports (timeit's batches, a program's workers). */
export function addGc(reports: readonly GcReport[]): GcReport {
  const total = noGc();
  const counts = { ...total.counts };
  let collections = 0;
  let pauseTotalMs = 0;
  let pauseLongestMs = 0;
  let reclaimedBytes = 0;
  for (const report of reports) {
    for (const kind of Object.keys(counts) as GcKind[]) counts[kind] += report.counts[kind];
    collections += report.collections;
    pauseTotalMs += report.pauseTotalMs;
    pauseLongestMs = Math.max(pauseLongestMs, report.pauseLongestMs);
    reclaimedBytes += report.reclaimedBytes;
  }
  return { counts, collections, pauseTotalMs, pauseLongestMs, reclaimedBytes };
}

/** The collections of a window, from start to stop(). */
export interface GcWindow {
  /** Stops recording and returns what was collected since the start; call once. */
  stop(): GcReport;
}

interface Profiler {
  start(): void;
  stop(): { statistics: readonly GcStatistic[] } | undefined;
}

/**
 * Starts recording this process's collections through V8's own GC callbacks (node:v8
 * GCProfiler): synchronous start and stop at the window's edges, no timer, no thread, nothing
 * delivered later; a forced collection after stop() (a settled final memory reading) is not in it.
 * The profiler records each collection's heap statistics during the collection itself.
 */
export function startGcWindow(create: () => Profiler = () => new (loadV8().GCProfiler)() as unknown as Profiler): GcWindow {
  const profiler = create();
  profiler.start();
  let stopped = false;
  return {
    stop() {
      if (stopped) return noGc();
      stopped = true;
      return summarizeGc(profiler.stop()?.statistics ?? []);
    },
  };
}
