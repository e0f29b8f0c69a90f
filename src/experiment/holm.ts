/**
 * Holm's step-down correction as one alpha per hypothesis, so that each metric's test and its
 * interval (at 1 − that alpha) agree. Sorted by p, the k-th of m is tested at alpha / (m − k + 1)
 * while all before it were rejected; from the first that is not, every later one is tested at that
 * same step's alpha (its p is no smaller, so it is not rejected either, and its interval at that
 * level contains 1). The rejections are exactly Holm's, which holds the family-wise error at alpha.
 * null p-values (no test) stay null.
 * @example holmTestAlphas([0.01, 0.04, 0.03], 0.05) // [0.0167, 0.025, 0.025]: only the first is rejected
 */
export function holmTestAlphas(pValues: readonly (number | null)[], alpha: number): (number | null)[] {
  const order = pValues
    .map((pValue, index) => ({ pValue, index }))
    .filter((entry): entry is { pValue: number; index: number } => entry.pValue !== null)
    .sort((left, right) => left.pValue - right.pValue);
  const result: (number | null)[] = pValues.map(() => null);
  const m = order.length;
  let stoppedAt: number | null = null;
  order.forEach(({ pValue, index }, rank) => {
    if (stoppedAt !== null) {
      result[index] = stoppedAt;
      return;
    }
    const stepAlpha = alpha / (m - rank);
    result[index] = stepAlpha;
    if (!(pValue < stepAlpha)) stoppedAt = stepAlpha;
  });
  return result;
}
