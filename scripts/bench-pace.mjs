#!/usr/bin/env node
// Experiments at hyperfine's pace (issue 15): one run writes the `## Pace` section of BENCHMARKS.md.
//
//   npm run build && node scripts/bench-pace.mjs [--rounds 3] [--no-write]
//
// 1. compare of two short programs, and of `true` vs `true`, against hyperfine -N with the same
//    warm-up and runs: wall time of each tool (perfcell's with and without its Node start-up, and
//    what its runs alone took, from the document's cost block), and the mean times each reports
//    (both tools get the commands reversed every other round); then round by round, each compare
//    against the hyperfine run beside it (quartiles, and how many rounds fall within the targets).
// 2. cells: a file of 200 trivial cells without perf, with one perf per cell (armed 0 and 1 ahead)
//    and with the one shared perf (the default), piped and with stderr on a terminal (the live view
//    on), and a file of 10; what perf adds per cell. And what perf's presence costs a measured
//    cell: the median time of cells of fixed work (about 5 ms) under each.
// 3. run: from the program's end (its own last CLOCK_MONOTONIC reading) to the report on stderr.
// 4. the parser: push() and `perfcell parse` per format (scripts/bench-parser.mjs), and parse's
//    start-up apart, so its own throughput shows.
// Rounds alternate the variants, so slow drift of the load touches all alike; medians over rounds.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { endToReportMs } from './lib/end-to-report.mjs';
import { turnOrder } from './lib/ab-variants.mjs';
import { machineLine, median, quantile, signedPct as pct, writeSection } from './lib/benchmarks-md.mjs';
import { startOverlap } from './lib/cpu-overlap.mjs';
import { hyperfineRound, inOrder, perfcellCompareRound, timed } from './lib/compare-pair.mjs';
import { SPANS, traceCompare } from './lib/compare-trace.mjs';

const args = process.argv.slice(2);
const at = args.indexOf('--rounds');
const ROUNDS = at === -1 ? 3 : Number(args[at + 1]);
// hyperfine and the default compare take turns for more rounds than the other variants (a round of
// the two is under a second): the means' target is 2% (36 µs of a 1.8 ms `true`), and one
// compare's mean of 10 runs moved some ±10% from round to round here, so the median of three or
// nine rounds could land either side of the line by chance (2026-12-05: nine rounds read -2.7% for
// sleep-ms 7, twenty alternations of the same build -0.9%).
const HEADLINE_ROUNDS = ROUNDS * 7;
process.on('exit', (code) => {
  if (code === 13) process.stderr.write('bench-pace: a stage never finished (a child that neither reported nor closed)\n');
});
const WARMUP = 2;
const RUNS = 10;
// The CLI as users get it: package.json's bin (the bundle where the build makes one).
const cli = (() => {
  try {
    return JSON.parse(readFileSync('package.json', 'utf8')).bin?.perfcell?.replace(/^\.\//, '') ?? 'dist/app/cli.cjs';
  } catch {
    return 'dist/app/cli.cjs';
  }
})();
const dir = mkdtempSync(join(tmpdir(), 'perfcell-pace-'));
// perfcell's cache folder (the lanes' V8 code caches, the default-events probe) of this run's own,
// filled by its own first runs: a code cache left by whatever ran first after the build would
// decide the figures (BENCHMARKS.md, Pace notes, 2026-12-05 19:40: `run`'s end → report 6.9 ms
// against 3.0 on a cache made by `run --help`, before such a cache was kept as partial).
process.env.XDG_CACHE_HOME = join(dir, 'cache');
const log = (text) => process.stderr.write(`${text}\n`);

function build(name) {
  const binary = join(dir, name);
  execFileSync('cc', ['-O2', '-o', binary, `test/fixtures/${name}.c`]);
  return binary;
}
const sleepMs = build('sleep-ms');
const endStamp = build('end-stamp');

const ms = (seconds) => `${(seconds * 1000).toFixed(1)} ms`;

// --- 1. compare against hyperfine -------------------------------------------------------------
const startupS = [];
for (let round = 0; round < ROUNDS * 2; round++) startupS.push(timed(cli, ['--version']).wallS);
// Node reads NODE_EXTRA_CA_CERTS's file and builds its whole root store before it runs any code
// (Node 20), so where it is set (this sandbox sets it; workstations mostly do not) every Node start
// pays for it, perfcell's included, and hyperfine does not. Measured here both ways.
const extraCaCerts = process.env.NODE_EXTRA_CA_CERTS ?? '';
const withoutCa = extraCaCerts === '' ? null : { NODE_EXTRA_CA_CERTS: undefined };
const nodeS = [];
const nodeWithoutCaS = [];
for (let round = 0; round < ROUNDS * 2; round++) {
  nodeS.push(timed('node', ['-e', '0']).wallS);
  if (withoutCa !== null) nodeWithoutCaS.push(timed('node', ['-e', '0'], withoutCa).wallS);
}
// What start-up work on the other vCPU costs Node's start on this host (BENCHMARKS.md "Pace notes",
// 2026-12-05 04:35): the 2x depends on it, as compare's start is such work throughout.
const overlap = await startOverlap(ROUNDS * 3).catch((error) => {
  log(`the start-up overlap was not measured: ${error.message}`);
  return null;
});

const hyperfine = (commands) => hyperfineRound(commands, { warmup: WARMUP, runs: RUNS, exportFile: join(dir, 'hyperfine.json') });
const perfcellCompare = (commands, perf, env = {}, asNode = false) => perfcellCompareRound(cli, commands, { warmup: WARMUP, runs: RUNS, perf, env, asNode });
const pairs = [
  { name: 'sleep-ms 7 vs sleep-ms 6', commands: [`${sleepMs} 7`, `${sleepMs} 6`] },
  { name: 'true vs true', commands: ['true', 'true'] },
];
const compareRows = [];
for (const pair of pairs) {
  const samples = { hyperfine: [], perf: [], perfWithoutCa: [], warmupsWait: [], unarmed: [], noPerf: [] };
  // the headline pair: the commands in the round's order (inOrder), the same for both tools
  const hyperfineOf = (round) => inOrder(hyperfine, pair.commands, round);
  const perfcellOf = (round) => inOrder((commands) => perfcellCompare(commands, true), pair.commands, round);
  for (let round = 0; round < ROUNDS; round++) {
    samples.hyperfine.push(hyperfineOf(round));
    samples.perf.push(perfcellOf(round));
    if (withoutCa !== null) samples.perfWithoutCa.push(perfcellCompare(pair.commands, true, {}, true));
    // served, but the warm-up runs wait for the perfs' start-up as counted runs do (as before 2026-12-01 23:50)
    samples.warmupsWait.push(perfcellCompare(pair.commands, true, { PERFCELL_WARMUP_UNCOUNTED: '0' }));
    // before the served runs: every run a gate and a perf of its own, armed while the previous run's results are read
    samples.unarmed.push(perfcellCompare(pair.commands, true, { PERFCELL_SERVED_RUNS: '0' }));
    samples.noPerf.push(perfcellCompare(pair.commands, false));
  }
  for (let round = ROUNDS; round < HEADLINE_ROUNDS; round++) {
    // which of the two goes first, reversed every other round (wall-ab.mjs's order)
    const turns = [() => samples.hyperfine.push(hyperfineOf(round)), () => samples.perf.push(perfcellOf(round))];
    for (const turn of turnOrder(turns, round)) turn();
  }
  const wall = (list) => median(list.map((sample) => sample.wallS));
  const runs = (list) => median(list.map((sample) => sample.runsS));
  const meanOf = (list, index) => median(list.map((sample) => sample.means[index]));
  compareRows.push({
    ...pair,
    hyperfineS: wall(samples.hyperfine),
    perfS: wall(samples.perf),
    perfRunsS: runs(samples.perf),
    perfWithoutCaS: withoutCa === null ? Number.NaN : wall(samples.perfWithoutCa),
    warmupsWaitS: wall(samples.warmupsWait),
    unarmedS: wall(samples.unarmed),
    unarmedRunsS: runs(samples.unarmed),
    noPerfS: wall(samples.noPerf),
    noPerfRunsS: runs(samples.noPerf),
    floorS: median(samples.perf.map((sample) => sample.noiseFloorS)),
    means: [0, 1].map((index) => ({ hyperfine: meanOf(samples.hyperfine, index), perfcell: meanOf(samples.perf, index), unarmed: meanOf(samples.unarmed, index) })),
    // round by round: each round's compare against the hyperfine run beside it, so the host's drift
    // over the rounds (5% within an hour here) shows as a spread rather than in one median
    paired: {
      wallRatios: samples.perf.map((sample, round) => sample.wallS / samples.hyperfine[round].wallS),
      meanRatios: [0, 1].map((index) => samples.perf.map((sample, round) => sample.means[index] / samples.hyperfine[round].means[index])),
      // each tool's own A against its own B in a round: the answer both tools should agree on
      ownAB: [samples.hyperfine, samples.perf].map((list) => list.map((sample) => sample.means[0] / sample.means[1])),
      // one program twice (`true` vs `true`): the command run first in a round against the other, each tool's order bias
      firstAgainstSecond: pair.commands[0] === pair.commands[1] ? [samples.hyperfine, samples.perf].map((list) => list.map((sample) => (sample.swapped ? sample.means[1] / sample.means[0] : sample.means[0] / sample.means[1]))) : null,
    },
  });
  log(`compare ${pair.name} done`);
}

// --- 1b. where a compare run's time goes (PERFCELL_TRACE_RUN=1 stage marks) -------------------
const traceVariants = [
  { name: 'a gate and perf per run, not armed ahead', env: { PERFCELL_SERVED_RUNS: '0', PERFCELL_PREARM_DEPTH: '0' } },
  { name: 'a gate and perf per run, armed when the previous program ends', env: { PERFCELL_SERVED_RUNS: '0' } },
  { name: 'served: one gate and one group of perfs (default)', env: {} },
];
const traces = traceVariants.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (const [index, variant] of traceVariants.entries()) traces[index].push(traceCompare(cli, pairs[0].commands, variant.env));
}
const traceRows = traceVariants.map((variant, index) => {
  const of = (pick) => median(traces[index].map(pick));
  return { name: variant.name, spans: SPANS.map((_, spanIndex) => of((trace) => trace.spans[spanIndex].ms)), runMs: of((trace) => trace.runMs), betweenMs: of((trace) => trace.betweenMs), endedToReportMs: of((trace) => trace.endedToReportMs) };
});
log('compare trace done');

// --- 2. cells -----------------------------------------------------------------------------------
const trivial = join(dir, 'trivial.js');
writeFileSync(trivial, Array.from({ length: 200 }, (_, index) => `// %% cell ${index}\nglobalThis.x${index % 7} = ${index} + 1;`).join('\n'));
// a file of the size most experiment files have: what the shared perf's start-up costs it
const ten = join(dir, 'ten.js');
writeFileSync(ten, Array.from({ length: 10 }, (_, index) => `// %% cell ${index}\nglobalThis.x${index % 7} = ${index} + 1;`).join('\n'));
const cellFiles = { trivial: { path: trivial, cells: 200 }, ten: { path: ten, cells: 10 } };
const busy = join(dir, 'busy.js');
// Fixed work, about 5 ms of it (a loop until a time would take 5 ms however slowed it was), in a
// function made by new Function with Math.sqrt taken once: written while a cell's global lookups
// went through a contextified global's interceptors (BENCHMARKS.md, Cell speed), kept so that the
// figures compare with earlier Pace runs.
const busyWork = '// %% warm-up\nglobalThis.work = new Function("n", "const sq = Math.sqrt; let s = 0; for (let k = 0; k < n; k++) s += sq(k); return s;"); for (let i = 0; i < 50; i++) work(100000);';
writeFileSync(busy, [busyWork, ...Array.from({ length: 40 }, (_, index) => `// %% busy ${index}\nglobalThis.sink = work(2000000);`)].join('\n'));
const cellVariants = [
  { name: '--no-perf', flags: ['--no-perf'], env: {} },
  { name: 'one perf per cell, not armed ahead', flags: ['-e', 'page-faults'], env: { PERFCELL_SHARED_PERF: '0', PERFCELL_PREARM_DEPTH: '0' } },
  { name: 'one perf per cell, armed 1 ahead', flags: ['-e', 'page-faults'], env: { PERFCELL_SHARED_PERF: '0', PERFCELL_PREARM_DEPTH: '1' } },
  { name: 'one shared perf (default)', flags: ['-e', 'page-faults'], env: {} },
  // stderr a terminal (util-linux `script`; stdout to /dev/null): the live view is on
  { name: '--no-perf, stderr a terminal', flags: ['--no-perf'], env: {}, terminal: true },
  { name: 'one perf and live relay per cell, stderr a terminal (PERFCELL_SHARED_PERF=0; the default before 2026-12-03)', flags: ['-e', 'page-faults'], env: { PERFCELL_SHARED_PERF: '0' }, terminal: true },
  { name: 'one shared perf, stderr a terminal (default: one relay follows it)', flags: ['-e', 'page-faults'], env: {}, terminal: true },
  { name: '10 cells: --no-perf', flags: ['--no-perf'], env: {}, file: 'ten' },
  { name: '10 cells: one shared perf (default)', flags: ['-e', 'page-faults'], env: {}, file: 'ten' },
];
/** A command line with stderr on a terminal (stdout to /dev/null): run by `script` on a pty of its own. */
function timedOnTerminal(words, env = {}) {
  const quoted = words.map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  return timed('script', ['-qfec', `${quoted} > /dev/null`, '/dev/null'], env);
}
// what perf's presence costs a measured cell: the median time of cells of fixed work (about 5 ms) under each
const busyVariants = [
  { name: '--no-perf', flags: ['--no-perf'], env: {} },
  { name: 'one perf per cell (-I 100)', flags: ['-e', 'page-faults'], env: { PERFCELL_SHARED_PERF: '0' } },
  { name: 'one shared perf (2 ms ticks)', flags: ['-e', 'page-faults'], env: {} },
];
const cellWall = cellVariants.map(() => []);
const busyMedians = busyVariants.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (const [index, variant] of cellVariants.entries()) {
    const argv = [...variant.flags, cellFiles[variant.file ?? 'trivial'].path];
    cellWall[index].push((variant.terminal === true ? timedOnTerminal(['node', cli, 'cells', ...argv], variant.env) : timed('node', [cli, 'cells', ...argv], variant.env)).wallS);
  }
  for (const [index, variant] of busyVariants.entries()) {
    const { stdout } = timed('node', [cli, 'cells', ...variant.flags, '--json', busy], variant.env);
    busyMedians[index].push(median(JSON.parse(stdout).cells.slice(1).map((cell) => cell.report.durationS)));
  }
}
const cellRows = cellVariants.map((variant, index) => ({ name: variant.name, terminal: variant.terminal === true, file: variant.file ?? 'trivial', noPerf: variant.flags.includes('--no-perf'), wallS: median(cellWall[index]) }));
/** What perf adds per cell: against --no-perf on the same file, on a pipe or on a terminal as the row is; null for --no-perf. */
const addedPerCellS = (row) => {
  if (row.noPerf) return null;
  const baseline = cellRows.find((other) => other.noPerf && other.terminal === row.terminal && other.file === row.file);
  return (row.wallS - baseline.wallS) / cellFiles[row.file].cells;
};
log('cells done');

// --- 3. run: end to report ------------------------------------------------------------------------
const latencies = [];
let latencyMisses = 0;
for (let run = 0; run < 10 * ROUNDS; run++) {
  const latency = await endToReportMs(cli, endStamp);
  if (latency === null) latencyMisses++;
  else latencies.push(latency);
}
latencies.sort((a, b) => a - b);
// `run -- true` whole, as the bin runs: on a pipe, and with stderr a terminal, where the live view
// is on (its perf: the one the early gate starts, writing to a file the relay reads) or --no-live
const runTrue = ['run', '-e', 'page-faults', '--', 'true'];
const runWallVariants = [
  { name: 'stderr a pipe', time: () => timed(cli, runTrue) },
  { name: 'stderr a terminal (the live view on)', time: () => timedOnTerminal([cli, ...runTrue]) },
  { name: 'stderr a terminal, --no-live', time: () => timedOnTerminal([cli, 'run', '--no-live', ...runTrue.slice(1)]) },
];
const runWalls = runWallVariants.map(() => []);
for (let round = 0; round < 5 * ROUNDS; round++) for (const [index, variant] of runWallVariants.entries()) runWalls[index].push(variant.time().wallS);
log('run latency done');

// --- 4. parser ---------------------------------------------------------------------------------
let parser = '';
let parserProblem = null;
try {
  parser = timed('node', ['scripts/bench-parser.mjs', '--runs', String(ROUNDS)]).stdout;
} catch (error) {
  parserProblem = String(error.message).split('\n')[0];
  log(`parser stage failed: ${parserProblem}`);
}
const parserRows = parser.split('\n').filter((line) => /^\| (csv|human|json) \|/.test(line)).map((line) => {
  const cells = line.split('|').map((cell) => cell.trim());
  const number = (text) => Number(text.replace(/,/g, ''));
  return { format: cells[1], push: number(cells[2]), pushCpu: number(cells[3]), cli: number(cells[5]) };
});
const oneLine = join(dir, 'one.csv');
writeFileSync(oneLine, '     1.000000000,1,,page-faults,1000,100.00,,\n');
const parseStartS = median(Array.from({ length: 5 }, () => timed(cli, ['parse', oneLine]).wallS));
log('parser done');

rmSync(dir, { recursive: true, force: true });

// --- the section ----------------------------------------------------------------------------------
const [load1, load5] = loadavg();
const startup = median(startupS);
const compareTable = [
  '| alternatives | hyperfine -N wall | perfcell compare wall | ratio of walls | as `node cli.cjs` (Node loads NODE_EXTRA_CA_CERTS): wall, ratio | its runs alone | ratio of runs to hyperfine | warm-ups wait for the perfs: wall | a gate and perf per run: wall | a gate and perf per run: runs | --no-perf wall | --no-perf runs | noise floor cost | mean A: hyperfine / perfcell | mean B: hyperfine / perfcell | mean A / B, a gate and perf per run |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...compareRows.map((row) =>
    `| ${row.name.replace(sleepMs, 'sleep-ms')} | ${ms(row.hyperfineS)} | ${ms(row.perfS)} | ${(row.perfS / row.hyperfineS).toFixed(2)}× | ${withoutCa === null ? '— (not set)' : `${ms(row.perfWithoutCaS)}, ${(row.perfWithoutCaS / row.hyperfineS).toFixed(2)}×`} | ${ms(row.perfRunsS)} | ${(row.perfRunsS / row.hyperfineS).toFixed(2)}× | ${ms(row.warmupsWaitS)} | ${ms(row.unarmedS)} | ${ms(row.unarmedRunsS)} | ${ms(row.noPerfS)} | ${ms(row.noPerfRunsS)} | ${ms(row.floorS)} | ${ms(row.means[0].hyperfine)} / ${ms(row.means[0].perfcell)} (${pct(row.means[0].perfcell / row.means[0].hyperfine - 1)}) | ${ms(row.means[1].hyperfine)} / ${ms(row.means[1].perfcell)} (${pct(row.means[1].perfcell / row.means[1].hyperfine - 1)}) | ${ms(row.means[0].unarmed)} / ${ms(row.means[1].unarmed)} |`),
];
const cellTable = [
  '| cells of a 200-cell file (unless the row says 10) | wall | added per cell vs --no-perf |',
  '|---|---:|---:|',
  ...cellRows.map((row) => `| ${row.name} | ${ms(row.wallS)} | ${addedPerCellS(row) === null ? '—' : ms(addedPerCellS(row))} |`),
];
/** The lower quartile, median and upper quartile of per-round figures ("2.05× / 2.17× / 2.31×"), each formatted by `format`. */
const spread = (values, format) => [0.25, 0.5, 0.75].map((q) => format(quantile(values, q))).join(' / ');
const pairedLines = compareRows.map((row) => {
  const { wallRatios, meanRatios, ownAB, firstAgainstSecond } = row.paired;
  const within2x = wallRatios.filter((ratio) => ratio <= 2).length;
  const within2pct = (ratios) => ratios.filter((ratio) => Math.abs(ratio - 1) <= 0.02).length;
  return `- ${row.name.replace(sleepMs, 'sleep-ms')}: the ratio of walls ${spread(wallRatios, (ratio) => `${ratio.toFixed(2)}×`)}, within 2× in ${within2x} of ${wallRatios.length} rounds; mean A, perfcell against hyperfine, ${spread(meanRatios[0], (ratio) => pct(ratio - 1))}, within 2% in ${within2pct(meanRatios[0])}; mean B ${spread(meanRatios[1], (ratio) => pct(ratio - 1))}, within 2% in ${within2pct(meanRatios[1])}; each tool's own mean A against its mean B, hyperfine ${spread(ownAB[0], (ratio) => pct(ratio - 1))}, perfcell ${spread(ownAB[1], (ratio) => pct(ratio - 1))}${firstAgainstSecond === null ? '' : `; the command run first against the one run second (one program: the order's bias), hyperfine ${spread(firstAgainstSecond[0], (ratio) => pct(ratio - 1))}, perfcell ${spread(firstAgainstSecond[1], (ratio) => pct(ratio - 1))}`}.`;
});
const parserTable = [
  '| format | `push()` lines/s | per CPU-second | `perfcell parse` lines/s | parse without its start-up | parse ÷ push() |',
  '|---|---:|---:|---:|---:|---:|',
  ...parserRows.map((row) => {
    const cliS = 1_000_000 / row.cli;
    const ownRate = 1_000_000 / Math.max(1e-9, cliS - parseStartS);
    return `| ${row.format} | ${row.push.toLocaleString('en-US')} | ${row.pushCpu.toLocaleString('en-US')} | ${row.cli.toLocaleString('en-US')} | ${Math.round(ownRate).toLocaleString('en-US')} | ${(ownRate / row.push).toFixed(2)} |`;
  }),
];
const traceTable = [
  `| stage (median ms per run, ${ROUNDS} compares of sleep-ms 7 vs 6 each) | ${traceRows.map((row) => row.name).join(' | ')} |`,
  `|---|${traceRows.map(() => '---:').join('|')}|`,
  ...SPANS.map(([from, to, what], index) => `| ${from} → ${to}: ${what} | ${traceRows.map((row) => (Number.isFinite(row.spans[index]) ? row.spans[index].toFixed(1) : '')).join(' | ')} |`),
  `| ended → report: the program's end → its report (served: the window's disable ack, and the last tick of the run before where it was not read while this program ran; its own is read while the next program runs, or once that has ended) | ${traceRows.map((row) => row.endedToReportMs.toFixed(1)).join(' | ')} |`,
  `| **run → report** (one run in compare, from its start to its report) | ${traceRows.map((row) => `**${row.runMs.toFixed(1)}**`).join(' | ')} |`,
  `| report → the next run's start (the interleaver, --prepare, and, not armed, the next gate and perf spawned) | ${traceRows.map((row) => row.betweenMs.toFixed(1)).join(' | ')} |`,
  `| **per run in all** | ${traceRows.map((row) => `**${(row.runMs + row.betweenMs).toFixed(1)}**`).join(' | ')} |`,
];
const section = `
Command: \`npm run build && node scripts/bench-pace.mjs\` (${ROUNDS} rounds, medians; hyperfine and the default compare ${HEADLINE_ROUNDS} rounds, taking turns; ${machineLine()}; load average ${load1.toFixed(1)} / ${load5.toFixed(1)} over 1 / 5 min at the end: the 2 vCPUs were shared with other work).

**compare vs hyperfine** (\`hyperfine -N -w ${WARMUP} -r ${RUNS}\` and \`perfcell compare --warmup ${WARMUP} --runs ${RUNS}\`, default events; perfcell also runs the noise floor, \`true\`, as many times). perfcell's wall includes Node's start-up and loading the CLI (\`${cli}\`, run as users run it, by its first line; \`perfcell --version\`: ${ms(startup)}; \`node -e 0\`: ${ms(median(nodeS))}${withoutCa === null ? '' : `, ${ms(median(nodeWithoutCaS))} with NODE_EXTRA_CA_CERTS unset`}); start-up work on the other vCPU is not free on this host: \`node -e 0\` pinned to one vCPU ${overlap === null ? 'was not timed this run (taskset or perf missing)' : `took ${overlap.aloneMs.toFixed(1)} ms alone, ${overlap.otherCpuMs.toFixed(1)} ms with two \`perf stat -- true\` started on the other vCPU at the same moment, ${overlap.sameCpuMs.toFixed(1)} ms with them on its own (scripts/lib/cpu-overlap.mjs, medians of ${ROUNDS * 3})`}, and compare's start is such work throughout (Node's, the lane's, the perfs', the warm-ups' execs); "its runs alone" is the document's \`cost.totalS\`, every run's wall time with its hand-overs to perf. The warm-up runs need no counters: they are sent to the program server as compare's code starts to load, and go on while perfcell loads and its perfs start (src/cli/early-warmups.ts); "warm-ups wait for the perfs" is compare as it was before either (\`PERFCELL_WARMUP_UNCOUNTED=0\` turns both off). Target: within 2× of hyperfine's wall, means within 2%. Both tools get the commands reversed every other round, alike, and a command's mean is its median over both orders: hyperfine runs its commands one after the other, and the first of one program given twice read 3-9% slower than the second here (scripts/lib/order-bias.mjs; the round-by-round lines below).${withoutCa === null ? '' : ` NODE_EXTRA_CA_CERTS is set in this environment (to ${extraCaCerts}): Node 20 loads that file and its whole root store at every start, before any of perfcell's code, ${ms(median(nodeS) - median(nodeWithoutCaS))} here. The bin's first line is a shell launcher (scripts/lib/bin-launcher.mjs) that starts compare of programs, run, parse and the other commands that run none of the user's code in perfcell's process without it, and hands it back to the programs they run; the column "as \`node cli.cjs\`" is the same compare started by node directly, which loads it.`}

${compareTable.join('\n')}

Round by round (each round's compare against the hyperfine run beside it, in the same order, ${HEADLINE_ROUNDS} rounds, every other one reversed; lower quartile / median / upper quartile, nearest rank):

${pairedLines.join('\n')}

**Where a compare run's time goes** (\`PERFCELL_TRACE_RUN=1\` stage marks, src/session/run-trace.ts; \`node scripts/lib/compare-trace.mjs -- CMD...\` prints one compare's). "A gate and perf per run" is compare before its served runs (\`PERFCELL_SERVED_RUNS=0\`): every run spawns a gate and a perf, "not armed ahead" when the run starts (\`PERFCELL_PREARM_DEPTH=0\`), else the moment the previous program has ended. "Served" (the default, src/session/program-server.ts): one long-lived gate clones each run's program from a forker that one group of long-lived perfs counts, each run an enable and a disable; "arm → gate-pid" is the clone, and a run's last tick is read while the next program runs (once perf has printed it), or once that program has ended. A blank cell: the stage has no mark in that design.

${traceTable.join('\n')}

**cells**: what perf adds per cell of a file of 200 one-line cells (target ≤ 3 ms), and of a file of 10; "a terminal": stderr a pty (util-linux script), where the live view is on.

${cellTable.join('\n')}

A cell of fixed work, about 5 ms (40 of them after a warm-up cell, median time per cell, median of the rounds): ${busyVariants.map((variant, index) => `${variant.name} ${ms(median(busyMedians[index]))}${index === 0 ? '' : ` (${pct(median(busyMedians[index]) / median(busyMedians[0]) - 1)})`}`).join(', ')}: what perf's presence costs the code it measures.

**run**: from the program's end (its last CLOCK_MONOTONIC reading) to the report on stderr, ${latencies.length} runs: median **${ms(median(latencies) / 1000)}**, best ${ms(latencies[0] / 1000)}, p90 ${ms(latencies[Math.floor(latencies.length * 0.9)] / 1000)} (target ≤ 5 ms median)${latencyMisses === 0 ? '' : `; ${latencyMisses} runs without a page-faults line left out`}. \`run -e page-faults -- true\` whole, ${runWalls[0].length} runs each, medians: ${runWallVariants.map((variant, index) => `${variant.name} ${ms(median(runWalls[index]))}`).join(', ')} (a terminal through util-linux \`script\`, whose own start is in these two).

**parser** (scripts/bench-parser.mjs, 1,000,000 lines per format, median of ${ROUNDS}; \`perfcell parse\` start-up on a one-line file: ${ms(parseStartS)}). Target: push() ≥ 1M lines/s per format on a quiet machine, parse ≥ 70% of push().

${parserProblem === null ? parserTable.join('\n') : `not measured this run: ${parserProblem}`}
`;
console.log(section);
if (!args.includes('--no-write')) {
  writeSection('Pace', section);
  log('wrote the Pace section of BENCHMARKS.md');
}
