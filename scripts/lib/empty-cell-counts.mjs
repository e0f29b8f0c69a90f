// What perf counts in a cell that does nothing: perfcell's own work inside the window (perf counts
// all of perfcell's process). Runs a file of 60 `void 0;` cells with -e task-clock,page-faults and
// prints the p10 / median / p90 of each over cells 6-60 (the first ones wait for the perfs).
//
//   npm run build && node scripts/lib/empty-cell-counts.mjs [BIN]     (BIN: dist/app/cli.cjs)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantile } from './benchmarks-md.mjs';

const bin = process.argv[2] ?? 'dist/app/cli.cjs';
const dir = mkdtempSync(join(tmpdir(), 'perfcell-empty-cells-'));
const file = join(dir, 'empty.js');
writeFileSync(file, Array.from({ length: 60 }, (_, index) => `// %% c${index}\nvoid 0;\n`).join(''));
try {
  const result = spawnSync('node', [bin, 'cells', '--json', '-e', 'task-clock,page-faults', file], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, NODE_EXTRA_CA_CERTS: '' } });
  if (result.status !== 0) throw new Error(`cells failed (${result.status}): ${result.stderr.slice(-400)}`);
  const cells = JSON.parse(result.stdout).cells.slice(5);
  for (const name of ['task-clock', 'page-faults']) {
    const values = cells.map((cell) => cell.report.counters.events.find((event) => event.event === name)?.total ?? Number.NaN);
    console.log(`${name.padEnd(12)} p10 ${quantile(values, 0.1)}  median ${quantile(values, 0.5)}  p90 ${quantile(values, 0.9)}  (${cells.length} cells)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
