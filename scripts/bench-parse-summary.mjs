#!/usr/bin/env node
// Peak RSS and time of `perfcell parse --summary` against the length of its input: generated
// `perf stat -I` CSV (scripts/lib/perf-stat-lines.mjs) of --lines and of a quarter of it, each
// read as the CSV table (which prints counts), as NDJSON and as one JSON document (which print
// every sample). A bounded mode reads about the same peak at both sizes.
//
//   npm run build && node scripts/bench-parse-summary.mjs [--lines 2000000] [--runs 3]
//
// The peak is GNU time's %M (ru_maxrss of perfcell's node), so /usr/bin/time must be installed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib/benchmarks-md.mjs';
import { generate } from './lib/perf-stat-lines.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/app/cli.cjs');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const lineCount = option('--lines', 2_000_000);
const runs = option('--runs', 3);

const dir = mkdtempSync(join(tmpdir(), 'perfcell-bench-summary-'));
try {
  for (const lines of [Math.floor(lineCount / 4), lineCount]) {
    const path = join(dir, `capture-${lines}.csv`);
    writeFileSync(path, generate('csv', lines).join('\n') + '\n');
    for (const mode of ['--csv', '--ndjson', '--json']) {
      const peaks = [];
      const seconds = [];
      for (let run = 0; run < runs; run++) {
        const timed = spawnSync('/usr/bin/time', ['-f', '%M %e', cli, 'parse', '--summary', mode, path], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
        if (timed.status !== 0) throw new Error(`parse --summary ${mode} failed: ${timed.stderr}`);
        const [peakKiB, wallS] = timed.stderr.trim().split('\n').at(-1).split(' ').map(Number);
        peaks.push(peakKiB / 1024);
        seconds.push(wallS);
      }
      console.log(`${String(lines).padStart(9)} lines  summary ${mode.padEnd(8)}  peak RSS ${median(peaks).toFixed(0).padStart(5)} MiB  ${median(seconds).toFixed(2)} s  (median of ${runs})`);
    }
    rmSync(path);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
