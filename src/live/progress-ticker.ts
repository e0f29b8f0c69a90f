import { readFileSync } from 'node:fs';
import { OWN_PROCESS_NAMES } from '../proc/own-process-names.ts';
import { LIVE_DELAY_MS, LIVE_REFRESH_MS } from './relay.ts';
import { monotonicMs } from '../session/clock.ts';
import type { CounterStatus } from '../../parsers/perf-stat-types.ts';

/**
 * The live part of compare's progress line, for runs of external commands (perfcell's own process
 * is idle while they run, so a timer here measures nothing): from 1 s into a run, every 250 ms,
 * `draw` gets `run 2.3s  RSS 41.2 MiB  page-faults 12.3k/s` (the programs perfcell started,
 * summed, and each counter's rate since the last draw). In-process cells
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
 * Each counter's rate over the intervals perf printed since the line was last drawn, as run's
 * relay draws it (native/perfcell-live.c): their values summed over their spans, each span
 * `time − the event's previous time`. The line is drawn every 250 ms and perf prints every 100 ms:
 * a rate over the latest interval alone showed one in two or three of them, and a burst between
 * two draws (200 MiB touched in 60 ms) never showed at all. With no interval since the last draw
 * (`-I 1000`), the rate drawn last stays. An event's first record starts its clock and gives no
 * rate: how long it counted is not known (a served run's first record sums perf's 4 ms ticks since
 * the window opened, a perf of its own began its interval before the window). An interval in which
 * the program never ran reads `<not counted>`: none of it, so 0/s over its span, as the relay
 * reads it; a rate had stayed at its last counted value while a program slept (`page-faults 720/s`
 * to the end of `sleep 1.6`).
 */
export function createRateTracker() {
  interface EventRate {
    timeS: number;
    /** Counted since the last draw, and over how long; null once perf gave no value (not supported). */
    sinceDraw: { value: number; spanS: number } | null;
    perSecond: number | null;
  }
  const events = new Map<string, EventRate>();
  return {
    reset(): void {
      events.clear();
    },
    add(record: LiveRecord): void {
      if (record.time === null) return;
      const value = record.value ?? (record.status === 'not counted' ? 0 : null);
      const previous = events.get(record.event);
      if (previous === undefined) {
        events.set(record.event, { timeS: record.time, sinceDraw: { value: 0, spanS: 0 }, perSecond: null });
        return;
      }
      const spanS = record.time - previous.timeS;
      previous.timeS = record.time;
      if (value === null) previous.sinceDraw = null;
      else if (previous.sinceDraw !== null && spanS > 0) previous.sinceDraw = { value: previous.sinceDraw.value + value, spanS: previous.sinceDraw.spanS + spanS };
    },
    /** `page-faults 12.3k/s  context-switches 210/s`, in the order events first came; a draw. */
    text(): string {
      for (const rate of events.values()) {
        if (rate.sinceDraw === null) rate.perSecond = null;
        else if (rate.sinceDraw.spanS > 0) rate.perSecond = rate.sinceDraw.value / rate.sinceDraw.spanS;
        rate.sinceDraw = { value: 0, spanS: 0 };
      }
      return [...events].filter(([, { perSecond }]) => perSecond !== null).map(([event, { perSecond }]) => `${event} ${compactRate(perSecond!)}/s`).join('  ');
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
