// Two builds of perfcell, taking turns: `run`'s hand-over (the program's end → its report, as the
// Pace section measures it) and what perf adds per cell of a file of 200 one-line cells. For a
// change too small for one bench-pace round, where only builds run in the same minutes compare.
//
//   git worktree add /tmp/A REV && ln -s "$PWD/node_modules" /tmp/A/ && (cd /tmp/A && npm run build)
//   npm run build && node scripts/lib/run-ab.mjs /tmp/A/dist/app/cli.cjs dist/app/cli.cjs [pairs=20]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './benchmarks-md.mjs';
import { endToReportMs } from './end-to-report.mjs';

const [A, B, pairsText = '20'] = process.argv.slice(2);
if (A === undefined || B === undefined) throw new Error('usage: node scripts/lib/run-ab.mjs CLI_A CLI_B [pairs]');
const pairs = Number(pairsText);
const dir = mkdtempSync(join(tmpdir(), 'perfcell-ab-'));
const endStamp = join(dir, 'end-stamp');
execFileSync('cc', ['-O2', '-o', endStamp, 'test/fixtures/end-stamp.c']);
const cells = join(dir, 'cells.js');
writeFileSync(cells, Array.from({ length: 200 }, (_, index) => `// %% cell ${index}\nglobalThis.x${index % 7} = ${index} + 1;`).join('\n'));
// Each build its own code-cache folder: a lane writing its cache deletes other builds' (lane-loader.ts),
// so builds taking turns in one folder would each compile anew every run.
const cacheHomes = { [A]: join(dir, 'cache-A'), [B]: join(dir, 'cache-B') };
const useCacheOf = (cli) => {
  process.env.XDG_CACHE_HOME = cacheHomes[cli];
};
const wallMs = (cli, flags) => {
  useCacheOf(cli);
  const startNs = process.hrtime.bigint();
  const result = spawnSync('node', [cli, 'cells', ...flags, cells], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return Number(process.hrtime.bigint() - startNs) / 1e6;
};
const builds = { A: { cli: A, latency: [], perf: [], noPerf: [] }, B: { cli: B, latency: [], perf: [], noPerf: [] } };
for (let pair = 0; pair < pairs; pair++) {
  for (const build of pair % 2 === 0 ? [builds.A, builds.B] : [builds.B, builds.A]) {
    useCacheOf(build.cli);
    const ms = await endToReportMs(build.cli, endStamp);
    if (ms !== null) build.latency.push(ms);
    if (pair < Math.ceil(pairs / 3)) {
      build.perf.push(wallMs(build.cli, ['-e', 'page-faults']));
      build.noPerf.push(wallMs(build.cli, ['--no-perf']));
    }
  }
}
for (const [name, build] of Object.entries(builds)) {
  const perCellMs = (median(build.perf) - median(build.noPerf)) / 200;
  console.log(`${name} (${build.cli}): run end → report median ${median(build.latency).toFixed(2)} ms (${build.latency.length} runs); cells: perf adds ${perCellMs.toFixed(2)} ms per cell (${build.perf.length} files each way)`);
}
