// What each tool's mean holds besides the program's own time: `hyperfine -N -w 2 -r 10` and
// `perfcell compare --warmup 2 --runs 10` of the same two programs (own-span.c, sleeping 7 and 6 ms),
// taking turns, both with the commands reversed every other round (inOrder). Each program appends
// its own span (main's first statement to its sleep's end) to a file; per tool and command, the
// median over the rounds of the tool's mean, of the programs' mean span in that round (warm-ups
// included), and of the difference: the tool's own part of a run (its clock's start to the
// program's main, and from the sleep's end to its clock's end).
//
//   npm run build && node scripts/lib/own-span.mjs [ROUNDS=10]      (hyperfine on PATH)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { turnOrder } from './ab-variants.mjs';
import { median } from './benchmarks-md.mjs';
import { hyperfineRound, inOrder, perfcellCompareRound } from './compare-pair.mjs';

const rounds = Number(process.argv[2] ?? 10);
const dir = mkdtempSync(join(tmpdir(), 'perfcell-own-span-'));
const program = join(dir, 'own-span');
execFileSync('cc', ['-O2', '-o', program, 'scripts/lib/own-span.c']);
const spans = join(dir, 'spans.txt');
const commands = [`${program} 7 A ${spans}`, `${program} 6 B ${spans}`];
const schedule = { warmup: 2, runs: 10 };

/** The programs' mean span per command (ms) since the file was emptied. */
function meanSpansMs() {
  const lines = readFileSync(spans, 'utf8').trim().split('\n').map((line) => line.split(' '));
  return ['A', 'B'].map((label) => {
    const own = lines.filter(([name]) => name === label).map(([, ns]) => Number(ns) / 1e6);
    return own.reduce((sum, ms) => sum + ms, 0) / own.length;
  });
}

const tools = {
  hyperfine: (round) => inOrder((ordered) => hyperfineRound(ordered, { ...schedule, exportFile: join(dir, 'hyperfine.json') }), commands, round),
  perfcell: (round) => inOrder((ordered) => perfcellCompareRound('dist/app/cli.cjs', ordered, schedule), commands, round),
};
const results = { hyperfine: [], perfcell: [] };
try {
  for (let round = 0; round < rounds; round++) {
    for (const name of turnOrder(Object.keys(tools), round)) {
      writeFileSync(spans, '');
      const { means } = tools[name](round);
      results[name].push({ meansMs: means.map((meanS) => meanS * 1000), spansMs: meanSpansMs() });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

for (const [index, label] of ['sleeping 7 ms', 'sleeping 6 ms'].entries()) {
  for (const [name, rows] of Object.entries(results)) {
    const mean = median(rows.map((row) => row.meansMs[index]));
    const span = median(rows.map((row) => row.spansMs[index]));
    const own = median(rows.map((row) => row.meansMs[index] - row.spansMs[index]));
    console.log(`${label}, ${name.padEnd(9)}: mean ${mean.toFixed(3)} ms, the program's own span ${span.toFixed(3)} ms, the tool's own part ${(own * 1000).toFixed(0)} µs (medians of ${rows.length} rounds)`);
  }
}
