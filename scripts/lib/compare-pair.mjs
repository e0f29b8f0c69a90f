// One round of what issue 15 holds perfcell's compare against: `hyperfine -N` and `perfcell compare`
// of the same commands with the same warm-up and runs (bench-pace.mjs, means-ab.mjs), and the
// timed spawn both go through, and the order both get the commands in (inOrder).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const nowS = () => Number(process.hrtime.bigint()) / 1e9;

/** Runs `file argv` to its end (NO_COLOR, `env` over this process's): its wall seconds and output; throws, with the fix, where it fails. */
export function timed(file, argv, env = {}) {
  const startS = nowS();
  const result = spawnSync(file, argv, { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1', ...env } });
  const wallS = nowS() - startS;
  // a tool that is not installed (hyperfine: apt-get install hyperfine) fails to spawn: said, with the fix
  if (result.error !== undefined) throw new Error(`${file} could not be run (${result.error.message}); install it (hyperfine: apt-get install hyperfine) and run the benchmark again`);
  if (result.status !== 0) throw new Error(`${file} ${argv.join(' ')} failed (${result.status}): ${result.stderr.slice(-400)}`);
  return { wallS, stdout: result.stdout, stderr: result.stderr };
}

/** hyperfine's round: its wall and each command's mean (seconds); `exportFile`: where its JSON goes. */
export function hyperfineRound(commands, { warmup, runs, exportFile }) {
  const { wallS } = timed('hyperfine', ['-N', '-w', String(warmup), '-r', String(runs), '--style', 'none', '--export-json', exportFile, ...commands]);
  const means = JSON.parse(readFileSync(exportFile, 'utf8')).results.map((result) => result.mean);
  return { wallS, means };
}

/**
 * perfcell's round, the bin run as users run it (its own first line, a shell launcher that starts
 * compare without NODE_EXTRA_CA_CERTS: scripts/lib/bin-launcher.mjs), or as `node cli.cjs`
 * (asNode), which loads it: its wall, what its runs alone took and the noise floor's share (the
 * document's cost block), and each command's mean (seconds).
 */
export function perfcellCompareRound(cli, commands, { warmup, runs, perf = true, env = {}, asNode = false }) {
  const { wallS, stdout } = timed(asNode ? 'node' : cli, [...(asNode ? [cli] : []), 'compare', '--warmup', String(warmup), '--runs', String(runs), '--json', ...(perf ? [] : ['--no-perf']), '--', ...commands], env);
  const document = JSON.parse(stdout);
  const time = document.results.find((result) => result.metric.key === 'durationS');
  return { wallS, runsS: document.cost?.totalS ?? Number.NaN, noiseFloorS: document.cost?.noiseFloorS ?? Number.NaN, means: time.summaries.map((summary) => summary.summary.mean) };
}

/**
 * One tool's round with the commands in the round's order, given back in theirs: the two tools get
 * them reversed every other round, both alike. hyperfine runs its commands one after the other, and
 * its first command of `true` given twice read 3-9% slower than its second here (order-bias.mjs,
 * BENCHMARKS.md, Pace notes, 2026-12-05 09:45): in one order only, that bias lands on one command's
 * mean, and the means' 2% target would measure it. `swapped`: this round ran them reversed.
 */
export function inOrder(run, commands, round) {
  const swapped = round % 2 === 1;
  const sample = run(swapped ? [...commands].reverse() : commands);
  return { ...sample, swapped, means: swapped ? [...sample.means].reverse() : sample.means };
}
