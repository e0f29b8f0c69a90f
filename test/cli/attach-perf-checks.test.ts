import { spawn, type ChildProcess } from 'node:child_process';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandReport } from '../../src/session/report.ts';
import { checkPerfEvents } from '../../src/attach/perf-preflight.ts';
import { cliPath, fixture } from '../support/fixtures.ts';
import { runsWithPerf } from '../support/perf.ts';

// attach checks -e before its first record, as run does, and says what perf said of -M groups.

const targets: ChildProcess[] = [];
afterEach(() => {
  for (const child of targets.splice(0)) child.kill('SIGKILL');
});

/** A process to watch (sleeps 20 s), killed after each test. */
function sleeper(): number {
  const child = spawn(fixture('sleep-ms'), ['20000'], { stdio: 'ignore' });
  targets.push(child);
  if (child.pid === undefined) throw new Error('could not start sleep-ms');
  return child.pid;
}

const attach = (args: readonly string[]) => execa(process.execPath, [cliPath, 'attach', ...args], { reject: false, timeout: 30_000, env: { NO_COLOR: '1' }, forceKillAfterDelay: 1_000 });

describe.runIf(runsWithPerf('attach -e / -M checks'))('attach: -e and -M', () => {
  it.each([['--ndjson'], ['--json']])('an unknown -e event is an error before anything is printed (%s)', async (mode) => {
    const result = await attach(['-e', 'task-clock,bogus', mode, '-d', '1', String(sleeper())]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe("error: unknown perf event 'bogus' (see perf list, or drop it from -e)");
  });

  it('an -M group perf does not have is warned of, as in run, and the -e events are still counted', async () => {
    const result = await attach(['-e', 'task-clock', '-M', 'NoSuchMetric', '--json', '-I', '100', '-d', '0.5', String(sleeper())]);
    expect(result.exitCode, result.stderr).toBe(0);
    const note = "perf has no metric or group 'NoSuchMetric' here, so -M NoSuchMetric gave nothing (perf list metricgroups names those it has)";
    expect(result.stderr).toContain(`warning: ${note}\n`);
    const report = JSON.parse(result.stdout) as CommandReport;
    expect(report.warnings).toContain(note);
    expect(report.counters.events.map((event) => event.event)).toContain('task-clock');
  });
});

describe('attach: the -e check itself (a fake perf run)', () => {
  const perfOptions = { events: ['task-clock', 'bogus'], intervalMs: 1000, explicit: true, enabled: true } as const;
  it('null where perf takes the list; the refused event, found by perf\'s caret, where it does not', async () => {
    const calls: (readonly string[])[] = [];
    expect(await checkPerfEvents(perfOptions, async (_file, args) => (calls.push(args), { exitCode: 0, stderr: '1.0,msec,task-clock,1,100.00,,\n', spawnMessage: '' }))).toBeNull();
    expect(calls).toEqual([['stat', '-x', ',', '-e', 'task-clock,bogus', '--', 'true']]);
    const stderr = "event syntax error: 'task-clock,bogus'\n                                \\___ parser error\nRun 'perf list' for a list of valid events\n";
    const problem = await checkPerfEvents(perfOptions, async () => ({ exitCode: 129, stderr, spawnMessage: '' }));
    expect(problem?.message).toBe("unknown perf event 'bogus' (see perf list, or drop it from -e)");
  });
});
