// push() of one format's generated 1M-line file (scripts/lib/perf-stat-lines.mjs) by builds taking
// turns, each measurement a fresh node after one untimed pass (bench-parser.mjs --measure push);
// medians of wall and CPU seconds: for a parser change too small to see across the minutes that
// bench-parser.mjs takes on a shared host. The A/Bs in BENCHMARKS.md's "Pace notes" of 2026-12-06
// 11:20 were taken with it.
//
//   node scripts/lib/push-ab.mjs ROOTS_JSON FORMAT [ROUNDS=9]
//   e.g. (the build before the change in /tmp/A: git archive HEAD | tar -x -C /tmp/A, node_modules
//   linked, npm run build there):
//   node scripts/lib/push-ab.mjs '["/tmp/A", "."]' csv 9
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { turnOrder } from './ab-variants.mjs';
import { median } from './benchmarks-md.mjs';
import { measureApart } from './measure-apart.mjs';
import { generate } from './perf-stat-lines.mjs';

const [rootsJson, format, roundsText = '9'] = process.argv.slice(2);
if (rootsJson === undefined || !['csv', 'human', 'json'].includes(format)) {
  process.stderr.write('usage: node scripts/lib/push-ab.mjs ROOTS_JSON csv|human|json [ROUNDS=9]\n');
  process.exit(2);
}
const roots = JSON.parse(rootsJson).map((root) => resolve(root));
const dir = mkdtempSync(join(tmpdir(), 'perfcell-push-ab-'));
const file = join(dir, `lines.${format}`);
writeFileSync(file, `${generate(format, 1_000_000).join('\n')}\n`);
const measured = new Map(roots.map((root) => [root, []]));
try {
  for (let round = 0; round < Number(roundsText); round++) {
    for (const root of turnOrder(roots, round)) {
      measured.get(root).push(measureApart(root, 'push', file));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
for (const [root, runs] of measured) {
  const wallS = median(runs.map((run) => run.seconds));
  const cpuS = median(runs.map((run) => run.cpuSeconds));
  console.log(`${root}: ${format} push() median ${wallS.toFixed(3)} s wall, ${cpuS.toFixed(3)} CPU-s per 1M lines (n ${runs.length})`);
}
