import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { CommandReport } from '../../src/session/report.ts';
import { cliPath } from '../support/fixtures.ts';
import { perfUsable } from '../support/perf.ts';
import { slowedPerf } from '../support/slowed-perf.ts';
import { temporaryFolders } from '../support/temp-folders.ts';
import { hasStrace, runsWith } from '../support/tools.ts';

if (!perfUsable) console.warn('perf cannot count here: the tests of the shared perf\'s clock zero are skipped');

const dir = temporaryFolders('all')('perfcell-shared-perf-zero-');

const PAGES = 2560;
/** Touches PAGES fresh pages spread over 250 ms (-I 100: three intervals). */
const spreadTouch = `{ const a = new Uint8Array(${PAGES} * 4096); const t = performance.now(); for (let p = 0; p < ${PAGES}; p += 1) { while (performance.now() - t < (p * 250) / ${PAGES}); a[p * 4096] = 1; } }`;

/** Each page-faults sample inside the command, the last at its end, and its pages counted (the process's own faults come on top). */
function expectPlaced(report: CommandReport): void {
  const pageFaults = report.counters.events.find((event) => event.event === 'page-faults');
  const times = pageFaults!.samples.map((sample) => sample.timeS);
  const context = JSON.stringify({ durationS: report.durationS, total: pageFaults!.total, times, warnings: report.warnings });
  // before: one sample, at 0 s (the line's three intervals put 300 ms before its start)
  expect(times.length, context).toBeGreaterThanOrEqual(2);
  expect(times[0], context).toBeGreaterThan(0.05);
  expect(Math.max(...times), context).toBeGreaterThan(report.durationS - 0.02);
  // (Node's allocator may hand a cell a few pages touched before: 2,502-2,530 of 2,560 seen)
  expect(pageFaults!.total!, context).toBeGreaterThan(PAGES * 0.9);
}

describe.runIf(perfUsable && runsWith('strace', hasStrace, "the tests of the shared perf's clock zero"))('a shared perf held between its "Events disabled" and its clock\'s zero (real perf, its first write held by strace)', () => {
  // perf -D -1 prints "Events disabled" and only then reads the clock its -I stamps count from;
  // the shared perf (ticking-perf.ts) took the line's arrival for that zero, so a perf preempted in
  // between stamped everything later than perfcell expected. Here strace holds perf 300 ms on the
  // return of its first write, that line.
  it('cells: each cell\'s samples lie inside it', { timeout: 60_000 }, async () => {
    const perf = slowedPerf(dir, 'perf-cells', { syscalls: 'write', delayMs: 300, when: '1' });
    const file = join(dir, 'spread.js');
    writeFileSync(file, `// %% one\n${spreadTouch}\n// %% two\n${spreadTouch}\n`);
    const result = await execa(process.execPath, [cliPath, 'cells', '--json', '-e', 'page-faults', file], {
      reject: false,
      env: { NO_COLOR: '1', PERFCELL_PERF: perf },
      timeout: 30_000,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const cells = (JSON.parse(result.stdout) as { cells: { report: CommandReport }[] }).cells;
    expect(cells).toHaveLength(2);
    for (const cell of cells) expectPlaced(cell.report);
  });

  it('the REPL: each line\'s samples lie inside it', { timeout: 60_000 }, async () => {
    const perf = slowedPerf(dir, 'perf-repl', { syscalls: 'write', delayMs: 300, when: '1' });
    const result = await execa(process.execPath, [cliPath, 'repl', '--json', '-e', 'page-faults'], {
      reject: false,
      input: `${spreadTouch}\n${spreadTouch}\n`,
      env: { NO_COLOR: '1', PERFCELL_PERF: perf, PERFCELL_REPL_HISTORY: '' },
      timeout: 30_000,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const reports = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as CommandReport);
    expect(reports).toHaveLength(2);
    for (const report of reports) expectPlaced(report);
  });
});
