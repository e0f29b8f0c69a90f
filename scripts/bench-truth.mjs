// perfcell against independent ground truth on the same commands: hyperfine (time, user/system
// CPU), GNU time -v (wall, user/system, max RSS of the largest process, page faults) and perf stat
// (page-faults, task-clock, wall). One run of each tool per command in turn, for BENCH_ROUNDS rounds
// (default 3); each figure is the median of its rounds; ratios perfcell/tool.
// Run after `npm run build`:
//   node scripts/bench-truth.mjs            (writes the "Truth" section of BENCHMARKS.md)
//   BENCH_NO_WRITE=1 node scripts/bench-truth.mjs
// Needs hyperfine (apt-get install hyperfine), GNU time (apt-get install time) and perf; a tool
// that is missing is named in the section and its column left empty.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { machineLine, median, writeSection } from './lib/benchmarks-md.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const MIB = 1024 * 1024;
const MAIN = 'dist/app/cli.cjs';
const fixtures = join(tmpdir(), `perfcell-fixtures-${process.getuid?.() ?? 0}`);

function fixture(name) {
  const source = join('test', 'fixtures', `${name}.c`);
  const binary = join(fixtures, name);
  if (!existsSync(binary) || statSync(binary).mtimeMs < statSync(source).mtimeMs) {
    mkdirSync(fixtures, { recursive: true });
    execFileSync('cc', ['-O2', '-o', binary, source]);
  }
  return binary;
}

const has = (tool, args = ['--version']) => spawnSync(tool, args, { stdio: 'ignore' }).status === 0;
const tools = { hyperfine: has('hyperfine'), time: existsSync('/usr/bin/time'), perf: has('perf') };

const commands = [
  { name: 'true', argv: ['true'] },
  { name: 'sleep 50 ms', argv: [fixture('sleep-ms'), '50'] },
  { name: 'spin 0.3 s of CPU', argv: [fixture('spin'), '0.3', 'cpu'] },
  { name: 'touch 100 MiB (25,600 pages)', argv: [fixture('touch-pages'), '25600'] },
  { name: '4 children × 50 MiB at once', argv: ['sh', 'test/fixtures/four-children.sh', fixture('peak-then-idle')] },
];

function perfcell(argv) {
  const result = spawnSync(process.execPath, [MAIN, 'run', '--json', '-e', 'page-faults', '--', ...argv], { encoding: 'utf8', maxBuffer: 64 * MIB });
  const report = JSON.parse(result.stdout);
  const faults = report.counters.events.find((event) => event.event.startsWith('page-faults'))?.total ?? null;
  return {
    wallS: report.durationS,
    cpuS: report.cpu.userS + report.cpu.systemS,
    peakMiB: report.memory.peakRssBytes / MIB,
    largestMiB: (report.memory.largestProcessPeakBytes ?? report.memory.peakRssBytes) / MIB,
    method: report.memory.peakMethod,
    faults,
  };
}

function hyperfine(argv) {
  if (!tools.hyperfine) return null;
  const dir = mkdtempSync(join(tmpdir(), 'bench-truth-'));
  try {
    const file = join(dir, 'h.json');
    // -N: no shell, so its start-up is not in the time; one run, no warm-up (as perfcell's one run).
    const quoted = argv.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(' ');
    execFileSync('hyperfine', ['-N', '--runs', '1', '--style', 'none', '--export-json', file, quoted], { stdio: 'ignore' });
    const result = JSON.parse(readFileSync(file, 'utf8')).results[0];
    return { wallS: result.mean, cpuS: result.user + result.system };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function gnuTime(argv) {
  if (!tools.time) return null;
  const result = spawnSync('/usr/bin/time', ['-v', ...argv], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const field = (label) => new RegExp(`${label}: (.*)`).exec(result.stderr)?.[1]?.trim();
  const wall = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)') ?? '0:0';
  const wallS = wall.split(':').reduce((total, part) => total * 60 + Number(part), 0);
  return {
    wallS,
    cpuS: Number(field('User time \\(seconds\\)')) + Number(field('System time \\(seconds\\)')),
    largestMiB: Number(field('Maximum resident set size \\(kbytes\\)')) / 1024,
    faults: Number(field('Minor \\(reclaiming a frame\\) page faults')) + Number(field('Major \\(requiring I/O\\) page faults')),
  };
}

function perfStat(argv) {
  if (!tools.perf) return null;
  const result = spawnSync('perf', ['stat', '-e', 'page-faults,task-clock', '--', ...argv], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  const number = (pattern) => Number(pattern.exec(result.stderr)?.[1]?.replaceAll(',', '') ?? NaN);
  return {
    wallS: number(/([\d.]+) seconds time elapsed/),
    cpuS: number(/([\d.,]+) msec task-clock/) / 1000,
    faults: number(/([\d,]+)\s+page-faults/),
  };
}

const ratio = (value, reference) => (value == null || reference == null || !Number.isFinite(reference) || reference === 0 ? '–' : `${(value / reference).toFixed(3)}`);
const ms = (seconds) => (seconds == null || !Number.isFinite(seconds) ? '–' : (seconds * 1000).toFixed(1));
const mib = (value) => (value == null || !Number.isFinite(value) ? '–' : value.toFixed(1));
const count = (value) => (value == null || !Number.isFinite(value) ? '–' : String(Math.round(value)));

/** Per field, the median over the rounds of the values that were read (null when none was). */
function medianOf(results) {
  const read = results.filter((result) => result !== null);
  if (read.length === 0) return null;
  const out = {};
  for (const key of Object.keys(read[0])) {
    const values = read.map((result) => result[key]).filter((value) => typeof value === 'number' && Number.isFinite(value) && value > 0);
    out[key] = typeof read[0][key] === 'string' ? read[0][key] : values.length === 0 ? null : median(values);
  }
  return out;
}

const runs = commands.map(() => ({ p: [], h: [], t: [], s: [] }));
for (let round = 0; round < ROUNDS; round += 1) {
  for (const [index, command] of commands.entries()) {
    // Taking turns, one run each: whatever else loads the machine meets every tool alike.
    runs[index].p.push(perfcell(command.argv));
    runs[index].h.push(hyperfine(command.argv));
    runs[index].t.push(gnuTime(command.argv));
    runs[index].s.push(perfStat(command.argv));
  }
}
const rows = commands.map((command, index) => {
  const row = { command, p: medianOf(runs[index].p), h: medianOf(runs[index].h), t: medianOf(runs[index].t), s: medianOf(runs[index].s) };
  console.error(`${command.name}: perfcell ${ms(row.p.wallS)} ms, hyperfine ${ms(row.h?.wallS)} ms, time ${ms(row.t?.wallS)} ms, perf stat ${ms(row.s?.wallS)} ms`);
  return row;
});

const timeTable = [
  '| command | perfcell ms | hyperfine ms | ratio | perf stat ms | ratio | time -v ms |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...rows.map(({ command, p, h, s, t }) => `| ${command.name} | ${ms(p.wallS)} | ${ms(h?.wallS)} | ${ratio(p.wallS, h?.wallS)} | ${ms(s?.wallS)} | ${ratio(p.wallS, s?.wallS)} | ${ms(t?.wallS)} |`),
];
const cpuTable = [
  '| command | perfcell user+sys ms | hyperfine ms | ratio | perf stat task-clock ms | ratio | time -v ms | ratio |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(({ command, p, h, s, t }) => `| ${command.name} | ${ms(p.cpuS)} | ${ms(h?.cpuS)} | ${ratio(p.cpuS, h?.cpuS)} | ${ms(s?.cpuS)} | ${ratio(p.cpuS, s?.cpuS)} | ${ms(t?.cpuS)} | ${ratio(p.cpuS, t?.cpuS)} |`),
];
const memoryTable = [
  '| command | perfcell peak MiB (method) | perfcell largest process MiB | time -v max RSS MiB | ratio (largest) | perfcell page-faults | perf stat | ratio | time -v | ratio |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(({ command, p, s, t }) =>
    `| ${command.name} | ${mib(p.peakMiB)} (${p.method}) | ${mib(p.largestMiB)} | ${mib(t?.largestMiB)} | ${ratio(p.largestMiB, t?.largestMiB)} | ${count(p.faults)} | ${count(s?.faults)} | ${ratio(p.faults, s?.faults)} | ${count(t?.faults)} | ${ratio(p.faults, t?.faults)} |`),
];
const missing = Object.entries(tools).filter(([, ok]) => !ok).map(([tool]) => tool);
const load = loadavg().map((value) => value.toFixed(2)).join(' / ');

const body = `Command: \`npm run build && node scripts/bench-truth.mjs\` (one run of each tool per command, in turn, ${ROUNDS} rounds; each figure the median of its rounds; ${machineLine()}; load average ${load} over 1 / 5 / 15 min at the end: the machine was shared).
${missing.length > 0 ? `\nNot installed here, so their columns are empty: ${missing.join(', ')} (apt-get install hyperfine time linux-perf).\n` : ''}
Each tool runs the same program without a shell (hyperfine -N; GNU \`time -v\`; \`perf stat -e page-faults,task-clock\`;
\`perfcell run --json -e page-faults\`). Ratios are perfcell / the other tool; with ${ROUNDS} runs each, figures still carry
the noise of a shared 2-vCPU VM (see the load average); the method perfcell used for the peak is named beside it. GNU time prints wall and
CPU times in 10 ms steps, so its short figures read 0 (no ratio).

Wall time (perfcell: from the gate's release at exec to the moment it sees the end (waitid); hyperfine: its own spawn-to-exit; perf stat and time: their whole run):

${timeTable.join('\n')}

The command's own CPU (user + system seconds; perf stat's task-clock):

${cpuTable.join('\n')}

Memory and page-faults (perfcell's peak is the process tree's where it made a memory cgroup, which also charges page cache
and kernel memory the tree caused; time -v's max RSS is ru_maxrss, the largest single process, as perfcell's "largest process"):

${memoryTable.join('\n')}
`;

console.log(body);
if (process.env.BENCH_NO_WRITE !== '1') writeSection('Truth: perfcell against hyperfine, time -v and perf stat', body);
