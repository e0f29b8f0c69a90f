// What perf counts in a REPL line that does nothing: node:repl's and perfcell's own work inside the
// window (perf counts all of perfcell's process). Types 40 `void 0` lines into `perfcell repl` with
// -e task-clock,page-faults, 150 ms apart (each line's perf is armed while the next is "typed"), and
// prints the p10 / median / p90 of each over lines 6-40, and of the reported time. `--line CODE`
// types CODE instead (`--line 'await new Promise((r) => setTimeout(r, 500))' --count 15`: a line
// that waits), each after the one before has had its time and 150 ms more.
//
//   npm run build && node scripts/lib/empty-repl-counts.mjs [BIN] [--line CODE] [--count N]     (BIN: dist/app/cli.cjs)
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { quantile } from './benchmarks-md.mjs';

const { values: flags, positionals } = parseArgs({ allowPositionals: true, options: { line: { type: 'string', default: 'void 0' }, count: { type: 'string', default: '40' } } });
const bin = positionals[0] ?? 'dist/app/cli.cjs';
const LINES = Number(flags.count);
const waitMs = Number(/setTimeout\([^,]*,\s*(\d+)\)/.exec(flags.line)?.[1] ?? 0);
const child = spawn('node', [bin, 'repl', '-e', 'task-clock,page-faults'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, NODE_EXTRA_CA_CERTS: '' } });
let out = '';
child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
for (let line = 0; line < LINES; line++) {
  child.stdin.write(`${flags.line}\n`);
  await sleep(waitMs + 150);
}
child.stdin.write(`JSON.stringify(perfcell.history.slice(${Math.min(5, LINES - 1)}).map((r) => [r.durationS, ...r.counters.events.map((e) => e.total)]))\n`);
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
