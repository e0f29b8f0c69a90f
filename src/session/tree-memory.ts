import { readTreeRssBytes } from '../proc/process-tree.ts';
import { createMemoryCgroup, type MemoryCgroup } from './cgroup.ts';
import { createDecimatingSeries } from './decimating-series.ts';
import { monotonicNs } from './clock.ts';
import type { MemoryReport, PeakMethod, RssSample } from './report.ts';

/** With a cgroup the peak is the kernel's: the series for the chart is read this seldom, one small file a time. */
const CGROUP_SERIES_MS = 100;
/** Without one, the tree is summed from /proc this often (a scan of every process: the fallback). */
const SAMPLED_TREE_MS = 10;
/** Points kept for the report's chart series (thinned evenly when longer). */
const SERIES_POINTS = 2000;

/** The memory figures of a finished `run`. */
export interface TreeMemoryResult {
  readonly peakRssBytes: number;
  readonly peakMethod: PeakMethod;
  /** ru_maxrss: the largest single process's peak. */
  readonly largestProcessPeakBytes: number;
  readonly series: RssSample[];
}

/**
 * The memory of a process tree from exec to exit. Made while the gate holds the program before
 * exec: where a memory cgroup can be made, the gate's pid goes in first, so the kernel keeps the
 * exact peak of the whole tree and nothing needs polling (a chart point every 100 ms only);
 * otherwise the RSS of the tree is summed from /proc every 10 ms, and the peak is at least the
 * largest process's exact ru_maxrss.
 */
export interface TreeMemory {
  /** How the peak will be known; final once `ready` has settled. */
  readonly method: PeakMethod;
  /**
   * Settles once the pid is in its cgroup (or that failed and the tree is sampled instead): the
   * program must not be released before. The move runs off the event loop, alongside perf's start.
   */
  readonly ready: Promise<void>;
  /** Starts the series (and the sampling, without a cgroup) when the program is released. */
  start(releasedNs: bigint): void;
  /** Stops reading and gives the figures; `maxRssKiB` is wait4()'s ru_maxrss. Removes the cgroup. */
  finish(maxRssKiB: number): TreeMemoryResult;
  /** Stops reading and removes the cgroup; safe after finish() and twice. */
  dispose(): void;
}

/**
 * Where the cgroup stands: `moving`, the pid's move into it is under way already (the early gate's
 * held child, moved from the moment it was forked: early-gate.ts), resolving whether it got in.
 */
export interface CgroupPlacement {
  readonly moving?: Promise<boolean>;
}

export function watchTreeMemory(pid: number, make: () => MemoryCgroup | null = createMemoryCgroup, placement: CgroupPlacement = {}): TreeMemory {
  let cgroup = make();
  let isDisposed = false;
  const made = cgroup;
  const ready: Promise<void> = made === null ? Promise.resolve() : (placement.moving ?? made.add(pid)).then((added) => {
    if (added && !isDisposed) return;
    // refused, or disposed while the move was under way: removed now that no write is pending
    made.remove();
    if (cgroup === made) cgroup = null;
  });
  const series = createDecimatingSeries<RssSample>(SERIES_POINTS);
  let sampledPeakBytes = 0;
  let timer: NodeJS.Timeout | null = null;
  const stop = (): void => {
    if (timer !== null) clearInterval(timer);
    timer = null;
  };

  return {
    get method() {
      return cgroup?.method ?? 'sampled-tree';
    },
    ready,
    start(releasedNs) {
      const current = cgroup;
      const read = current === null ? () => readTreeRssBytes(pid) : () => current.usageBytes();
      timer = setInterval(
        () => {
          const bytes = read();
          if (bytes === null || bytes === 0) return;
          sampledPeakBytes = Math.max(sampledPeakBytes, bytes);
          series.push({ timeS: Number(monotonicNs() - releasedNs) / 1e9, rssBytes: bytes });
        },
        current === null ? SAMPLED_TREE_MS : CGROUP_SERIES_MS,
      );
    },
    finish(maxRssKiB) {
      stop();
      const largestProcessPeakBytes = maxRssKiB * 1024;
      const cgroupPeak = cgroup?.peakBytes() ?? null;
      const method: PeakMethod = cgroup !== null && cgroupPeak !== null ? cgroup.method : 'sampled-tree';
      cgroup?.remove();
      cgroup = null;
      // The tree held at least its largest process: a sampled sum that missed the peak is raised
      // to it, and so is a cgroup's, which does not charge file pages another cgroup cached first
      // (shared libraries) although they are in the process's RSS.
      const peakRssBytes = Math.max(method === 'sampled-tree' ? sampledPeakBytes : (cgroupPeak ?? 0), largestProcessPeakBytes);
      return { peakRssBytes, peakMethod: method, largestProcessPeakBytes, series: series.points() };
    },
    dispose() {
      stop();
      isDisposed = true;
      // Removed once no move is under way (rmdir would race the pending write).
      const current = cgroup;
      cgroup = null;
      if (current !== null) void ready.then(() => current.remove());
    },
  };
}

/**
 * A program's memory block: it starts from nothing and holds nothing after its exit, so its peak is
 * what it cost. No reading just before its exit is exact, so there is no "used" or "final" figure.
 */
export function programMemory(tree: TreeMemoryResult): MemoryReport {
  return {
    rssBeforeBytes: 0,
    rssAfterBytes: null,
    usedBytes: null,
    peakRssBytes: tree.peakRssBytes,
    peakAboveFinalBytes: null,
    peakMethod: tree.peakMethod,
    largestProcessPeakBytes: tree.largestProcessPeakBytes,
  };
}
