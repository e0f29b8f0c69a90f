/**
 * Loaded into a Node program by `perfcell run --node-gc` (NODE_OPTIONS=--require …): records the
 * program's collections with V8's GC profiler from start to exit and writes one JSON line to the
 * inherited fd named by PERFCELL_GC_FD when the program exits. perfcell sums it up
 * (session/gc.ts) into the report's `gc`.
 *
 * The profiler keeps every collection's heap statistics until it is stopped; so that a long
 * program does not grow by them, each batch V8 reports through a 'gc' PerformanceObserver is
 * folded into running totals and the profiler restarted (a collection inside that restart is the
 * only one missed). The program's own children (and worker threads) are left alone: the variable
 * and this preload are taken out of the environment they inherit.
 */
import v8 = require('node:v8');
import fs = require('node:fs');
import perfHooks = require('node:perf_hooks');
import workerThreads = require('node:worker_threads');

const { GCProfiler } = v8;
const { fstatSync, writeSync } = fs;
const { PerformanceObserver } = perfHooks;
const { isMainThread } = workerThreads;

interface Statistic {
  gcType: string;
  cost: number;
  beforeGC: { heapStatistics: { usedHeapSize: number } };
  afterGC: { heapStatistics: { usedHeapSize: number } };
}

const fd = Number(process.env['PERFCELL_GC_FD']);
const preload = process.env['PERFCELL_GC_PRELOAD'];
const hadNoOptions = process.env['PERFCELL_GC_NO_NODE_OPTIONS'] === '1';
delete process.env['PERFCELL_GC_FD'];
delete process.env['PERFCELL_GC_PRELOAD'];
delete process.env['PERFCELL_GC_NO_NODE_OPTIONS'];
if (preload !== undefined && process.env['NODE_OPTIONS'] !== undefined) {
  const ours = `--require ${JSON.stringify(preload)}`;
  const theirs = process.env['NODE_OPTIONS'].replace(ours, '').trim();
  // unset where perfcell found none, as the program runs bare
  if (hadNoOptions && theirs === '') delete process.env['NODE_OPTIONS'];
  else process.env['NODE_OPTIONS'] = theirs;
}

function isPipe(candidate: number): boolean {
  try {
    const stat = fstatSync(candidate);
    return stat.isFIFO() || stat.isSocket();
  } catch {
    return false;
  }
}

if (isMainThread && Number.isInteger(fd) && fd > 2 && isPipe(fd)) {
  // Per V8 GC type: collections, total and longest cost (µs), heap bytes freed.
  const totals = new Map<string, { count: number; costUs: number; longestUs: number; reclaimedBytes: number }>();
  const fold = (statistics: readonly Statistic[]): void => {
    for (const statistic of statistics) {
      const entry = totals.get(statistic.gcType) ?? { count: 0, costUs: 0, longestUs: 0, reclaimedBytes: 0 };
      entry.count++;
      entry.costUs += statistic.cost;
      entry.longestUs = Math.max(entry.longestUs, statistic.cost);
      entry.reclaimedBytes += Math.max(0, statistic.beforeGC.heapStatistics.usedHeapSize - statistic.afterGC.heapStatistics.usedHeapSize);
      totals.set(statistic.gcType, entry);
    }
  };
  let profiler = new GCProfiler();
  profiler.start();
  const observer = new PerformanceObserver(() => {
    fold((profiler.stop()?.statistics ?? []) as Statistic[]);
    profiler = new GCProfiler();
    profiler.start();
  });
  observer.observe({ entryTypes: ['gc'] });
  // Not keeping the program alive: the observer holds no handle of its own.
  process.once('exit', () => {
    observer.disconnect();
    fold((profiler.stop()?.statistics ?? []) as Statistic[]);
    const byType = Object.fromEntries(totals);
    try {
      writeSync(fd, `${JSON.stringify({ perfcellGc: 1, byType })}\n`);
    } catch {
      // perfcell is gone; nothing to report to
    }
  });
}
