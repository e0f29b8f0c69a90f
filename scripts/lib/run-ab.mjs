// Two builds of perfcell, taking turns: `run`'s hand-over (the program's end → its report, as the
// Pace section measures it) and what perf adds per cell of a file of 200 one-line cells. For a
// change too small for one bench-pace round, where only builds run in the same minutes compare.
//
//   git worktree add /tmp/A REV && ln -s "$PWD/node_modules" /tmp/A/ && (cd /tmp/A && npm run build)
//   npm run build && node scripts/lib/run-ab.mjs /tmp/A/dist/app/cli.cjs dist/app/cli.cjs [pairs=20]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { abEnvironments, turnOrder } from './ab-variants.mjs';
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
// each build its own environment and code-cache folder (ab-variants.mjs)
const builds = [
  { name: 'A', cmd: [A], latency: [], perf: [], noPerf: [] },
  { name: 'B', cmd: [B], latency: [], perf: [], noPerf: [] },
];
const environments = abEnvironments(builds);
const wallMs = (build, flags) => {
  const startNs = process.hrtime.bigint();
  const result = spawnSync('node', [build.cmd[0], 'cells', ...flags, cells], { encoding: 'utf8', env: environments.envOf(build) });
  if (result.status !== 0) throw new Error(result.stderr);
  return Number(process.hrtime.bigint() - startNs) / 1e6;
};
try {
  for (let pair = 0; pair < pairs; pair++) {
    for (const build of turnOrder(builds, pair)) {
      const ms = await endToReportMs(build.cmd[0], endStamp, environments.envOf(build));
      if (ms !== null) build.latency.push(ms);
      if (pair < Math.ceil(pairs / 3)) {
        build.perf.push(wallMs(build, ['-e', 'page-faults']));
        build.noPerf.push(wallMs(build, ['--no-perf']));
      }
    }
  }
} finally {
  environments.remove();
  rmSync(dir, { recursive: true, force: true });
}
for (const build of builds) {
  const perCellMs = (median(build.perf) - median(build.noPerf)) / 200;
  console.log(`${build.name} (${build.cmd[0]}): run end → report median ${median(build.latency).toFixed(2)} ms (${build.latency.length} runs); cells: perf adds ${perCellMs.toFixed(2)} ms per cell (${build.perf.length} files each way)`);
}
