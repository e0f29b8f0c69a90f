// Each tool's mean for one program given twice (or more), by its place on the command line: where
// the places differ, the tool's order biases its means (BENCHMARKS.md, Pace notes, 2026-12-05 09:45:
// with two warm-up runs, hyperfine's first command of `true` read 3-9% slower than its second taking
// turns with perfcell here, and 14% in a loop of hyperfine alone).
//
//   node scripts/lib/order-bias.mjs [ROUNDS] [WARMUP] [RUNS] [PROGRAM] [PLACES]   (defaults: 15 2 10 true 2)
//
// Prints per tool the median over the rounds of each place's mean, and of place 1 against place 2.
// The two tools take turns, round by round; perfcell is dist/app/cli.cjs, run by its first line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, signedPct } from './benchmarks-md.mjs';
import { hyperfineRound, perfcellCompareRound } from './compare-pair.mjs';
import { turnOrder } from './ab-variants.mjs';

const [rounds = 15, warmup = 2, runs = 10] = process.argv.slice(2, 5).map(Number);
const program = process.argv[5] ?? 'true';
const places = Number(process.argv[6] ?? 2);
const commands = Array.from({ length: places }, () => program);
const dir = mkdtempSync(join(tmpdir(), 'perfcell-order-'));
const tools = [
  { name: 'hyperfine -N', round: () => hyperfineRound(commands, { warmup, runs, exportFile: join(dir, 'hyperfine.json') }), means: [] },
  { name: 'perfcell compare', round: () => perfcellCompareRound('dist/app/cli.cjs', commands, { warmup, runs }), means: [] },
];
for (let round = 0; round < rounds; round++) {
  for (const tool of turnOrder(tools, round)) tool.means.push(tool.round().means);
}
rmSync(dir, { recursive: true, force: true });
console.log(`${places} × '${program}', -w ${warmup} -r ${runs}, ${rounds} rounds (medians over the rounds):`);
for (const tool of tools) {
  const byPlace = commands.map((_, place) => median(tool.means.map((means) => means[place])) * 1000);
  const firstAgainstSecond = median(tool.means.map((means) => means[0] / means[1] - 1));
  console.log(`  ${tool.name.padEnd(16)} ${byPlace.map((ms, place) => `place ${place + 1} ${ms.toFixed(3)} ms`).join(', ')}; place 1 against 2 ${signedPct(firstAgainstSecond)}`);
}
