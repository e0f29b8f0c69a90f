// What recording GC per command costs the measured process: the same allocation-heavy command
// timed with and without a V8 GCProfiler running (what perfcell starts at every in-process
// window), interleaved, in one fresh node. Run: node scripts/bench-gc.mjs (BENCH_RUNS=31;
// BENCH_NO_WRITE=1 to only print). Writes the "GC recording cost" section of BENCHMARKS.md.
import v8 from 'node:v8';
import { loadavg } from 'node:os';
import { machineLine, median, writeSection } from './lib/benchmarks-md.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 31);
const OBJECTS = 10_000_000;

/** 10 million small objects through a 1024-slot ring: many scavenges, nothing kept. */
function work() {
  const ring = new Array(1024);
  for (let index = 0; index < OBJECTS; index++) ring[index & 1023] = { index };
  return ring.length;
}

function timeOnce(withProfiler) {
  const profiler = withProfiler ? new v8.GCProfiler() : null;
  profiler?.start();
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  work();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  const collections = profiler?.stop()?.statistics.length ?? 0;
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, collections };
}

for (let index = 0; index < 3; index++) {
  timeOnce(false);
  timeOnce(true);
}
const off = [];
const on = [];
const offCpu = [];
const onCpu = [];
const collections = [];
for (let index = 0; index < RUNS; index++) {
  // Alternate which goes first, so drift touches both alike.
  const pair = index % 2 === 0 ? [timeOnce(false), timeOnce(true)] : [timeOnce(true), timeOnce(false)].reverse();
  off.push(pair[0].ms);
  on.push(pair[1].ms);
  offCpu.push(pair[0].cpuMs);
  onCpu.push(pair[1].cpuMs);
  collections.push(pair[1].collections);
}
const offMs = median(off);
const onMs = median(on);
const offCpuMs = median(offCpu);
const onCpuMs = median(onCpu);
const perCollectionUs = ((onCpuMs - offCpuMs) * 1000) / median(collections);
const body = `
Command: \`node scripts/bench-gc.mjs\` (${RUNS} interleaved pairs after 3 warm-up pairs, one node process; ${machineLine()}; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')} at the end).

perfcell records an in-process command's collections with V8's GC profiler (node:v8 \`GCProfiler\`),
started when the window opens and stopped when it closes: no timer or thread, but at every
collection V8 writes that collection's heap statistics. The cost, on a command that makes
${(OBJECTS / 1e6).toFixed(0)} million small objects (${median(collections)} collections, median):

| profiler | wall, median | ratio | CPU (all threads), median | ratio |
|---|---:|---:|---:|---:|
| off | ${offMs.toFixed(1)} ms | 1.000 | ${offCpuMs.toFixed(1)} ms | 1.000 |
| on (as in every REPL command, cell and measure(fn)) | ${onMs.toFixed(1)} ms | ${(onMs / offMs).toFixed(3)} | ${onCpuMs.toFixed(1)} ms | ${(onCpuMs / offCpuMs).toFixed(3)} |

That is about ${perCollectionUs.toFixed(0)} µs of CPU per collection (on − off over the collections; on this
shared, loaded machine the noise is of the same order, and can make it negative). A command that
collects nothing pays nothing but the start and stop (a few µs).
`;
console.log(body);
if (process.env.BENCH_NO_WRITE !== '1') writeSection('GC recording cost', body);
