/**
 * The order compare runs its alternatives in, round by round: the warm-up rounds as given, then
 * the measured rounds taking turns at going first. For two: A B, B A, A B … (each follows the other
 * and the noise floor as often: src/experiment/interleave.ts). Written out here, not taken from
 * interleave.ts, so that a test of the order checks it.
 * @example roundsInOrder(['A', 'B'], 1, 3) // [['A', 'B'], ['A', 'B'], ['B', 'A'], ['A', 'B']]
 */
export function roundsInOrder<T>(pair: readonly [T, T], warmup: number, runs: number): T[][] {
  const [first, second] = pair;
  const warmups = Array.from({ length: warmup }, () => [first, second]);
  const measured = Array.from({ length: runs }, (_, round) => (round % 2 === 0 ? [first, second] : [second, first]));
  return [...warmups, ...measured];
}
