// Where a `perfcell cells` file's time goes per cell: runs it with PERFCELL_TRACE_RUN=1 (see
// src/session/run-trace.ts; marks from src/experiment/run-cells.ts) and prints per-stage medians.
//
//   npm run build && node scripts/lib/cells-trace.mjs FILE     (--no-perf and other flags pass through)
import { spawnSync } from 'node:child_process';
import { median } from './benchmarks-md.mjs';
import { parseTrace } from './compare-trace.mjs';

const SPANS = [
  ['run', 'perf-enabled', "the cell's window opens: pick the shared perf (of a group, the one whose tick is due soonest), its enable ack"],
  ['perf-enabled', 'ended', 'the cell runs'],
  ['ended', 'report', "the cell's end → its report: the disable ack, then perf's next tick (the window's last counts)"],
];

const args = process.argv.slice(2);
const result = spawnSync('node', ['dist/app/cli.cjs', 'cells', ...args], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, PERFCELL_TRACE_RUN: '1' } });
if (result.status !== 0) throw new Error(`cells failed (${result.status}): ${result.stderr.slice(-400)}`);
// the first cells wait for the shared perf to start: left out
const runs = parseTrace(result.stderr).sort((a, b) => a.get('run') - b.get('run')).slice(3);
for (const [from, to, what] of SPANS) {
  const ms = median(runs.filter((run) => run.has(from) && run.has(to)).map((run) => run.get(to) - run.get(from)));
  console.log(`${ms.toFixed(2).padStart(8)} ms  ${from} → ${to}: ${what}`);
}
const perCell = median(runs.slice(1).map((run, index) => run.get('run') - runs[index].get('run')));
console.log(`${perCell.toFixed(2).padStart(8)} ms  one cell's start → the next one's\n(${runs.length} cells)`);
