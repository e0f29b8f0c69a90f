import type { CompareCost } from './compare-document.ts';

/**
 * The cost block from the interleaver's wall seconds per slot: the alternatives' in order, the
 * noise floor's last (as compare schedules it).
 * @example costOf([0.12, 0.10, 0.03], ['row', 'col']) // { totalS: 0.25, alternativesS: { row: 0.12, col: 0.1 }, noiseFloorS: 0.03 }
 */
export function costOf(spentS: readonly number[], names: readonly string[]): CompareCost {
  const alternativesS: Record<string, number> = {};
  names.forEach((name, index) => {
    alternativesS[name] = spentS[index] ?? 0;
  });
  const noiseFloorS = spentS.length > names.length ? (spentS[names.length] ?? null) : null;
  return { totalS: spentS.reduce((sum, seconds) => sum + seconds, 0), alternativesS, noiseFloorS };
}

/** One line for stderr: what the noise floor cost, beside the cheapest and the mean alternative. */
export function describeNoiseFloorCost(cost: CompareCost): string {
  const each = Object.values(cost.alternativesS);
  if (cost.noiseFloorS === null || each.length === 0) return '';
  const mean = each.reduce((sum, seconds) => sum + seconds, 0) / each.length;
  const share = cost.totalS > 0 ? Math.round((100 * cost.noiseFloorS) / cost.totalS) : 0;
  return `noise floor: cost ${formatSeconds(cost.noiseFloorS)} of ${formatSeconds(cost.totalS)} (${share}%; an alternative's runs took ${formatSeconds(mean)} on average, the cheapest ${formatSeconds(Math.min(...each))})`;
}

/**
 * The noise floor's cost as a line under its time in compare's summary, warm-up included; null
 * when the document has no cost block (saved before it existed) or no noise floor.
 * @example noiseFloorCostLine(costOf([0.12, 0.10, 0.03], ['row', 'col'])) // '  Cost: 30 ms, 12% of the runs\' 250 ms'
 */
export function noiseFloorCostLine(cost: CompareCost | undefined): string | null {
  if (cost === undefined || cost.noiseFloorS === null) return null;
  const share = cost.totalS > 0 ? Math.round((100 * cost.noiseFloorS) / cost.totalS) : 0;
  return `  Cost: ${formatSeconds(cost.noiseFloorS)}, ${share}% of the runs' ${formatSeconds(cost.totalS)}`;
}

function formatSeconds(seconds: number): string {
  return seconds < 1 ? `${(seconds * 1000).toFixed(0)} ms` : `${seconds.toFixed(2)} s`;
}
