import type { CommandReport } from '../session/report.ts';
import { formatMiB } from './units.ts';

/** How close to the starting RSS a peak is taken to be the start itself (RSS moves by a few pages while nothing is allocated), and how far RAM must fall. */
const AT_START_BYTES = 0.1 * 1024 * 1024;

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
