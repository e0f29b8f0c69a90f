import { readFileSync } from 'node:fs';
import { OWN_PROCESS_NAMES } from '../proc/own-process-names.ts';
import { LIVE_DELAY_MS, LIVE_REFRESH_MS } from './relay.ts';
import { monotonicMs } from '../session/clock.ts';
import type { CounterStatus } from '../../parsers/perf-stat-types.ts';

/**
 * The live part of compare's progress line, for runs of external commands (perfcell's own process
 * is idle while they run, so a timer here measures nothing): from 1 s into a run, every 250 ms,
 * `draw` gets `run 2.3s  RSS 41.2 MiB  page-faults 12.3k/s` (the programs perfcell started,
 * summed, and each counter's rate over perf's latest interval). In-process cells
 * have the relay's line instead (their process is the measured one).
 */
export interface ProgressTicker {
  /** A run begins now (compare's progress callback). */
  runStarted(): void;
  /** One of perf's interval records of the running window: its rate joins the line. */
  record(record: LiveRecord): void;
  stop(): void;
}

/** What the line takes of perf's interval records (PerfRecord): the time is the interval's end. */
export interface LiveRecord {
  readonly time: number | null;
  readonly event: string;
  readonly value: number | null;
  readonly status?: CounterStatus;
}

/**
 * Each counter's rate over perf's latest interval: `value / (time − the event's previous time)`.
 * An event's first record starts its clock and gives no rate: how long it counted is not known (a
 * served run's first record sums perf's 4 ms ticks since the window opened, a perf of its own
 * began its interval before the window). An interval in which the program never ran reads
 * `<not counted>`: none of it, so 0/s over its span, as run's relay reads it (native/perfcell-live.c);
 * a rate had stayed at its last counted value while a program slept (`page-faults 720/s` to the end
 * of `sleep 1.6`).
 */
export function createRateTracker() {
  const last = new Map<string, { timeS: number; perSecond: number | null }>();
  return {
    reset(): void {
      last.clear();
    },
    add(record: LiveRecord): void {
      if (record.time === null) return;
      const value = record.value ?? (record.status === 'not counted' ? 0 : null);
      const previous = last.get(record.event);
      const spanS = previous === undefined ? null : record.time - previous.timeS;
      last.set(record.event, { timeS: record.time, perSecond: value === null || spanS === null || spanS <= 0 ? null : value / spanS });
    },
    /** `page-faults 12.3k/s  context-switches 210/s`, in the order events first came. */
    text(): string {
      return [...last].filter(([, { perSecond }]) => perSecond !== null).map(([event, { perSecond }]) => `${event} ${compactRate(perSecond!)}/s`).join('  ');
    },
  };
}

function compactRate(perSecond: number): string {
  const units: readonly [number, string][] = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, suffix] of units) if (perSecond >= size) return `${(perSecond / size).toFixed(perSecond / size < 10 ? 1 : 0)}${suffix}`;
  return perSecond.toFixed(0);
}


/**
 * RSS of every descendant of `pid`, bytes, perf and perfcell's helpers left out; null when /proc
 * has no children lists (kernels without CONFIG_PROC_CHILDREN).
 */
export function readTreeRssBytes(pid: number, read: (path: string) => string = (path) => readFileSync(path, 'utf8')): number | null {
  let total = 0;
  const visit = (parent: number): boolean => {
    let children: string;
    try {
      children = read(`/proc/${parent}/task/${parent}/children`);
    } catch {
      return false;
    }
    for (const child of children.split(' ').filter(Boolean).map(Number)) {
      try {
        const status = read(`/proc/${child}/status`);
        const name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '';
        if (!OWN_PROCESS_NAMES.has(name)) total += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) * 1024;
      } catch {
        // gone meanwhile
      }
      visit(child);
    }
    return true;
  };
  return visit(pid) ? total : null;
}

/** `run 2.3s  RSS 41.2 MiB`; the RSS part only where known. */
export function formatRunLive(elapsedS: number, rssBytes: number | null): string {
  return `run ${elapsedS.toFixed(1)}s${rssBytes === null || rssBytes === 0 ? '' : `  RSS ${(rssBytes / 1024 / 1024).toFixed(1)} MiB`}`;
}

/** Where the ticker reads the clock and the programs' RSS; tests pass fakes. */
export interface TickerSource {
  /** Monotonic, seconds. */
  readonly nowS: () => number;
  readonly treeRssBytes: () => number | null;
}

const defaultTickerSource: TickerSource = { nowS: () => monotonicMs() / 1000, treeRssBytes: () => readTreeRssBytes(process.pid) };

export function startProgressTicker(draw: (live: string) => void, source: TickerSource = defaultTickerSource): ProgressTicker {
  const now = source.nowS;
  let runStartS: number | null = null;
  const rates = createRateTracker();
  const timer = setInterval(() => {
    if (runStartS === null) return;
    const elapsedS = now() - runStartS;
    const counters = rates.text();
    if (elapsedS * 1000 >= LIVE_DELAY_MS) draw(`${formatRunLive(elapsedS, source.treeRssBytes())}${counters === '' ? '' : `  ${counters}`}`);
  }, LIVE_REFRESH_MS);
  timer.unref();
  return {
    runStarted() {
      runStartS = now();
      rates.reset();
    },
    record(record) {
      rates.add(record);
    },
    stop() {
      clearInterval(timer);
      runStartS = null;
    },
  };
}
