import pty from 'node-pty';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { pidsInSession } from '../support/proc-scan.ts';

/**
 * A Ctrl-C typed at the terminal `run` runs on (a real pty: its line discipline sends SIGINT to
 * the foreground group, perfcell and the program alike): perfcell does not pass it on a second
 * time, and its line says the program had it too; it said 'passed it on to the program' (a QA
 * pass). A signal to perfcell alone is passed on: fault-matrix.test.ts.
 */
describe('perfcell run: Ctrl-C typed at its terminal', () => {
  it('says the program had it too, not that perfcell passed it on', { timeout: 30_000 }, async () => {
    const { COLUMNS: _columns, ...env } = process.env;
    const child = pty.spawn(process.execPath, [cliPath, 'run', '--no-perf', '--', 'sleep', '30'], { cols: 200, rows: 30, env: { ...env, NO_COLOR: '1' } as Record<string, string> });
    let text = '';
    child.onData((data) => (text += data));
    const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) => child.onExit(resolve));
    for (let tries = 0; tries < 200 && pidsInSession(child.pid, 'sleep').length === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(pidsInSession(child.pid, 'sleep')).toHaveLength(1);
    child.write('\x03');
    const { signal } = await exited;
    expect(signal).toBe(2);
    expect(text).toMatch(/perfcell: interrupted by SIGINT; the program had it too \(killed by SIGINT\)/);
  });
});
