// What settling the final memory costs per command (issue 10): in-process, measure(fn) with
// settling on against off in the same run, for a command that moves nothing (`1+1`: settling is
// skipped) and for one that drops a temporary (settling collects it); and through a pty, the
// REPL's `1+1` latency with settling on against `--no-settle`, the two sessions taking turns.
// Run after `npm run build`:
//   node scripts/bench-settle.mjs      (BENCH_NO_WRITE=1 to only print; BENCH_COMMANDS=40 to change)
// Writes the "Settling final memory" section of BENCHMARKS.md.
import { loadavg } from 'node:os';
import { machineLine, median, writeSection } from './lib/benchmarks-md.mjs';
import { nowMs, openPtySession, typeLine, waitForPrompt } from './lib/pty-repl.mjs';
import { measure } from '../dist/app/index.js';

const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 40);
const MIB = 1024 * 1024;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// In-process: the time measure() takes from call to report, RAM, time and CPU only (perf would
// dominate and is the same either way).
async function inProcess(fn, settle, runs) {
  const totalsMs = [];
  const settleMs = [];
  const statuses = new Map();
  for (let run = 0; run < runs; run += 1) {
    const start = nowMs();
    const report = await measure(fn, { perf: false, settle });
    totalsMs.push(nowMs() - start);
    settleMs.push(report.memory.settle?.durationMs ?? 0);
    const status = report.memory.settle?.status ?? 'none';
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  return { totalMs: median(totalsMs), settleMs: median(settleMs), statuses: [...statuses].map(([status, n]) => `${status} ×${n}`).join(', ') };
}

const trivial = () => 1 + 1;
const temporary = () => {
  const array = new Float64Array(8 * MIB).fill(1); // 64 MiB, dropped on return
  return array[5];
};
const inProcessRows = [];
for (const [name, fn, runs] of [['1+1', trivial, 200], ['64 MiB temporary', temporary, 15]]) {
  await inProcess(fn, true, 3); // warm both paths
  const off = await inProcess(fn, false, runs);
  const on = await inProcess(fn, true, runs);
  inProcessRows.push(`| ${name} | ${off.totalMs.toFixed(3)} ms | ${on.totalMs.toFixed(3)} ms | +${(on.totalMs - off.totalMs).toFixed(3)} ms | ${on.settleMs.toFixed(3)} ms | ${on.statuses} |`);
}

// Through a pty: `1+1⏎` to the next prompt, perf on (the REPL as people use it), sessions in turn.
const open = (name, args) => openPtySession(process.execPath, ['dist/app/cli.cjs', 'repl', ...args], { name, latenciesMs: [] });
const sessions = [open('perfcell repl --no-settle', ['--no-settle']), open('perfcell repl (settling on)', [])];
for (const session of sessions) await waitForPrompt(session, 0, 30_000);
for (let index = 0; index < COMMANDS + 5; index += 1) {
  for (const session of sessions) {
    await sleep(150);
    const { latencyMs } = await typeLine(session, '1+1', 15_000);
    if (index >= 5) session.latenciesMs.push(latencyMs);
  }
}
for (const session of sessions) session.child.kill('SIGKILL');
const [off, on] = sessions.map((session) => median(session.latenciesMs));

const body = `
Command: \`npm run build && node scripts/bench-settle.mjs\` (${machineLine()}; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')} at the end).

After a command's window closes, perfcell lets its garbage go (two full V8 collections: the second finishes V8's
background freeing of array buffers the first found dead) and reads RSS until it stops falling (≤ 50 ms of reads), so that final, used and peak above final come from a settled reading. A command that
moved RSS, heap, external and array buffer memory by under 1 MiB each (and followed one that kept under 1 MiB) has
nothing to settle and skips it.

In-process, \`measure(fn, { perf: false })\` from call to report, median, settling off then on in the same run:

| command | settle off | settle on | added | settling itself | settle status |
|---|---:|---:|---:|---:|---|
${inProcessRows.join('\n')}

Through a pty, \`1+1⏎\` until the next prompt (perf on, ${COMMANDS} commands each after 5 warm-up ones, the sessions in turn):
\`--no-settle\` median ${off.toFixed(2)} ms, settling on ${on.toFixed(2)} ms: **${on - off >= 0 ? '+' : ''}${(on - off).toFixed(2)} ms** (budget: the REPL's whole added latency for \`1+1\` ≤ 5 ms, see REPL latency).
`;
console.log(body);
if (process.env.BENCH_NO_WRITE !== '1') writeSection('Settling final memory', body);
process.exit(0);
