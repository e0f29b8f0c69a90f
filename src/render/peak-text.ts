import type { CommandReport } from '../session/report.ts';
import { formatMiB } from './units.ts';

/**
 * How close to the starting RSS a peak is taken to be the start itself, and how far RAM must fall.
 * RSS moves while nothing is allocated: V8 touches a fresh page of its heap (256 KiB) now and then,
 * as the settling collection may. A cell freeing 64 MiB read its peak 0.2 MiB above its start in
 * one CI run and, at 0.1 MiB, was said to have "peaked 64.1 MiB above final usage" as if it had
 * spiked (1 in 20 runs under load here): two such pages.
 */
const AT_START_BYTES = 0.5 * 1024 * 1024;

/**
 * The peak of an in-process window against its final RSS. A command that only freed memory peaks
 * where it started (VmHWM is reset to the RSS at the start), so its "peak above final" is what it
 * freed, not a transient spike, and is said that way (where RAM fell by more than a few pages).
 * @example peakText(memory) // 'peaked 2.0 MiB above final usage', or 'peaked at its start, 49.9 MiB above final usage'
 */
export function peakText(memory: CommandReport['memory']): string {
  const { rssBeforeBytes, peakRssBytes, usedBytes } = memory;
  const isPeakAtStart = rssBeforeBytes !== null && peakRssBytes !== null && usedBytes !== null && usedBytes < -AT_START_BYTES && Math.abs(peakRssBytes - rssBeforeBytes) <= AT_START_BYTES;
  return `peaked ${isPeakAtStart ? 'at its start, ' : ''}${formatMiB(memory.peakAboveFinalBytes)} above final usage`;
}
