// Two builds of perfcell, taking turns, on one compare (sleep-ms 7 vs 6, NODE_EXTRA_CA_CERTS unset):
// medians of the wall, the first warm-up's release, the first counted run's release and the last
// report (ms since perfcell started, PERFCELL_TRACE_RUN marks), the counted runs' hand-over (a
// program's end to the next one's release, their mean in each compare), and each alternative's mean.
// For a change to compare's start or hand-overs that is too small for one bench-pace round.
//
//   cp -r dist /tmp/A/ && cp package.json /tmp/A/     (the build before the change)
//   npm run build && node scripts/lib/compare-ab.mjs /tmp/A/dist/app/cli.cjs dist/app/cli.cjs [warmup=2] [pairs=20]
//
// COMPARE_AB_C_ENV='{"PERFCELL_HOLD_PERF":"0"}' adds a third turn, C: build B in that environment
// as well (a switch of the new build against its own default and the old build, in one loop).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mean } from 'simple-statistics';
import { abEnvironments, turnOrder } from './ab-variants.mjs';
import { median } from './benchmarks-md.mjs';

const [a, b, warmup = '2', pairs = '20'] = process.argv.slice(2);
if (a === undefined || b === undefined) {
  process.stderr.write('usage: node scripts/lib/compare-ab.mjs BIN_A BIN_B [warmup=2] [pairs=20]\n');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'perfcell-ab-'));
const sleepMs = join(dir, 'sleep-ms');
execFileSync('cc', ['-O2', '-o', sleepMs, 'test/fixtures/sleep-ms.c']);
// each build its own environment (NODE_EXTRA_CA_CERTS unset) and code-cache folder: ab-variants.mjs
const builds = [
  { name: 'A', cmd: [a], env: { PERFCELL_TRACE_RUN: '1' } },
  { name: 'B', cmd: [b], env: { PERFCELL_TRACE_RUN: '1' } },
  ...(process.env['COMPARE_AB_C_ENV'] === undefined ? [] : [{ name: 'C', cmd: [b], env: { PERFCELL_TRACE_RUN: '1', ...JSON.parse(process.env['COMPARE_AB_C_ENV']) } }]),
];
const environments = abEnvironments(builds);
const firstCounted = Number(warmup) * 3 + 1;
const results = Object.fromEntries(builds.map((build) => [build.name, []]));
try {
  for (let pair = 0; pair < Number(pairs); pair++) {
    for (const build of turnOrder(builds, pair)) {
      const startMs = performance.now();
      const run = spawnSync('node', [build.cmd[0], 'compare', '--warmup', warmup, '--runs', '10', '--json', '--', `${sleepMs} 7`, `${sleepMs} 6`], { encoding: 'utf8', env: environments.envOf(build) });
      const wallMs = performance.now() - startMs;
      if (run.status !== 0) throw new Error(`${build.name} failed (${run.status}): ${run.stderr.slice(-400)}`);
      const marks = [...run.stderr.matchAll(/^trace-run (\d+) (\S+) ([\d.]+)$/gm)].map((match) => ({ run: Number(match[1]), stage: match[2], ms: Number(match[3]) }));
      const at = (runNumber, stage) => marks.find((mark) => mark.run === runNumber && mark.stage === stage)?.ms ?? Number.NaN;
      const document = JSON.parse(run.stdout);
      results[build.name].push({
        wallMs,
        firstGoMs: at(1, 'go'),
        countedGoMs: at(firstCounted, 'go'),
        lastReportMs: Math.max(...marks.filter((mark) => mark.stage === 'report').map((mark) => mark.ms)),
        handOverMs: handOverMs(at, firstCounted, Math.max(...marks.map((mark) => mark.run))),
        meansMs: document.alternatives.map((alternative) => 1000 * mean(alternative.runs.map((r) => r.durationS))),
      });
    }
  }
} finally {
  environments.remove();
  rmSync(dir, { recursive: true, force: true });
}
/** The mean, over the counted runs after the first, of the time from the run before's end to the run's release. */
function handOverMs(at, firstCounted, lastRun) {
  const gaps = [];
  for (let run = firstCounted + 1; run <= lastRun; run++) gaps.push(at(run, 'go') - at(run - 1, 'ended'));
  return mean(gaps);
}
const ms = (values) => median(values).toFixed(1);
for (const which of builds.map((build) => build.name)) {
  const rows = results[which];
  console.log(
    `${which} (${which === 'A' ? a : b}${which === 'C' ? ` with ${process.env['COMPARE_AB_C_ENV']}` : ''}): wall ${ms(rows.map((row) => row.wallMs))} ms, first go ${ms(rows.map((row) => row.firstGoMs))}, first counted go ${ms(rows.map((row) => row.countedGoMs))}, last report ${ms(rows.map((row) => row.lastReportMs))}, hand-over ${median(rows.map((row) => row.handOverMs)).toFixed(2)}, means ${ms(rows.map((row) => row.meansMs[0]))} / ${ms(rows.map((row) => row.meansMs[1]))} ms (medians of ${rows.length})`,
  );
}
