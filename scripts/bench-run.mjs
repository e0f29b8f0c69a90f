// Benchmarks of `perfcell run` (issue: measure one command exactly). Run after `npm run build`:
//   node scripts/bench-run.mjs
// Writes the "perfcell run" section of BENCHMARKS.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgram } from '../dist/src/session/run-program.js';
import { endToReportMs } from './lib/end-to-report.mjs';
import { machineLine, median, writeSection } from './lib/benchmarks-md.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const bin = join(tmpdir(), 'perfcell-bench');
mkdirSync(bin, { recursive: true });
const build = (name) => {
  execFileSync('cc', ['-O2', '-o', join(bin, name), `test/fixtures/${name}.c`]);
  return join(bin, name);
};
const touch = build('touch-pages');
const peak = build('peak-then-idle');
const sleepMs = build('sleep-ms');
const work = build('work');
const endStamp = build('end-stamp');
// the bin, run as users run it: by its first line (scripts/lib/bin-launcher.mjs)
const cli = 'dist/app/cli.cjs';
const pct = (x) => `${(100 * x).toFixed(2)}%`;
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function perfStatFaults(command) {
  const out = spawnSync('perf', ['stat', '-x,', '-e', 'page-faults', '--', ...command], { env: { ...process.env, LC_ALL: 'C' }, encoding: 'utf8' });
  return Number(out.stderr.split('\n').find((line) => line.includes(',page-faults'))?.split(',')[0]);
}

// 1. Accuracy of counts: perfcell against plain perf stat on the same program.
const countRows = [];
for (const pages of [1_000, 25_000, 250_000]) {
  const errors = [];
  for (let run = 0; run < RUNS; run += 1) {
    const reference = perfStatFaults([touch, String(pages)]);
    const report = await runProgram([touch, String(pages)], { events: ['page-faults'] });
    errors.push((report.counters.events[0].total - reference) / reference);
  }
  countRows.push(`| ${pages.toLocaleString('en-US')} | ${pct(median(errors))} | ${pct(Math.max(...errors.map(Math.abs)))} |`);
}

// 2. Peak accuracy: 500 MiB touched, freed after 2 ms, then idle.
const peaksMiB = [];
for (let run = 0; run < 10; run += 1) {
  const report = await runProgram([peak, '500', '2', '100'], { events: ['page-faults'] });
  peaksMiB.push(report.memory.peakRssBytes / 2 ** 20);
}

// 3. Honest times: 50 ms and 5 ms commands.
const timeRows = [];
for (const ms of [50, 5]) {
  const measured = [];
  for (let run = 0; run < RUNS; run += 1) measured.push((await runProgram([sleepMs, String(ms)], { events: ['page-faults'] })).durationS * 1000);
  timeRows.push(`| ${ms} ms sleep | ${median(measured).toFixed(2)} ms | ${Math.min(...measured).toFixed(2)}–${Math.max(...measured).toFixed(2)} ms |`);
}

// 4. Slowdown of a CPU-bound ~1 s program: its own loop time, bare vs under perfcell (perf at -I 100).
const iterations = '700000000';
const bare = [];
const measured = [];
for (let run = 0; run < RUNS; run += 1) {
  bare.push(Number(execFileSync(work, [iterations]).toString()));
  measured.push(Number(execFileSync(cli, ['run', '-e', 'task-clock,page-faults,context-switches', '--', work, iterations], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().split('\n')[0]));
}
const slowdown = median(measured) / median(bare) - 1;

// 5. Wall overhead of the whole `perfcell run` against `perf stat` on the same short command.
const wall = (argv) => {
  const start = nowMs();
  spawnSync(argv[0], argv.slice(1), { stdio: 'ignore', env: { ...process.env, LC_ALL: 'C' } });
  return nowMs() - start;
};
const perfStatWall = [];
const perfcellWall = [];
const bareWall = [];
for (let run = 0; run < RUNS; run += 1) {
  bareWall.push(wall([sleepMs, '50']));
  perfStatWall.push(wall(['perf', 'stat', '-x,', '-I', '100', '-e', 'page-faults', '--', sleepMs, '50']));
  perfcellWall.push(wall([cli, 'run', '-e', 'page-faults', '--', sleepMs, '50']));
}

// 6. From the command's end (its own last clock reading) to perfcell's report arriving on our pipe.
const latencies = [];
for (let run = 0; run < RUNS * 2; run += 1) {
  latencies.push((await endToReportMs(cli, endStamp)) ?? Number.NaN);
}

const reported = latencies.filter((latency) => !Number.isNaN(latency));

writeSection('perfcell run', `
Command: \`npm run build && node scripts/bench-run.mjs\` (${RUNS} runs each; ${machineLine()}).

Counts: page-faults of a program touching N fresh pages, perfcell against plain \`perf stat -e page-faults\` of the same program.

| pages | median error | worst error |
|---:|---:|---:|
${countRows.join('\n')}

Peak: a program touching 500 MiB, freeing it after 2 ms, then idling 100 ms: peak over 10 runs
${Math.min(...peaksMiB).toFixed(1)}–${Math.max(...peaksMiB).toFixed(1)} MiB (target: within 2% of 500 MiB; the peak includes the program's ~1 MiB of start-up).

Times (perf attached, -I 100):

| command | median reported | range |
|---|---:|---:|
${timeRows.join('\n')}

Slowdown of a CPU-bound program (${iterations} iterations, about 1 s; the program times its own loop):
bare median ${median(bare).toFixed(4)} s, under \`perfcell run\` ${median(measured).toFixed(4)} s: **${pct(slowdown)}** (target ≤ 1%).

Wall time of the whole tool around a 50 ms sleep (start to exit, median): bare ${median(bareWall).toFixed(1)} ms,
\`perf stat -I 100\` ${median(perfStatWall).toFixed(1)} ms, \`perfcell run\` ${median(perfcellWall).toFixed(1)} ms
(perfcell − perf stat = ${(median(perfcellWall) - median(perfStatWall)).toFixed(1)} ms: Node's start-up and loading the CLI; \`${cli}\` run as users run it, by its first line).

From the command's end to its report on stdout (the program prints its CLOCK_MONOTONIC last; the reader stamps the report's arrival):
median **${median(reported).toFixed(2)} ms**, range ${Math.min(...reported).toFixed(2)}–${Math.max(...reported).toFixed(2)} ms (target ≤ 5 ms median)${reported.length === latencies.length ? '' : `; ${latencies.length - reported.length} runs without a page-faults line left out`}.
`);
console.error('wrote the "perfcell run" section of BENCHMARKS.md');
