import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { attachToProcess } from '../../src/attach/attach.ts';
import type { IntervalRow } from '../../src/attach/interval-row.ts';
import type { CommandReport } from '../../src/session/report.ts';
import { cliPath, fixture } from '../support/fixtures.ts';
import { runsWithPerf } from '../support/perf.ts';

/**
 * When the watched process exits, perf prints one more interval in which nothing ran (every event
 * <not counted>). Before, it became a last row reading 0/s and the summary's minimum of every event
 * was 0 (task-clock min 0 for a process that spun through every interval of the watch).
 */
const dir = mkdtempSync(join(tmpdir(), 'perfcell-attach-trailing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('attach: the interval after the target exits (a stand-in perf: real perf prints it only most times)', () => {
  it('is neither a row nor part of the summary', async () => {
    // perf stat -I 100 --pid PID: three counted intervals; then the target dies and perf prints one
    // more, in which nothing counted, and exits (as real perf does when its target ends)
    const fakePerf = join(dir, 'perf');
    writeFileSync(fakePerf, `#!/usr/bin/env node
const pid = Number(process.argv[process.argv.indexOf('--pid') + 1]);
const line = (time, value) => process.stderr.write(\`\${time.toFixed(9)},\${value},msec,task-clock,100000000,100.00,1.000,CPUs utilized\\n\`);
let tick = 0;
const timer = setInterval(() => {
  tick += 1;
  if (tick <= 3) return line(tick * 0.1, 50 + tick);
  clearInterval(timer);
  process.kill(pid, 'SIGKILL');
  setTimeout(() => { line(0.35, '<not counted>'); process.exit(0); }, 200);
}, 100);
`, { mode: 0o755 });
    const target = spawn('sleep', ['60'], { stdio: 'ignore' });
    const rows: IntervalRow[] = [];
    try {
      const result = await attachToProcess(target.pid ?? 0, { perfPath: fakePerf, events: ['task-clock'], intervalMs: 100, checkEvents: async () => null, onRow: (row) => rows.push(row) });
      expect(result.endedBy).toBe('exit');
      expect(rows.map((row) => row.events[0]?.value)).toEqual([51, 52, 53]);
      expect(result.rowCount).toBe(3);
      const taskClock = result.report.counters.events.find((event) => event.event === 'task-clock');
      expect(taskClock).toMatchObject({ status: 'counted', min: 51, max: 53, total: 156 });
      expect(taskClock?.samples.map((sample) => sample.value)).toEqual([51, 52, 53]);
      expect(result.series.timeS).toHaveLength(3);
    } finally {
      target.kill('SIGKILL');
    }
  });
});

describe.runIf(runsWithPerf('the attach trailing-interval test'))('attach with real perf: the interval after the target exits', () => {
  it('is neither a row nor part of the summary', async () => {
    const target = spawn(fixture('spin'), ['1.5'], { stdio: 'ignore' });
    try {
      const result = await execa(process.execPath, [cliPath, 'attach', String(target.pid), '-I', '200', '--ndjson', '-e', 'task-clock'], {
        reject: false,
        env: { NO_COLOR: '1' },
        timeout: 30_000,
        forceKillAfterDelay: 1_000,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      const records = result.stdout.trim().split('\n').slice(1).map((line) => JSON.parse(line) as { kind: string } & Record<string, unknown>);
      const rows = records.filter((record) => record.kind === 'interval') as unknown as IntervalRow[];
      const summary = records.at(-1) as unknown as { endedBy: string; report: CommandReport };
      expect(summary.endedBy).toBe('exit');
      expect(rows.length).toBeGreaterThanOrEqual(2);
      const gone = rows.filter((row) => row.rssBytes === null && row.events.every((event) => event.status === 'not counted'));
      expect(gone, 'a row after the target exited, in which nothing counted').toEqual([]);
      // the summary's minimum is one of the rows' (and a spinner ran in each of them)
      const values = rows.map((row) => row.events.find((event) => event.event === 'task-clock')?.value ?? null);
      const taskClock = summary.report.counters.events.find((event) => event.event === 'task-clock');
      const counted = values.filter((value): value is number => value !== null);
      expect(taskClock?.min).toBe(Math.min(...counted));
      expect(taskClock?.samples.length).toBe(rows.length);
    } finally {
      target.kill('SIGKILL');
    }
  });
});
