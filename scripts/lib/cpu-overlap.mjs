// What work on "the other CPU" costs here: Node's start (`node -e 0`, pinned to CPU 0 with
// taskset) timed alone, then with two `perf stat -- true` started at the same moment on CPU 1 (the
// other vCPU) and on CPU 0 (the same one); and a compute loop timed alone and twice at once, one
// on each CPU. perf's start-up and Node's are mostly page faults and dynamic loading; the loop
// touches no new memory. Where the other CPU's work slows Node's start, moving work there (perf
// started beside Node, an arm during a run) saves less wall time than it takes off the critical
// path. BENCHMARKS.md "Pace notes", 2026-12-05 04:35; bench-pace.mjs reports startOverlap() with
// each Pace run.
//
//   node scripts/lib/cpu-overlap.mjs [ROUNDS]     (default 8; needs taskset, from util-linux, and perf)
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { median } from './benchmarks-md.mjs';

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

const nodeStart = async () => (await pinned(0, [process.execPath, '-e', '0'])).ms;
const perfStart = (cpu) => pinned(cpu, ['perf', 'stat', '-x,', '-e', 'page-faults', '-o', '/dev/null', '--', 'true']);
const timedLoop = async (cpu) => Number((await pinned(cpu, [process.execPath, '-e', loop])).out.trim());

/** Medians (ms) of `node -e 0` on CPU 0 alone, beside two perf start-ups on CPU 1, and beside them on CPU 0. */
export async function startOverlap(rounds = 8) {
  const alone = [];
  const otherCpu = [];
  const sameCpu = [];
  for (let round = 0; round < rounds; round++) {
    alone.push(await nodeStart());
    otherCpu.push((await Promise.all([nodeStart(), perfStart(1), perfStart(1)]))[0]);
    sameCpu.push((await Promise.all([nodeStart(), perfStart(0), perfStart(0)]))[0]);
  }
  return { aloneMs: median(alone), otherCpuMs: median(otherCpu), sameCpuMs: median(sameCpu) };
}

/** Medians (ms) of the compute loop on CPU 0 alone, and of the slower of two at once, one on each CPU. */
export async function loopOverlap(rounds = 8) {
  const alone = [];
  const slower = [];
  for (let round = 0; round < rounds; round++) {
    alone.push(await timedLoop(0));
    slower.push(Math.max(...(await Promise.all([timedLoop(0), timedLoop(1)]))));
  }
  return { aloneMs: median(alone), slowerMs: median(slower) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rounds = Number(process.argv[2] ?? 8);
  const start = await startOverlap(rounds);
  const compute = await loopOverlap(rounds);
  console.log(`node -e 0 on CPU 0 (medians of ${rounds}): alone ${start.aloneMs.toFixed(1)} ms; with two perf start-ups on CPU 1 ${start.otherCpuMs.toFixed(1)} ms; on CPU 0 ${start.sameCpuMs.toFixed(1)} ms`);
  console.log(`a compute loop on CPU 0: alone ${compute.aloneMs.toFixed(1)} ms; two at once, one on each CPU, the slower ${compute.slowerMs.toFixed(1)} ms`);
}
