// Start-up (issue 13): perfcell's commands against `node -e 0` and `perf stat -- true`, with
// hyperfine (-N: no shell), writing the "Start-up" section of BENCHMARKS.md.
// Target: `perfcell run -- true` at most 40 ms over node -e 0 + perf stat -- true; --help,
// --version and parse as fast. On a loaded machine hyperfine's back-to-back runs of one command
// see the load of their moment: ROUNDS rounds each run every command, and medians pool the rounds.
// Usage: npm run build && node scripts/bench-startup.mjs [runs-per-round=10] [rounds=3]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, median, writeSection } from './lib/benchmarks-md.mjs';

const RUNS = Number(process.argv[2] ?? 10);
const ROUNDS = Number(process.argv[3] ?? 3);
const cli = 'dist/app/cli.cjs';
// the bin as users run it: by its first line, a shell launcher (scripts/lib/bin-launcher.mjs)
const bin = join(process.cwd(), cli);
const small = 'samples/perf/local-perf61-vm-pid-interval-comma.csv.txt';
const node = process.execPath;
const dir = mkdtempSync(join(tmpdir(), 'perfcell-startup-'));
// perfcell's cache folder (the lanes' code caches) of this run's own, as in bench-pace.mjs: filled
// by the warm-up runs, not left by whatever ran first after the build
process.env.XDG_CACHE_HOME = join(dir, 'cache');
const oneCell = join(dir, 'one-cell.js');
writeFileSync(oneCell, '// %% one\nglobalThis.x = 1;\n');
const extraCaCerts = process.env.NODE_EXTRA_CA_CERTS ?? '';
const commands = [
  { name: 'node -e 0', command: `${node} -e 0` },
  { name: 'perf stat -- true', command: 'perf stat -- true' },
  { name: 'perfcell --version', command: `${bin} --version` },
  { name: 'perfcell --help', command: `${bin} --help` },
  { name: 'perfcell run -- true', command: `${bin} run -- true` },
  { name: `perfcell parse (${Math.round(readFileSync(small).length / 1024)} KiB CSV)`, command: `${bin} parse ${small}` },
  { name: 'perfcell run -- true, per-file dist/src of the same sources (no bundle, no lane, no early gate: what they save)', command: `${node} dist/src/cli/bin.js run -- true` },
  { name: 'perfcell run --no-perf -- true', command: `${bin} run --no-perf -- true` },
  { name: 'perfcell run -- true started as node cli.cjs (no launcher: Node loads NODE_EXTRA_CA_CERTS where it is set)', command: `${node} ${cli} run -- true` },
  { name: 'perfcell run -- true without its code cache (env PERFCELL_NO_CODE_CACHE=1)', command: `env PERFCELL_NO_CODE_CACHE=1 ${bin} run -- true` },
  { name: 'perfcell cells (a one-cell file)', command: `${bin} cells ${oneCell}` },
  { name: 'perfcell cells --no-perf (a one-cell file)', command: `${bin} cells --no-perf ${oneCell}` },
  // Node 20 loads NODE_EXTRA_CA_CERTS's file (and its whole root store) at every start, before any code
  { name: 'node -e 0 with NODE_EXTRA_CA_CERTS unset', command: `env -u NODE_EXTRA_CA_CERTS ${node} -e 0` },
];

const times = new Map(commands.map(({ name }) => [name, []]));
const cpu = new Map(commands.map(({ name }) => [name, []]));
const failures = new Map(commands.map(({ name }) => [name, 0]));
const loadBefore = loadavg()[0];
try {
  for (let round = 0; round < ROUNDS; round += 1) {
    const file = join(dir, `round-${round}.json`);
    execFileSync('hyperfine', ['-N', '--ignore-failure', '--warmup', '3', '--runs', String(RUNS), '--export-json', file, ...commands.map(({ command }) => command)], { stdio: ['ignore', 'ignore', 'inherit'] });
    const results = JSON.parse(readFileSync(file, 'utf8')).results;
    results.forEach((result, index) => {
      const { name } = commands[index];
      times.get(name).push(...result.times);
      cpu.get(name).push(result.user + result.system);
      failures.set(name, failures.get(name) + (result.exit_codes ?? []).filter((code) => code !== 0).length);
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const loadAfter = loadavg()[0];

const ms = (seconds) => `${(seconds * 1000).toFixed(1)} ms`;
const medianOf = (name) => median(times.get(name));
const cpuOf = (name) => median(cpu.get(name));
const nodeS = medianOf('node -e 0');
const perfS = medianOf('perf stat -- true');
const runS = medianOf('perfcell run -- true');
// The launcher starts --version, --help, run and parse without NODE_EXTRA_CA_CERTS (cells keeps it):
// their node to take off is node without it.
const withoutCaName = 'node -e 0 with NODE_EXTRA_CA_CERTS unset';
const nodeBaseS = extraCaCerts === '' ? nodeS : medianOf(withoutCaName);
const nodeBaseCpuS = extraCaCerts === '' ? cpuOf('node -e 0') : cpuOf(withoutCaName);
const budget = nodeBaseS + perfS + 0.040;
const rows = commands.map(({ name }) => `| ${name} | ${ms(medianOf(name))} | ${(medianOf(name) / nodeS).toFixed(2)}× | ${ms(median(cpu.get(name)))} | ${failures.get(name)} |`);
const over = runS - nodeBaseS - perfS;
const body = `
Command: \`npm run build && node scripts/bench-startup.mjs ${RUNS} ${ROUNDS}\` (hyperfine -N, ${ROUNDS} rounds × ${RUNS} runs of every command, 3 warm-ups each; ${machineLine()}; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after).

| command | median wall | × node -e 0 | user+sys (median of the rounds' means) | failed runs |
|---|---:|---:|---:|---:|
${rows.join('\n')}

\`perfcell run -- true\` − (\`node -e 0\` + \`perf stat -- true\`) = **${ms(over)}** (target ≤ 40 ms: ${over <= 0.040 ? 'met' : 'not met'}; budget ${ms(budget)}).
\`perfcell --version\` − \`node -e 0\` = ${ms(medianOf('perfcell --version') - nodeBaseS)}; \`--help\` − node = ${ms(medianOf('perfcell --help') - nodeBaseS)}; \`cells\` of a one-cell file − node = ${ms(medianOf('perfcell cells (a one-cell file)') - nodeS)} (\`--no-perf\`: ${ms(medianOf('perfcell cells --no-perf (a one-cell file)') - nodeS)}; cells runs from a lane of its own since 2026-12-02, and its shared perfs are no more than its cells).
${extraCaCerts === '' ? 'NODE_EXTRA_CA_CERTS is not set here.' : `NODE_EXTRA_CA_CERTS is set in this environment (${extraCaCerts}): Node loads it at every start, before any of perfcell's code, ${ms(nodeS - nodeBaseS)} here (\`node -e 0\` with it unset: ${ms(nodeBaseS)}). The bin's first line, a shell launcher (scripts/lib/bin-launcher.mjs), starts \`--version\`, \`--help\`, \`run\`, \`parse\` (and compare of programs, attach, doctor, events) without it and hands it back to the programs they run; \`cells\` runs the user's code in its own process and keeps it. So the differences for the launched commands take off \`node -e 0\` with it unset, and those for \`cells\` \`node -e 0\` as it is; the row "started as node cli.cjs" is \`run\` without the launcher.`}
In CPU time (user+sys, steadier than wall time on a loaded machine): \`run -- true\` − (node + perf stat) = ${ms(cpuOf('perfcell run -- true') - nodeBaseCpuS - cpuOf('perf stat -- true'))}; \`--version\` − node = ${ms(cpuOf('perfcell --version') - nodeBaseCpuS)}; \`parse\` − node = ${ms(cpuOf(commands[5].name) - nodeBaseCpuS)}; the per-file build's \`run\` − the bundle's, both started by node = ${ms(cpuOf(commands[6].name) - cpuOf(commands[8].name))}; \`run -- true\` − \`run --no-perf -- true\` = ${ms(medianOf('perfcell run -- true') - medianOf('perfcell run --no-perf -- true'))} of wall.

What \`run\` loads: \`cli.cjs\` (the bin: one small CommonJS file that imports nothing, src/cli/bin.ts), then its lane (\`lane-run.cjs\`, built apart:
one CommonJS file with commander and run's code, none of execa, the HTML renderer, compare,
cells, REPL or kernel code, compiled with a V8 code cache made by the first run after a build:
src/cli/lane-loader.ts); \`--version\` reads package.json and loads nothing else. The lane's
first act spawns the exec gate, which forks a perf launcher and the held child at once; the child
is moved into the run's memory cgroup while the rest loads (on cgroup v1 the move waits out an RCU
grace period, 10-20 ms here, and holds the kernel's fork lock meanwhile); the launcher execs perf
at once, held at its main() (native/perfcell-perf-hold.c) while its libraries load; told the
command, the child readies it and perf gets its argv, so Node forks nothing on the way. What is
left over node + perf stat: loading the lane and parsing the options, perf's main() and enable ack
before the release (perf stat counts from exec and has no hand-over), perf's last interval after the
program's end, the report, and Node's exit. Before issue 13 the issue measured 270 ms for
\`run -- true\` against 68 ms for \`node -e 0\` and 13 ms for perf stat on a quieter machine; the
previous version of this section (same machine, load 2.2) had 159 ms, +83 ms.
`;
writeSection('Start-up', body);
console.log(body);
