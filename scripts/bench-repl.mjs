// Latency and memory of `perfcell repl` against a bare `node` REPL, both driven through a
// pseudo-terminal (node-pty) as a person would, in the same run. Run after `npm run build`:
//   node scripts/bench-repl.mjs   (BENCH_COMMANDS=60 BENCH_THINK_MS=150 to change; BENCH_NO_WRITE=1 to only print)
// Writes the "REPL latency" section of BENCHMARKS.md.
//
// Latency: the time from writing `1+1⏎` to the pty until the next prompt has arrived, i.e. the
// command, its printed value and (for perfcell) its report. The sessions take turns, one command
// each, with a pause between commands like a person's (perf for the next command attaches then).
// RSS: VmRSS of the REPL process itself at its first prompt (perf runs in its own process).
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { openPtySession, typeKeysThenEnter, typeLine, waitForPrompt } from './lib/pty-repl.mjs';
import { machineLine, median, quantile, writeSection } from './lib/benchmarks-md.mjs';

const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 60);
const WARMUP = 5;
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 150);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const MAIN = process.env.BENCH_PERFCELL_MAIN ?? 'dist/app/cli.cjs';
const variants = [
  { name: 'node (bare REPL)', file: process.execPath, args: [] },
  { name: 'perfcell repl --no-perf', file: process.execPath, args: [MAIN, 'repl', '--no-perf'] },
  { name: 'perfcell repl', file: process.execPath, args: [MAIN, 'repl'] },
];

function open(variant) {
  return openPtySession(variant.file, variant.args, { ...variant, latenciesMs: [], typedMs: [], reports: 0, missingCounters: 0 });
}

function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

const sessions = variants.map(open);
for (const session of sessions) await waitForPrompt(session, 0, 20_000);
await sleep(500);
const firstPromptRss = sessions.map((session) => rssMiB(session.child.pid));

for (let index = 0; index < WARMUP + COMMANDS; index += 1) {
  for (const session of sessions) {
    await sleep(THINK_MS);
    const { latencyMs, printed } = await typeLine(session, '1+1', 10_000);
    // the same line typed key by key, then ⏎: what a person waits after pressing it
    await sleep(THINK_MS);
    const typed = await typeKeysThenEnter(session, '1+1', 10_000);
    if (index >= WARMUP) session.typedMs.push(typed.latencyMs);
    if (index >= WARMUP) {
      session.latenciesMs.push(latencyMs);
      if (/\bused -?[\d.]+ MiB RAM\b/.test(printed)) {
        session.reports += 1;
        if (session.name === 'perfcell repl' && !/page-faults \d/.test(printed)) session.missingCounters += 1;
      }
    }
  }
}
const afterRss = sessions.map((session) => rssMiB(session.child.pid));
for (const session of sessions) session.child.kill('SIGKILL');

const bare = sessions[0];
const fmt = (ms) => ms.toFixed(2);
/** The latency table's rows for one way of typing (`key`: each session's list of milliseconds). */
const latencyRows = (key) =>
  sessions.map((session) => {
    const times = session[key];
    const med = median(times);
    const best = Math.min(...times);
    const added = session === bare ? '—' : `+${fmt(med - median(bare[key]))} ms (best +${fmt(best - Math.min(...bare[key]))} ms)`;
    return `| ${session.name} | ${fmt(med)} ms | ${fmt(quantile(times, 0.9))} ms | ${fmt(best)} ms | ${added} | ${(med / median(bare[key])).toFixed(2)}× |`;
  });
const rows = latencyRows('latenciesMs');
const typedRows = latencyRows('typedMs');
const rssRows = sessions.map(
  (session, index) =>
    `| ${session.name} | ${firstPromptRss[index].toFixed(1)} MiB | ${index === 0 ? '—' : `+${(firstPromptRss[index] - firstPromptRss[0]).toFixed(1)} MiB`} | ${afterRss[index].toFixed(1)} MiB |`,
);
const measured = sessions[2];
const body = `
Command: \`npm run build && node scripts/bench-repl.mjs\` (${COMMANDS} commands per REPL after ${WARMUP} warm-up ones, ${THINK_MS} ms between commands; ${machineLine()}; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')} at the end).

Time from typing \`1+1⏎\` into a pseudo-terminal until the next prompt is there (value and report printed), the three REPLs taking turns:

| REPL | median | p90 | best | added: median (best) | ratio of medians |
|---|---:|---:|---:|---:|---:|
${rows.join('\n')}

The same line typed as a person types it, a key every 40 ms, timed from its ⏎ (each REPL's
keystrokes handled before it: for perfcell with perf on, perf let go on at the first key, so its
resume is no part of the wait; in the table above the whole line arrives in one write and the
enable resumes it):

| REPL | median | p90 | best | added: median (best) | ratio of medians |
|---|---:|---:|---:|---:|---:|
${typedRows.join('\n')}

Target: ≤ 5 ms added by perfcell with perf on. Reports printed: ${measured.reports}/${COMMANDS}; reports without a page-faults count: ${measured.missingCounters}.
What perf adds is three hand-overs to the REPL's one perf (README, The REPL), which is stopped
while nobody types and let go on at the keystrokes: the enable and its ack (about 0.4–1 ms here) and
the disable and its ack, both awaited by the line itself (its first and last statements switch perf,
so nothing of the REPL's is counted), and the line's last counts, which perf prints at once when
nudged (SIGURG, README "Cells and in-process compare share perf"; before 2026-12-06 15:00 they came
with perf's next tick, 2 ms apart: 1.2 ms on average). A perf per line, sent SIGINT at the line's end, cost
1-1.5 ms more: its exit held the REPL's vCPU (BENCHMARKS.md, Pace notes, 2026-12-04 21:25 and
2026-12-06 05:30). All wait for perf to be scheduled on this 2-vCPU VM shared with other work, which is
what the median and p90 mostly measure; \`best\` is the quiet case. \`--no-perf\` is what the REPL's
own bookkeeping costs (reading /proc, the heap view, the report's extra lines).

RSS of the REPL process (perf runs in its own process, not counted):

| REPL | at first prompt | added | after ${WARMUP + COMMANDS} commands |
|---|---:|---:|---:|
${rssRows.join('\n')}

Target: \`perfcell repl\` within 15 MiB of the bare REPL at its first prompt.
`;
console.log(body);
if (process.env.BENCH_NO_WRITE !== '1') writeSection('REPL latency', body);
process.exit(0);
