import { readFileSync } from 'node:fs';
import { parseStatEntry, readTreeRssBytes } from '../proc/process-tree.ts';
import { createMemoryCgroup, type MemoryCgroup } from './cgroup.ts';
import { createDecimatingSeries } from './decimating-series.ts';
import { monotonicNs } from './clock.ts';
import { afterReport } from './after-report.ts';
import type { MemoryReport, PeakMethod, RssSample } from './report.ts';

/**
 * With a cgroup the peak is the kernel's, and the chart series and what the tree holds outside RSS
 * (memory.stat, ~55 µs a read) are read this seldom; for the first second, every 10 ms instead,
 * so that a short program's page cache is seen before it is freed or its mapped files, unmapped
 * at exit, are seen as cache (tree-memory's limits, in finish()).
 */
const CGROUP_SERIES_MS = 100;
const CGROUP_EARLY_MS = 10;
const CGROUP_EARLY_READS = 100;
/** Without one, the tree is summed from /proc this often (a scan of every process: the fallback). */
const SAMPLED_TREE_MS = 10;
/** Points kept for the report's chart series (thinned evenly when longer). */
const SERIES_POINTS = 2000;

/** The largest RSS among these processes now (/proc/PID/stat), bytes; 0 for none. */
function largestRssBytes(pids: readonly number[] | null): number {
  let largest = 0;
  for (const pid of pids ?? []) {
    try {
      largest = Math.max(largest, parseStatEntry(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.rssBytes ?? 0);
    } catch {
      // gone since the list was read
    }
  }
  return largest;
}

/** The memory figures of a finished `run`. */
export interface TreeMemoryResult {
  readonly peakRssBytes: number;
  readonly peakMethod: PeakMethod;
  /** ru_maxrss: the largest single process's peak. */
  readonly largestProcessPeakBytes: number;
  readonly series: RssSample[];
  /** Processes of the tree still running once the program had ended (from its cgroup); null where unknown (no cgroup). */
  readonly leftRunningPids: readonly number[] | null;
}

/**
 * The memory of a process tree from exec to exit. Made while the gate holds the program before
 * exec: where a memory cgroup can be made, the gate's pid goes in first, so the kernel keeps the
 * peak of the whole tree and nothing needs polling (a chart point and a memory.stat read every
 * 100 ms only; the page cache and kernel memory the tree added are taken off, as no RSS holds them);
 * otherwise the RSS of the tree is summed from /proc every 10 ms, and the peak is at least the
 * largest process's exact ru_maxrss.
 */
export interface TreeMemory {
  /** The memory cgroup's folder (where its CPU cgroup may be the same: cpu-cgroup.ts); null without one. */
  readonly cgroupPath: string | null;
  /** How the peak will be known; final once `ready` has settled. */
  readonly method: PeakMethod;
  /**
   * Settles once the pid is in its cgroup (or that failed and the tree is sampled instead): the
   * program must not be released before. The move runs off the event loop, alongside perf's start.
   */
  readonly ready: Promise<void>;
  /**
   * Reads what the cgroup holds outside any RSS, the figure start() takes off later reads, ahead of
   * the release (compare's runs: while perf's enable ack is awaited, not between the ack and the
   * release); start() reads it where this was not called.
   */
  takeBaseline(): void;
  /** Starts the series (and the sampling, without a cgroup) when the program is released. */
  start(releasedNs: bigint): void;
  /**
   * The tree's RSS at the last read and the most any read saw (bytes: the figures its peak is made
   * of, the live line's); null before the first read.
   */
  now(): { rssBytes: number; peakBytes: number } | null;
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
  /**
   * false: no cgroup and no reads at all, the peak is ru_maxrss alone (compare's warm-up runs,
   * whose figures are thrown away: a scan of every process every 10 ms took ~15 ms of the CPUs
   * the perfs were starting on).
   */
  readonly sampled?: boolean;
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
  let lastSampleBytes = 0;
  /** What the cgroup held outside any RSS when the program was released; null where memory.stat cannot be read (nothing is taken off). */
  let outsideBaseBytes: number | null = null;
  let isBaselineTaken = false;
  /** The most the tree has added outside RSS since, by any read. */
  let mostOutsideGainedBytes = 0;
  /**
   * The usage less what the tree added outside RSS since the release: what its processes hold in
   * their RSS (anon, shared memory, mapped files), counted once. Page cache is charged to the
   * cgroup of the process that first reads or writes a page (cat of a 150 MiB file put 150 MiB
   * there) and kernel memory to the process it serves (dd writing 200 MiB: 5.8 MiB of file system
   * structures), yet neither is in any RSS, and the cache is dropped whenever memory is wanted.
   */
  const insideRss = (current: MemoryCgroup, usageBytes: number | null): number | null => {
    const outsideBytes = outsideBaseBytes === null ? null : (current.outsideRssBytes?.() ?? null);
    const gainedBytes = outsideBytes === null || outsideBaseBytes === null ? 0 : Math.max(0, outsideBytes - outsideBaseBytes);
    mostOutsideGainedBytes = Math.max(mostOutsideGainedBytes, gainedBytes);
    return usageBytes === null ? null : Math.max(0, usageBytes - gainedBytes);
  };
  let timer: NodeJS.Timeout | null = null;
  const stop = (): void => {
    if (timer !== null) clearInterval(timer);
    timer = null;
  };

  return {
    get cgroupPath() {
      return cgroup?.path ?? null;
    },
    get method() {
      return cgroup?.method ?? 'sampled-tree';
    },
    ready,
    takeBaseline() {
      outsideBaseBytes = cgroup?.outsideRssBytes?.() ?? null;
      isBaselineTaken = true;
    },
    start(releasedNs) {
      const current = cgroup;
      if (!isBaselineTaken) outsideBaseBytes = current?.outsideRssBytes?.() ?? null;
      // the cgroup's charge leaves out file pages another cgroup cached first (the program's own
      // binary and libraries: node's 34 MiB), which are in its RSS: a chart point is at least the
      // largest process's RSS (a QA pass: an RSS chart topping out at 7.2 MiB under a 42.1 MiB peak)
      const read = current === null ? () => readTreeRssBytes(pid) : () => Math.max(insideRss(current, current.usageBytes()) ?? 0, largestRssBytes(current.pids()));
      const sample = (): void => {
        const bytes = read();
        if (bytes === null || bytes === 0) return;
        lastSampleBytes = bytes;
        sampledPeakBytes = Math.max(sampledPeakBytes, bytes);
        series.push({ timeS: Number(monotonicNs() - releasedNs) / 1e9, rssBytes: bytes });
      };
      if (current === null) {
        if (placement.sampled !== false) timer = setInterval(sample, SAMPLED_TREE_MS);
        return;
      }
      let earlyReads = 0;
      timer = setInterval(() => {
        sample();
        if (++earlyReads < CGROUP_EARLY_READS || timer === null) return;
        clearInterval(timer);
        timer = setInterval(sample, CGROUP_SERIES_MS);
      }, CGROUP_EARLY_MS);
    },
    now: () => (lastSampleBytes === 0 ? null : { rssBytes: lastSampleBytes, peakBytes: sampledPeakBytes }),
    finish(maxRssKiB) {
      stop();
      const largestProcessPeakBytes = maxRssKiB * 1024;
      // what was gained by the end counts too: a file read after the last chart point
      if (cgroup !== null) insideRss(cgroup, null);
      const cgroupPeak = cgroup?.peakBytes() ?? null;
      const method: PeakMethod = cgroup !== null && cgroupPeak !== null ? cgroup.method : 'sampled-tree';
      const leftRunningPids = cgroup?.pids() ?? null;
      // its figures are read: the cgroup goes once the report is out (rmdir is 0.15-0.3 ms)
      const done = cgroup;
      if (done !== null) afterReport(() => done.remove());
      cgroup = null;
      // The kernel's peak P was, at some moment, the tree's RSS R plus what it held outside RSS, O
      // (see insideRss). O then was at most the most the reads saw, Omax, so P - Omax <= R then,
      // which is at most the tree's RSS peak: the figure is never above it, and equals it when O
      // was largest at the peak (a file read or written and kept, the common case). Limits: cache
      // freed between two reads 100 ms apart (a temporary file deleted, reclaim) is not seen and
      // stays in; file pages still mapped when the program exited count as cache in the last
      // read, which can lower the figure, though never below what the reads saw (usage less O
      // every 100 ms) nor below the largest process's exact peak.
      const cgroupRssPeak = cgroupPeak === null ? null : outsideBaseBytes === null ? cgroupPeak : Math.max(0, cgroupPeak - mostOutsideGainedBytes, sampledPeakBytes);
      // The tree held at least its largest process: a sampled sum that missed the peak is raised
      // to it, and so is a cgroup's, which does not charge file pages another cgroup cached first
      // (shared libraries) although they are in the process's RSS.
      const peakRssBytes = Math.max(method === 'sampled-tree' ? sampledPeakBytes : (cgroupRssPeak ?? 0), largestProcessPeakBytes);
      return { peakRssBytes, peakMethod: method, largestProcessPeakBytes, series: series.points(), leftRunningPids };
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
 * A program's memory block: its peak is what it cost. No RSS is read at its start (it is held
 * before exec) nor just before its exit (no such reading is exact), so the start, "used" and
 * "final" figures are null: not measured, as everywhere in a report, rather than 0.
 */
export function programMemory(tree: TreeMemoryResult): MemoryReport {
  return {
    rssBeforeBytes: null,
    rssAfterBytes: null,
    usedBytes: null,
    peakRssBytes: tree.peakRssBytes,
    peakAboveFinalBytes: null,
    peakMethod: tree.peakMethod,
    largestProcessPeakBytes: tree.largestProcessPeakBytes,
  };
}
