// What perf counts in a REPL line that does nothing: node:repl's and perfcell's own work inside the
// window (perf counts all of perfcell's process). Types 40 `void 0` lines into `perfcell repl` with
// -e task-clock,page-faults, 150 ms apart (each line's perf is armed while the next is "typed"), and
// prints the p10 / median / p90 of each over lines 6-40, and of the reported time.
//
//   npm run build && node scripts/lib/empty-repl-counts.mjs [BIN]     (BIN: dist/app/cli.cjs)
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { quantile } from './benchmarks-md.mjs';

const bin = process.argv[2] ?? 'dist/app/cli.cjs';
const LINES = 40;
const child = spawn('node', [bin, 'repl', '-e', 'task-clock,page-faults'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, NODE_EXTRA_CA_CERTS: '' } });
let out = '';
child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
for (let line = 0; line < LINES; line++) {
  child.stdin.write('void 0\n');
  await sleep(150);
}
child.stdin.write('JSON.stringify(perfcell.history.slice(5).map((r) => [r.durationS, ...r.counters.events.map((e) => e.total)]))\n');
await sleep(1000);
child.stdin.end();
await new Promise((resolve) => child.once('close', resolve));
const found = new RegExp(`In \\[${LINES + 1}\\]: '(\\[.*\\])'`).exec(out);
if (found === null) throw new Error(`no history line in: ${out.slice(-400)}`);
const rows = JSON.parse(found[1]);
for (const [index, name] of [[1, 'task-clock'], [2, 'page-faults'], [0, 'time (s)']]) {
  const values = rows.map((row) => row[index]);
  console.log(`${name.padEnd(12)} p10 ${quantile(values, 0.1)}  median ${quantile(values, 0.5)}  p90 ${quantile(values, 0.9)}  (${rows.length} lines)`);
}
