import type { GcKind, GcReport } from '../session/gc.ts';
import { formatCount, formatMiB } from './units.ts';

const KIND_ORDER: readonly GcKind[] = ['minor', 'major', 'incremental', 'weak'];
const KIND_WORDS: Readonly<Record<GcKind, string>> = { minor: 'minor', major: 'major', incremental: 'incremental', weak: 'weak callbacks' };

/**
 * One short line of what the garbage collector did, or null when nothing collected (the report
 * then says nothing about GC). Its counts are grouped as the counters' are (6,055).
 * @example renderGcLine(gc) // 'gc  3 minor, 1 major  pause 4.2 ms total, longest 3.1 ms  reclaimed 85.0 MiB'
 */
export function renderGcLine(gc: GcReport | undefined): string | null {
  if (gc === undefined || gc.collections === 0) return null;
  const kinds = KIND_ORDER.filter((kind) => gc.counts[kind] > 0)
    .map((kind) => `${formatCount(gc.counts[kind])} ${KIND_WORDS[kind]}`)
    .join(', ');
  return `gc  ${kinds}  pause ${formatMs(gc.pauseTotalMs)} total, longest ${formatMs(gc.pauseLongestMs)}  reclaimed ${formatMiB(gc.reclaimedBytes)}`;
}

/** 4.2 ms; 0.03 ms for sub-0.1 pauses, so a tiny scavenge does not read as 0.0. */
export function formatMs(ms: number): string {
  return ms < 0.1 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(1)} ms`;
}
