#!/usr/bin/env node
// How well perf's interval clock zero is known from its "Events disabled" line (BENCHMARKS.md,
// Truth notes, 2026-12-06 23:40).
//
//   node scripts/lib/perf-zero-probe.mjs [PERF] [WINDOWS] [INTERVAL_MS]
//
// perf stat -D -1 prints "Events disabled" and then sets the zero its -I stamps count from, so the
// line's arrival is perfcell's estimate of that zero (src/perf/controller.ts). Each window here is
// one perf over this process, as measure(fn) drives it: enable, 2,560 fresh pages touched over
// 100 ms, then, where perf waits in poll() after the end (the look at time C), a SIGINT; else a
// disable first. A perf seen in poll() at C reads its counters again only after C, so its last
// stamp T satisfies zero + T >= C: `zero early by` is C - T - zeroFromLine where that is positive,
// the least by which the line's estimate came before perf's zero. `last stamp vs end` is the last
// interval's stamp against the window's end, both on the estimated clock: below -2 ms, perfcell
// used to say that perf had lost the window's last interval (it had not: see `page-faults`).
// PERF may be a wrapper (test/support/slowed-perf.ts writes one that holds perf's writes); a perf
// whose writes are held long prints most of the time at -I 10, so give it a long INTERVAL_MS (10).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const perfPath = process.argv[2] ?? 'perf';
const windows = Number(process.argv[3] ?? 10);
const intervalMs = String(process.argv[4] ?? 10);
const PAGES = 2560;
const nowNs = () => process.hrtime.bigint();
const ms = (ns) => Number(ns) / 1e6;

/** Whether a process waits in poll()/ppoll() (x86-64 numbers), as src/perf/poll-state.ts reads it. */
function inPoll(pid) {
  try {
    return ['7', '271'].includes(readFileSync(`/proc/${pid}/syscall`, 'utf8').split(' ')[0]);
  } catch {
    return false;
  }
}

async function window() {
  const perf = spawn(perfPath, ['stat', '-x', ',', '-I', intervalMs, '-D', '-1', '--control', 'fd:3,4', '--pid', String(process.pid), '-e', 'page-faults'], {
    env: { ...process.env, LC_ALL: 'C' },
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
  });
  const lines = [];
  let zeroFromLine = null;
  let pending = '';
  let sawZero = () => undefined;
  const zero = new Promise((resolve) => (sawZero = resolve));
  perf.stderr.setEncoding('utf8');
  perf.stderr.on('data', (chunk) => {
    const readNs = nowNs();
    pending += chunk;
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      lines.push({ readNs, line });
      if (line.trim() === 'Events disabled' && zeroFromLine === null) {
        zeroFromLine = readNs;
        sawZero();
      }
    }
  });
  const ack = () => new Promise((resolve) => perf.stdio[4].once('data', resolve));
  const exited = new Promise((resolve) => perf.on('close', resolve));
  await zero;
  const acked = ack();
  perf.stdio[3].write('enable\n');
  await acked;
  const memory = new Uint8Array(PAGES * 4096);
  const startMs = performance.now();
  for (let page = 0; page < PAGES; page += 1) {
    while (performance.now() < startMs + (100 * page) / PAGES);
    memory[page * 4096] = 1;
  }
  const endNs = nowNs();
  const polling = inPoll(perf.pid);
  const lookNs = nowNs();
  if (!polling) {
    const disabled = ack();
    perf.stdio[3].write('disable\n');
    await disabled;
    for (let tries = 0; tries < 500 && !inPoll(perf.pid); tries += 1) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  perf.kill('SIGINT');
  await exited;
  const rows = lines
    .filter(({ line }) => /^\s*\d+\.\d+,/.test(line))
    .map(({ line }) => ({ stampS: Number(line.split(',')[0]), count: Number(line.split(',')[1]) }));
  const last = rows.at(-1);
  const earlyMs = polling && last !== undefined ? ms(lookNs - zeroFromLine) - last.stampS * 1000 : null;
  return {
    polling,
    zeroEarlyMs: earlyMs === null ? null : Math.max(0, earlyMs),
    lastStampVsEndMs: last === undefined ? null : last.stampS * 1000 - ms(endNs - zeroFromLine),
    pageFaults: rows.reduce((sum, row) => sum + (Number.isFinite(row.count) ? row.count : 0), 0),
  };
}

const results = [];
for (let index = 0; index < windows; index += 1) results.push(await window());
const fmt = (value) => (value === null ? '–' : value.toFixed(2));
console.log('window  perf in poll() at the end  zero early by (ms, at least)  last stamp vs end (ms)  page-faults');
results.forEach((result, index) => {
  const cells = [String(index + 1).padStart(6), String(result.polling).padEnd(25), fmt(result.zeroEarlyMs).padStart(28), fmt(result.lastStampVsEndMs).padStart(22), result.pageFaults];
  console.log(cells.join('  '));
});
const polled = results.filter((result) => result.polling);
const early = polled.map((result) => result.zeroEarlyMs).sort((a, b) => a - b);
const wouldWarn = polled.filter((result) => result.lastStampVsEndMs < -2).length;
const medianEarly = fmt(early[Math.floor(early.length / 2)] ?? null);
console.log(`${polled.length} of ${windows} windows had perf in poll() at the end; zero early by at least: median ${medianEarly} ms, ` +
  `most ${fmt(early.at(-1) ?? null)} ms; last stamp over 2 ms before the end (the old false warning) in ${wouldWarn}`);
