// How `perfcell parse`'s wall time grows with the file: CSV files of 0.5, 1, 1.5 and 2 million
// lines (scripts/lib/perf-stat-lines.mjs), each parsed in turn per round; the medians' straight
// line gives parse's rate once it runs (its slope) and what a file costs before that (its
// intercept, less the start-up on a one-line file). push() is bench-parser.mjs's own measurement
// (in a fresh node, after one untimed pass). Prints a summary; BENCHMARKS.md's Pace notes quote it.
//
//   npm run build && node scripts/lib/parse-scaling.mjs [--runs 5]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './benchmarks-md.mjs';
import { measureApart } from './measure-apart.mjs';
import { generate } from './perf-stat-lines.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist/app/cli.cjs');
const at = process.argv.indexOf('--runs');
const runs = at === -1 ? 5 : Number(process.argv[at + 1]);
const SIZES = [500_000, 1_000_000, 1_500_000, 2_000_000];

/** `perfcell parse FILE > /dev/null` as bench-parser.mjs runs it: wall seconds. */
function parseS(path) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [cli, 'parse', path], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  if (result.status !== 0) throw new Error(`perfcell parse failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function pushS(path) {
  return measureApart(root, 'push', path).seconds;
}

const dir = mkdtempSync(join(tmpdir(), 'perfcell-scaling-'));
try {
  const oneLine = join(dir, 'one.csv');
  writeFileSync(oneLine, '     1.000000000,1,,page-faults,1000,100.00,,\n');
  const all = generate('csv', SIZES.at(-1));
  const paths = SIZES.map((size) => {
    const path = join(dir, `${size}.csv`);
    writeFileSync(path, all.slice(0, size).join('\n') + '\n');
    return path;
  });
  const walls = SIZES.map(() => []);
  const starts = [];
  const pushes = [];
  for (let round = 0; round < runs; round++) {
    starts.push(parseS(oneLine));
    paths.forEach((path, index) => walls[index].push(parseS(path)));
    pushes.push(pushS(paths[1]));
  }
  const startS = median(starts);
  const points = walls.map((values, index) => ({ lines: SIZES[index], s: median(values) }));
  // least squares through the medians
  const meanX = points.reduce((sum, point) => sum + point.lines, 0) / points.length;
  const meanY = points.reduce((sum, point) => sum + point.s, 0) / points.length;
  const slope = points.reduce((sum, point) => sum + (point.lines - meanX) * (point.s - meanY), 0) / points.reduce((sum, point) => sum + (point.lines - meanX) ** 2, 0);
  const intercept = meanY - slope * meanX;
  const push = median(pushes);
  const ms = (seconds) => `${(seconds * 1000).toFixed(1)} ms`;
  const rate = (linesPerS) => `${(linesPerS / 1e6).toFixed(2)}M lines/s`;
  console.log(`perfcell parse of CSV (median of ${runs}; start-up on a one-line file ${ms(startS)}):`);
  for (const point of points) console.log(`  ${point.lines.toLocaleString('en-US').padStart(9)} lines  ${ms(point.s).padStart(10)}  ÷ push() ${((point.lines / 1e6) * push / (point.s - startS)).toFixed(2)}`);
  console.log(`slope ${ms(slope * 1e6)} per million lines (${rate(1 / slope)}); intercept ${ms(intercept)}, ${ms(intercept - startS)} over the start-up`);
  console.log(`push() on the 1M-line file: ${rate(1e6 / push)}; parse's slope ÷ push(): ${(push / 1e6 / slope).toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
