// What work on "the other CPU" costs here: Node's start (`node -e 0`, pinned to CPU 0 with
// taskset) timed alone, then with two `perf stat -- true` started at the same moment on CPU 1 (the
// other vCPU) and on CPU 0 (the same one); and a compute loop timed alone and twice at once, one
// on each CPU. perf's start-up and Node's are mostly page faults and dynamic loading; the loop
// touches no new memory. Where the other CPU's work slows Node's start, moving work there (perf
// started beside Node, an arm during a run) saves less wall time than it takes off the critical
// path. BENCHMARKS.md "Pace notes", 2026-12-05 04:35.
//
//   node scripts/lib/cpu-overlap.mjs [ROUNDS]     (default 8; needs taskset, from util-linux, and perf)
import { spawn } from 'node:child_process';
import { median } from './benchmarks-md.mjs';

const rounds = Number(process.argv[2] ?? 8);
const env = { ...process.env, LC_ALL: 'C' };
delete env['NODE_EXTRA_CA_CERTS'];
const loop = 'let x = 0; const s = performance.now(); for (let i = 0; i < 2e7; i++) x = (x + i * i) % 1000003; console.log((performance.now() - s).toFixed(1));';

/** Runs argv pinned to `cpu`; resolves with its wall time (ms) and what it printed. */
function pinned(cpu, argv) {
  return new Promise((resolve, reject) => {
    const startMs = performance.now();
    const child = spawn('taskset', ['-c', String(cpu), ...argv], { stdio: ['ignore', 'pipe', 'ignore'], env });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ ms: performance.now() - startMs, out }) : reject(new Error(`${argv[0]} exited ${code}`))));
  });
}

const nodeStart = () => pinned(0, [process.execPath, '-e', '0']);
const perfStart = (cpu) => pinned(cpu, ['perf', 'stat', '-x,', '-e', 'page-faults', '-o', '/dev/null', '--', 'true']);
const timedLoop = async (cpu) => Number((await pinned(cpu, [process.execPath, '-e', loop])).out.trim());

const startAlone = [];
const startBesideOther = [];
const startBesideSame = [];
const loopAlone = [];
const loopPairSlower = [];
for (let round = 0; round < rounds; round++) {
  startAlone.push((await nodeStart()).ms);
  startBesideOther.push((await Promise.all([nodeStart(), perfStart(1), perfStart(1)]))[0].ms);
  startBesideSame.push((await Promise.all([nodeStart(), perfStart(0), perfStart(0)]))[0].ms);
  loopAlone.push(await timedLoop(0));
  loopPairSlower.push(Math.max(...(await Promise.all([timedLoop(0), timedLoop(1)]))));
}
const ms = (values) => `${median(values).toFixed(1)} ms`;
console.log(`node -e 0 on CPU 0 (medians of ${rounds}): alone ${ms(startAlone)}; with two perf start-ups on CPU 1 ${ms(startBesideOther)}; on CPU 0 ${ms(startBesideSame)}`);
console.log(`a compute loop on CPU 0: alone ${ms(loopAlone)}; two at once, one on each CPU, the slower ${ms(loopPairSlower)}`);
