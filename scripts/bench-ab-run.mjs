// Two builds of perfcell side by side on one command: `run --json -e page-faults -- COMMAND`,
// taken in turns (A B, then B A, …) so that the machine's drift falls on both, the first round
// dropped as a warm-up. Prints each build's median wall time (perfcell's whole process, as a shell
// waits for it) and median page-faults, and B's wall over A's. For a hand-written entry in
// BENCHMARKS.md (Pace notes, Truth notes): build A in a worktree of the base commit first.
//   node scripts/bench-ab-run.mjs A/dist/app/cli.cjs B/dist/app/cli.cjs [ROUNDS] [-- COMMAND...]
import { spawnSync } from 'node:child_process';
import { median } from './lib/benchmarks-md.mjs';

const dash = process.argv.indexOf('--');
const [a, b, roundsText = '31'] = process.argv.slice(2, dash === -1 ? undefined : dash);
const command = dash === -1 ? ['true'] : process.argv.slice(dash + 1);
if (a === undefined || b === undefined) {
  process.stderr.write('usage: node scripts/bench-ab-run.mjs A_CLI B_CLI [ROUNDS] [-- COMMAND...]\n');
  process.exit(2);
}
const builds = { A: a, B: b };
const wallMs = { A: [], B: [] };
const pageFaults = { A: [], B: [] };
for (let round = 0; round < Number(roundsText); round++) {
  for (const name of round % 2 === 0 ? ['A', 'B'] : ['B', 'A']) {
    const t0 = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [builds[name], 'run', '--json', '-e', 'page-faults', '--', ...command], { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (result.status !== 0) throw new Error(`${name}: exit ${result.status}: ${result.stderr}`);
    if (round === 0) continue;
    wallMs[name].push(ms);
    pageFaults[name].push(JSON.parse(result.stdout).counters.events.find((event) => event.event === 'page-faults')?.total ?? NaN);
  }
}
for (const name of ['A', 'B']) {
  console.log(`${name} ${builds[name]}: wall ${median(wallMs[name]).toFixed(1)} ms median, page-faults ${median(pageFaults[name])} median (${Math.min(...pageFaults[name])}-${Math.max(...pageFaults[name])}), ${wallMs[name].length} runs`);
}
console.log(`wall B/A ${(median(wallMs.B) / median(wallMs.A)).toFixed(3)}`);
