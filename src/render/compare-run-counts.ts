import type { CompareDocument } from '../experiment/compare-document.ts';
import { partialCause } from '../experiment/partial-run.ts';

/**
 * How many measured runs the comparison's figures hold, for the headers of its text, markdown and
 * HTML: `4 interleaved runs of each alternative`, or where a stop left them uneven each one's count,
 * and what stopped it: `interleaved runs: a 4, b 3, noise floor 3 (stopped early: interrupted by
 * SIGINT after 3 complete rounds)`. An interrupted comparison had read "4 interleaved runs of each
 * alternative" for a 4, b 3 (a QA pass).
 */
export function runCountsText(document: CompareDocument): string {
  const counts = document.alternatives.map((alternative) => ({ name: alternative.name, runs: alternative.runs.length }));
  const first = counts[0]?.runs ?? document.settings.rounds;
  const even = counts.every((count) => count.runs === first);
  const floor = document.noiseFloor === null ? '' : `, noise floor ${document.noiseFloor.runs.length}`;
  const runs = even
    ? `${first} interleaved run${first === 1 ? '' : 's'} of each alternative`
    : `interleaved runs: ${counts.map((count) => `${count.name} ${count.runs}`).join(', ')}${floor}`;
  return document.partial === undefined ? runs : `${runs} (stopped early: ${partialCause(document.partial)})`;
}
