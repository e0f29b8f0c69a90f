// The mean times hyperfine and perfcell compare report for the same two programs, over many
// alternations (issue 15's "means within 2%"): one compare's mean of 10 runs moves some ±10% from
// round to round on this VM, more than the target, so one round says little.
//
//   node scripts/lib/means-ab.mjs [--no-perf] ROUNDS "CMD A" "CMD B"      (npm run build first; hyperfine on PATH)
//   e.g. node scripts/lib/means-ab.mjs 20 "/tmp/sleep-ms 7" "/tmp/sleep-ms 6"
// --no-perf: perfcell's compare without perf (what perf's presence does to the programs' times).
//
// Each round runs `hyperfine -N -w 2 -r 10` and `perfcell compare --warmup 2 --runs 10` (default
// events), which first reversed every other round, and both with the commands reversed every other
// round (inOrder: hyperfine's first command reads slower than its second here); prints, per
// alternative, the median of the rounds' means of each tool, the pooled means, and the median of
// the rounds' ratios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { turnOrder } from './ab-variants.mjs';
import { mean } from 'simple-statistics';
import { median, signedPct as pct } from './benchmarks-md.mjs';
import { hyperfineRound, inOrder, perfcellCompareRound } from './compare-pair.mjs';

const given = process.argv.slice(2);
const perf = given[0] !== '--no-perf';
const [roundsText, ...commands] = perf ? given : given.slice(1);
const rounds = Number(roundsText);
if (!(rounds > 0) || commands.length !== 2) {
  process.stderr.write('usage: node scripts/lib/means-ab.mjs [--no-perf] ROUNDS "CMD A" "CMD B"\n');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'perfcell-means-'));
const schedule = { warmup: 2, runs: 10 };
/** Each tool's means (ms) of one round, in the commands' order (run in the round's order). */
const hyperfineMeansMs = (round) => inOrder((ordered) => hyperfineRound(ordered, { ...schedule, exportFile: join(dir, 'hyperfine.json') }), commands, round).means.map((meanS) => meanS * 1000);
const perfcellMeansMs = (round) => inOrder((ordered) => perfcellCompareRound('dist/app/cli.cjs', ordered, { ...schedule, perf }), commands, round).means.map((meanS) => meanS * 1000);

const means = { hyperfine: [], perfcell: [] };
const turns = [(round) => means.hyperfine.push(hyperfineMeansMs(round)), (round) => means.perfcell.push(perfcellMeansMs(round))];
try {
  for (let index = 0; index < rounds; index++) for (const turn of turnOrder(turns, index)) turn(index);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

for (const [index, command] of commands.entries()) {
  const hyperfine = means.hyperfine.map((round) => round[index]);
  const perfcell = means.perfcell.map((round) => round[index]);
  const ratios = perfcell.map((value, round) => value / hyperfine[round] - 1);
  console.log(
    `${command}: medians of the rounds' means ${median(hyperfine).toFixed(3)} / ${median(perfcell).toFixed(3)} ms (hyperfine / perfcell, ${pct(median(perfcell) / median(hyperfine) - 1)}); ` +
      `pooled ${mean(hyperfine).toFixed(3)} / ${mean(perfcell).toFixed(3)} ms (${pct(mean(perfcell) / mean(hyperfine) - 1)}); median of the rounds' ratios ${pct(median(ratios))}; ${rounds} rounds`,
  );
}
