// The mean times hyperfine and perfcell compare report for the same two programs, over many
// alternations (issue 15's "means within 2%"): one compare's mean of 10 runs moves some ±10% from
// round to round on this VM, more than the target, so one round says little.
//
//   node scripts/lib/means-ab.mjs ROUNDS "CMD A" "CMD B"      (npm run build first; hyperfine on PATH)
//   e.g. node scripts/lib/means-ab.mjs 20 "/tmp/sleep-ms 7" "/tmp/sleep-ms 6"
//
// Each round runs `hyperfine -N -w 2 -r 10` and `perfcell compare --warmup 2 --runs 10` (default
// events), which first reversed every other round; prints, per alternative, the median of the
// rounds' means of each tool, the pooled means, and the median of the rounds' ratios.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { turnOrder } from './ab-variants.mjs';
import { median } from './benchmarks-md.mjs';

const [roundsText, ...commands] = process.argv.slice(2);
const rounds = Number(roundsText);
if (!(rounds > 0) || commands.length !== 2) {
  process.stderr.write('usage: node scripts/lib/means-ab.mjs ROUNDS "CMD A" "CMD B"\n');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'perfcell-means-'));
const exported = join(dir, 'hyperfine.json');

/** Each tool's means (ms) of one round, in the commands' order. */
function hyperfineMeansMs() {
  const result = spawnSync('hyperfine', ['-N', '-w', '2', '-r', '10', '--style', 'none', '--export-json', exported, ...commands], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`hyperfine failed (${result.error?.message ?? result.status}): install it (apt-get install hyperfine)`);
  return JSON.parse(readFileSync(exported, 'utf8')).results.map((entry) => entry.mean * 1000);
}
function perfcellMeansMs() {
  const result = spawnSync('dist/app/cli.cjs', ['compare', '--warmup', '2', '--runs', '10', '--json', '--', ...commands], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`perfcell compare failed (${result.status}): ${result.stderr.slice(-300)}`);
  const time = JSON.parse(result.stdout).results.find((entry) => entry.metric.key === 'durationS');
  return time.summaries.map((entry) => entry.summary.mean * 1000);
}

const means = { hyperfine: [], perfcell: [] };
const turns = [() => means.hyperfine.push(hyperfineMeansMs()), () => means.perfcell.push(perfcellMeansMs())];
for (let round = 0; round < rounds; round++) for (const turn of turnOrder(turns, round)) turn();
rmSync(dir, { recursive: true, force: true });

const pct = (ratio) => `${ratio >= 0 ? '+' : ''}${(100 * ratio).toFixed(1)}%`;
const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
for (const [index, command] of commands.entries()) {
  const hyperfine = means.hyperfine.map((round) => round[index]);
  const perfcell = means.perfcell.map((round) => round[index]);
  const ratios = perfcell.map((value, round) => value / hyperfine[round] - 1);
  console.log(
    `${command}: medians of the rounds' means ${median(hyperfine).toFixed(3)} / ${median(perfcell).toFixed(3)} ms (hyperfine / perfcell, ${pct(median(perfcell) / median(hyperfine) - 1)}); ` +
      `pooled ${mean(hyperfine).toFixed(3)} / ${mean(perfcell).toFixed(3)} ms (${pct(mean(perfcell) / mean(hyperfine) - 1)}); median of the rounds' ratios ${pct(median(ratios))}; ${rounds} rounds`,
  );
}
