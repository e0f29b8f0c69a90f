import type { CompareDocument } from '../experiment/compare-document.ts';
import { scaledFromText } from './running-pct.ts';

/** The event a metric counts: `cache-misses` for its total and for its rate `cache-misses/s`; a ratio (`ipc`) keeps its own key. */
export const eventOf = (key: string): string => (key.endsWith('/s') ? key.slice(0, -2) : key);

/**
 * The lowest running share below 100 that `names`' runs (default: every alternative's and the
 * noise floor's) kept for a metric's counts (`lowestRunningPct`, a ratio's the lower of its two
 * counts'), in %; null where perf counted them all of the time, or the document keeps no share.
 * @example scaledPctOf(document, 'cache-misses/s') // 49
 */
export function scaledPctOf(document: CompareDocument, metricKey: string, names?: readonly string[]): number | null {
  const event = eventOf(metricKey);
  const all = [...document.alternatives, ...(document.noiseFloor === null ? [] : [document.noiseFloor])];
  const chosen = names === undefined ? all : all.filter((alternative) => names.includes(alternative.name));
  const shares = chosen.flatMap((alternative) => alternative.lowestRunningPct?.[event] ?? []);
  const lowest = Math.min(100, ...shares);
  return lowest < 100 ? lowest : null;
}

/**
 * What a metric's label or verdict adds in the exports, the page and the baseline lines, where
 * no footnote follows: ` (scaled from 49% of the time)`, or '' for counts perf counted all of the time.
 */
export function scaledNote(document: CompareDocument, metricKey: string, names?: readonly string[]): string {
  const text = scaledFromText(scaledPctOf(document, metricKey, names));
  return text === null ? '' : ` (${text})`;
}
