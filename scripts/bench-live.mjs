// What the live view costs: `perfcell repl` with the live view (the default on a terminal) against
// `perfcell repl --no-live` and a bare `node` REPL, all three driven through a pseudo-terminal in
// the same run, taking turns. Run after `npm run build`:
//   node scripts/bench-live.mjs   (BENCH_COMMANDS=60 BENCH_THINK_MS=150 BENCH_BUSY_RUNS=5; BENCH_NO_WRITE=1 to only print)
// Writes the "Live view cost" section of BENCHMARKS.md.
//
// 1. Latency of `1+1`: from writing `1+1⏎` until the next prompt (value and report printed). With
//    the live view, perf's lines pass through the relay (one more hand-over) and the relay is told
//    the command ended (one signal).
// 2. Work done by a busy 2 s command (loop iterations counted by the command itself): the relay
//    redraws its line from its own process, so the measured process should do the same work.
// 3. The relay's own CPU time during those busy commands (/proc/PID/stat of perfcell-live).
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { openPtySession, typeLine, waitForPrompt } from './lib/pty-repl.mjs';
import { machineLine, median, quantile, writeSection } from './lib/benchmarks-md.mjs';

const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 60);
const BUSY_RUNS = Number(process.env.BENCH_BUSY_RUNS ?? 5);
const WARMUP = 5;
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 150);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const MAIN = 'dist/app/cli.cjs';
const EVENTS = 'page-faults,task-clock';

const variants = [
  { name: 'node (bare REPL)', args: [] },
  { name: `perfcell repl --no-live -e ${EVENTS}`, args: [MAIN, 'repl', '--no-live', '-e', EVENTS] },
  { name: `perfcell repl -e ${EVENTS} (live view on)`, args: [MAIN, 'repl', '-e', EVENTS] },
];

function open(variant) {
  return openPtySession(process.execPath, variant.args, { ...variant, latenciesMs: [], work: [], relayCpuMs: [], liveLines: 0 });
}

/** CPU ms (user + system) of the REPL's perfcell-live children, grandchildren of nobody else. */
function relayCpuMs(replPid) {
  let total = 0;
  let pids = [];
  try {
    pids = execFileSync('pgrep', ['-P', String(replPid), '-x', 'perfcell-live']).toString().split('\n').filter(Boolean);
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {}
  }
  return total;
}

const sessions = variants.map(open);
for (const session of sessions) await waitForPrompt(session, 0, 30_000);
await sleep(500);

for (let index = 0; index < WARMUP + COMMANDS; index += 1) {
  for (const session of sessions) {
    await sleep(THINK_MS);
    const { latencyMs } = await typeLine(session, '1+1', 20_000);
    if (index >= WARMUP) session.latenciesMs.push(latencyMs);
  }
}

const BUSY = 'var n = 0; { const end = Date.now() + 2000; while (Date.now() < end) n++ } n';
for (let run = 0; run < BUSY_RUNS; run += 1) {
  for (const session of sessions) {
    await sleep(300);
    // The relay lives while the command runs: sample its CPU just before the 2 s are up.
    let relayMs = 0;
    const sampler = setTimeout(() => (relayMs = relayCpuMs(session.child.pid)), 1900);
    const { printed } = await typeLine(session, BUSY, 20_000);
    clearTimeout(sampler);
    const value = /(?:^|[\r\n])(\d{4,})\r?\n/m.exec(printed.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''));
    if (value) session.work.push(Number(value[1]));
    session.relayCpuMs.push(relayMs);
    session.liveLines += (printed.match(/live \d+\.\ds/g) ?? []).length;
  }
}
for (const session of sessions) session.child.kill('SIGKILL');

const [bare, off, on] = sessions;
const fmt = (ms) => ms.toFixed(2);
const latencyRows = sessions.map((session) => {
  const med = median(session.latenciesMs);
  const added = session === bare ? '—' : `+${fmt(med - median(bare.latenciesMs))} ms`;
  return `| ${session.name} | ${fmt(med)} ms | ${fmt(quantile(session.latenciesMs, 0.9))} ms | ${fmt(Math.min(...session.latenciesMs))} ms | ${added} |`;
});
const liveCost = median(on.latenciesMs) - median(off.latenciesMs);
const workRows = sessions.map(
  (session) =>
    `| ${session.name} | ${session.work.length === 0 ? '?' : median(session.work).toLocaleString('en-US')} | ${session.work.length === 0 || off.work.length === 0 ? '?' : (median(session.work) / median(off.work)).toFixed(3)} | ${session !== on ? '—' : median(session.relayCpuMs) === 0 ? '< 10 ms (under one clock tick)' : `${fmt(median(session.relayCpuMs))} ms`} | ${session.liveLines} |`,
);
const body = `
Command: \`npm run build && node scripts/bench-live.mjs\` (${COMMANDS} \`1+1\` commands per REPL after ${WARMUP} warm-up ones, ${THINK_MS} ms apart, then ${BUSY_RUNS} busy 2 s commands each; the REPLs take turns; ${machineLine()}; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')} at the end).

How the live view works: one small C relay for the REPL's process (\`native/perfcell-live.c\`,
started before its first command's perf) is told on its stdin when each command's window opens
(\`open\`, naming the file that command's perf writes its interval lines to) and when it ends, and
from 1 s after \`open\` redraws one status line on the terminal 4× per second (elapsed, RSS and peak
from /proc/PID/status, each counter's rate over the lines perf wrote since the last draw), reading
perf's file only to draw. The measured REPL process gets no thread, timer or allocation for it: at
the command's end it writes the relay one line (\`drop\` for a command under 0.9 s, which cannot
have shown the line; else \`close\`, and it waits for the relay's "erased" answer before printing).

\`1+1\` latency (typing \`1+1⏎\` until the next prompt):

| REPL | median | p90 | best | added over node (median) |
|---|---:|---:|---:|---:|
${latencyRows.join('\n')}

Live view on − off, medians of the same run: ${liveCost >= 0 ? '+' : ''}${fmt(liveCost)} ms per \`1+1\` (${liveCost <= 1 ? 'within' : 'over'} the
budget of ≤ 1 ms; the REPL's whole budget is 5 ms over node; a negative figure is this shared
machine's noise). What it can add is the two lines written to the relay at each command.

A busy 2 s command (\`${BUSY}\`): loop iterations done, median of ${BUSY_RUNS}, against the same
command with the live view off, and the relay's own CPU time while it ran:

| REPL | iterations (median) | ratio to --no-live | relay CPU in ~2 s | live lines seen |
|---|---:|---:|---:|---:|
${workRows.join('\n')}
`;
console.log(body);
if (process.env.BENCH_NO_WRITE !== '1') writeSection('Live view cost', body);
process.exit(0);
