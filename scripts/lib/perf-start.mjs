// How much of perf's start-up comes before its main(): perf exec'd with the hold library
// (dist/perfcell-perf-hold, as run's gate execs it), timed from the spawn to the library's "held"
// at main(), against `perf stat -e page-faults -- true` and `perf --version` whole, taking turns;
// medians. What the early perf of `perfcell run` takes off the way to the program's start.
//
//   npm run build && node scripts/lib/perf-start.mjs [ROUNDS]
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './benchmarks-md.mjs';

const rounds = Number(process.argv[2] ?? 30);
const library = fileURLToPath(new URL('../../dist/perfcell-perf-hold', import.meta.url));
const perf = execFileSync('sh', ['-c', 'command -v perf'], { encoding: 'utf8' }).trim();

/** ms from spawning `argv` until `until(child)` resolves. */
function timed(argv, env, until) {
  return new Promise((resolve, reject) => {
    const startMs = performance.now();
    const child = spawn(argv[0], argv.slice(1), { argv0: 'perf', env: { ...process.env, LC_ALL: 'C', ...env }, stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
    child.once('error', reject);
    until(child).then(() => resolve(performance.now() - startMs), reject);
  });
}

const exited = (child) => new Promise((resolve) => child.once('exit', resolve));
/** The library's int on fd 4: perf is at main(); then end of file on fd 3, and perf exits. */
const held = (child) =>
  new Promise((resolve, reject) => {
    child.stdio[4].once('data', () => {
      child.stdio[3].end();
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`perf exited (${code}) before it held: is dist/perfcell-perf-hold built?`)));
  });

const times = { toMain: [], version: [], statTrue: [] };
for (let round = 0; round < rounds; round++) {
  times.toMain.push(await timed([perf, '--version', 'x'.repeat(2047)], { LD_PRELOAD: library, PERFCELL_PERF_HOLD: '3,4', PERFCELL_PERF_HOLD_PRELOAD: '' }, held));
  times.version.push(await timed([perf, '--version'], {}, exited));
  times.statTrue.push(await timed([perf, 'stat', '-e', 'page-faults', '--', 'true'], {}, exited));
}
const ms = (values) => `${median(values).toFixed(1)} ms`;
console.log(`perf: ${perf}, ${rounds} rounds, medians`);
console.log(`  spawn → main() (held by the library): ${ms(times.toMain)}`);
console.log(`  perf --version, whole:                ${ms(times.version)}`);
console.log(`  perf stat -e page-faults -- true:     ${ms(times.statTrue)}`);
console.log(`  before main() / perf stat's whole:    ${(median(times.toMain) / median(times.statTrue)).toFixed(2)}`);
