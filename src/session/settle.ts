import { runInNewContext } from 'node:vm';
import { monotonicMs } from './clock.ts';
import { loadV8 } from '../v8-on-demand.ts';

/**
 * How the final memory of an in-process command was read (REPL, cells, measure(fn)):
 * - `settled`: after a full V8 collection, RSS read until it stopped falling;
 * - `cut-short`: RSS was still falling when the time bound ran out, so final may read high;
 * - `not-needed`: the command moved RSS, heap and external memory by under 1 MiB each (or only
 *   V8's heap in use fell: a collection ran inside the window), and no earlier window left garbage
 *   behind, so there was none worth collecting and the end reading is final (nearly free: `1+1`
 *   pays nothing);
 * - `off`: settling turned off (`.settle off`, `--no-settle`, `settle: false`): final is the
 *   reading at the window's end, which counts garbage V8 has not collected yet;
 * - `unavailable`: V8 refused to expose gc().
 */
export type SettleStatus = 'settled' | 'cut-short' | 'not-needed' | 'off' | 'unavailable';

export interface SettleReport {
  readonly status: SettleStatus;
  /** Time spent settling after the window closed (collection and RSS reads), ms; never part of durationS. */
  readonly durationMs: number;
}

/** A command that moved none of these by this much left no garbage that matters to RSS. */
export const SETTLE_THRESHOLD_BYTES = 1024 * 1024;
/** RSS that falls by less than this between two reads has stopped falling. */
const STILL_BYTES = 256 * 1024;
/** Bounds on the reads after the collection. */
export const SETTLE_BUDGET_MS = 50;
const MAX_READS = 40;
const READ_GAP_MS = 1;
/** RSS may exceed V8's own accounting by this much more than at the window's start before a release counts as in flight. */
const UNACCOUNTED_SLACK_BYTES = 8 * 1024 * 1024;

/** What settling reads and does; defaulted to this process, replaceable in tests. */
export interface SettleSource {
  readonly collect: (() => void) | null;
  readonly readRssBytes: () => number;
  /** What V8 accounts for: heap committed plus external memory (array buffers included), bytes. */
  readonly readAccountedBytes: () => number;
  readonly nowMs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Lets pending callbacks run first (the REPL moves `_` off the previous result in one). */
  readonly yieldTurn: () => Promise<void>;
}

type MemorySnapshot = Pick<NodeJS.MemoryUsage, 'rss' | 'heapUsed' | 'heapTotal' | 'external' | 'arrayBuffers'>;

/**
 * Whether a command's garbage can still change RSS: RSS, external or array buffer memory moved by
 * at least `thresholdBytes` between the window's start and end, V8's heap in use grew by that
 * much (garbage it has not collected yet), or its committed heap shrank by that much (pages let go
 * that RSS has yet to follow). A dropped 512 MiB temporary reads +512 MiB RSS (not collected yet);
 * `a = null; gc()` reads −128 MiB array buffers with RSS still high (backing stores freed in the
 * background).
 *
 * Heap in use that only fell, with the committed heap and RSS where they were, needs nothing: a
 * collection ran inside the window and V8 kept its pages (unless an earlier window left garbage
 * behind, which its caller knows: window.ts, selfGarbageMayRemain). A young-generation collection
 * does that every few megabytes of allocation (perfcell's own too): 200 trivial cells settled four
 * to five times for it, 11-14 ms each (two full collections and RSS reads), and RSS moved by
 * 0.06-0.32 MiB.
 * @example needsSettling({ rss: 40e6, heapUsed: 4e6, heapTotal: 8e6, external: 1e6, arrayBuffers: 0 }, { rss: 40.1e6, heapUsed: 4.1e6, heapTotal: 8e6, external: 1e6, arrayBuffers: 0 }) // false
 */
export function needsSettling(start: MemorySnapshot, end: MemorySnapshot, thresholdBytes = SETTLE_THRESHOLD_BYTES): boolean {
  return (
    Math.abs(end.rss - start.rss) >= thresholdBytes ||
    end.heapUsed - start.heapUsed >= thresholdBytes ||
    start.heapTotal - end.heapTotal >= thresholdBytes ||
    Math.abs(end.external - start.external) >= thresholdBytes ||
    Math.abs(end.arrayBuffers - start.arrayBuffers) >= thresholdBytes
  );
}

let cachedGc: (() => void) | null | undefined;

/**
 * V8's gc() without touching the global scope: a full (major, mark-compact) collection, which
 * also waits for V8's background freeing of array buffer backing stores, so RSS drops at once.
 * A minor or `execution: 'async'` collection leaves the backing stores to a background thread
 * that frees them 30-50 ms later (measured: see settle.test.ts). null where V8 refuses.
 */
export function v8Collect(): (() => void) | null {
  if (cachedGc !== undefined) return cachedGc;
  // node's own (--expose-gc) is taken as it is; a script's function of that name is not V8's (a
  // polyfill, `globalThis.gc ??= () => {}`, had been called as the collection: nothing collected)
  const existing = (globalThis as { gc?: unknown }).gc;
  if (isV8Gc(existing)) return (cachedGc = existing);
  try {
    loadV8().setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    cachedGc = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    cachedGc = null;
  }
  return cachedGc;
}

/** Whether a value is V8's own gc(): a native function of that name (a bound one is named `bound gc`). */
function isV8Gc(value: unknown): value is () => void {
  return typeof value === 'function' && value.name === 'gc' && /^function gc\(\) \{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(value));
}

const defaultSource = (): SettleSource => ({
  collect: v8Collect(),
  readRssBytes: () => process.memoryUsage.rss(),
  readAccountedBytes: () => {
    const usage = process.memoryUsage();
    return usage.heapTotal + usage.external;
  },
  nowMs: monotonicMs,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  yieldTurn: () => new Promise((resolve) => setImmediate(resolve)),
});

/**
 * Where RSS should settle: RSS minus what V8 accounted for (heap committed + external) at the
 * window's start. While RSS exceeds V8's accounting by more than that (plus 8 MiB), memory V8 has
 * already let go is still resident: a backing store freed on another thread that has not run yet.
 */
export interface SettleTarget {
  readonly unaccountedBytes: number;
}

/** The target of a window that started at `start` (process.memoryUsage()). */
export function settleTargetOf(start: Pick<NodeJS.MemoryUsage, 'rss' | 'heapTotal' | 'external'>): SettleTarget {
  return { unaccountedBytes: start.rss - (start.heapTotal + start.external) };
}

/**
 * Lets the command's garbage go, then reads RSS until it stops falling: two full collections
 * (the second finishes the first's background freeing), then reads 1 ms apart until two agree within 256 KiB and (with a target) RSS holds no more than
 * V8 accounts for, at most 40 reads and 50 ms. Call it after the counted window has closed
 * (perf stopped), never inside it. Returns the settled RSS and how settling went: `cut-short`
 * when RSS was still falling at the bound.
 */
export async function settleRss(source: SettleSource = defaultSource(), target?: SettleTarget): Promise<{ rssBytes: number; report: SettleReport }> {
  const startedMs = source.nowMs();
  if (source.collect === null) return { rssBytes: source.readRssBytes(), report: { status: 'unavailable', durationMs: 0 } };
  // What the REPL still holds for bookkeeping (the previous value in `_`) is let go in its callback.
  await source.yieldTurn();
  source.collect();
  // The collection that finds an old-generation array buffer dead leaves its backing store (and
  // V8's count of external memory) to a background job; the next collection first finishes that
  // job on this thread. Measured in the REPL on a loaded VM: after `a = null; gc()` of 128 MiB one
  // collection left it resident for 40-90 ms, two leave nothing (see settle.test.ts).
  source.collect();
  const afterCollectMs = source.nowMs();
  const inFlight = (rssBytes: number): boolean =>
    target !== undefined && rssBytes - source.readAccountedBytes() > target.unaccountedBytes + UNACCOUNTED_SLACK_BYTES;
  let previous = source.readRssBytes();
  let falling = true;
  for (let read = 1; read < MAX_READS && source.nowMs() - afterCollectMs < SETTLE_BUDGET_MS; read += 1) {
    await source.sleep(READ_GAP_MS);
    const current = source.readRssBytes();
    falling = previous - current >= STILL_BYTES;
    previous = current;
    if (!falling && !inFlight(current)) break;
  }
  // Flat at the bound although RSS exceeds V8's accounting: native memory the command kept, not a release.
  return { rssBytes: previous, report: { status: falling ? 'cut-short' : 'settled', durationMs: source.nowMs() - startedMs } };
}
