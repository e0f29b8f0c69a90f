import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { cliPath, fixture } from '../support/fixtures.ts';
import { perfUsable } from '../support/perf.ts';
import { leakedPerfPidsSettled, perfPidsNow } from '../support/leaked-perf.ts';
import { pidsInSession } from '../support/proc-scan.ts';

/**
 * `run` interrupted (a program that handles Ctrl-C, a -r series cut short), a program that cannot
 * be started (127/126, as timeout and env), a long label on a pipe, and an explicit :u.
 */
const env = { NO_COLOR: '1', COLUMNS: '' };
const perfcell = (args: readonly string[]) => execa(process.execPath, [cliPath, ...args], { reject: false, env, timeout: 30_000 });

const schemaDir = join(import.meta.dirname, '..', '..', 'schema');
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, validateFormats: false });
for (const file of readdirSync(schemaDir).filter((name) => name.endsWith('.schema.json'))) ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as object);
function schemaErrors(format: string, document: unknown): unknown {
  const validate = ajv.getSchema(`https://github.com/perfcell/perfcell/schema/${format}.schema.json`)!;
  return validate(document) ? [] : validate.errors;
}

const perfBefore = perfPidsNow();
afterAll(async () => expect(await leakedPerfPidsSettled(perfBefore)).toEqual([]));


async function until(condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 400; tries += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('perfcell run interrupted', () => {
  it('exits with the status of a program that caught Ctrl-C and exited by itself, and says so in --json', async () => {
    const program = fixture('trap-int');
    const subprocess = execa(process.execPath, [cliPath, 'run', '--json', '--no-perf', '--', program, '5'], { reject: false, env, detached: true, timeout: 20_000 });
    await until(() => pidsInSession(subprocess.pid ?? 0, 'trap-int').length > 0, 'trap-int to run');
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.kill(-(subprocess.pid ?? 0), 'SIGINT');
    const result = await subprocess;
    expect(result.exitCode).toBe(5);
    // (sent to the whole group, Ctrl-C reaches the program itself: passed on only where perfcell finds it still there)
    const line = /^perfcell: interrupted by SIGINT; (passed it on to the program|the program had it too) \(exit code 5\)$/m.exec(result.stderr)?.[0];
    expect(line, result.stderr).toBeDefined();
    const document = JSON.parse(result.stdout) as { exitCode: number; signal: string | null; interruption?: { signal: string; message: string } };
    expect(schemaErrors('perfcell-report', document)).toEqual([]);
    expect(document.exitCode).toBe(5);
    expect(document.signal).toBeNull();
    expect(document.interruption).toEqual({ signal: 'SIGINT', message: line });
  });

  // GNU timeout follows its signal with a SIGCONT to the group (a stopped command must take it):
  // every `timeout -s INT … perfcell run` had said a Ctrl-Z fell into its command (a QA pass).
  it("under timeout -s INT, which follows its signal with a SIGCONT, says no Ctrl-Z fell into the command", async () => {
    const perf = perfUsable ? ['-e', 'page-faults'] : ['--no-perf'];
    const result = await execa('timeout', ['--preserve-status', '-s', 'INT', '0.5', process.execPath, cliPath, 'run', '--json', ...perf, '--', fixture('sleep-ms'), '5000'], { reject: false, env, timeout: 20_000 });
    expect(result.exitCode, result.stderr).toBe(130);
    const document = JSON.parse(result.stdout) as { warnings: string[]; interruption?: { signal: string } };
    expect(document.interruption?.signal).toBe('SIGINT');
    expect(document.warnings.filter((warning) => warning.includes('Ctrl-Z'))).toEqual([]);
  });

  /**
   * `perfcell run ARGS` of sleep-ms, Ctrl-C to its group 100 ms after the run-th sleep-ms has started
   * (as seen: a suite run beside a busy loop saw it so late that a 300 ms run had ended, and read 3
   * complete runs for 2; the runs interrupted in their third take 800 ms).
   */
  async function interruptDuringRun(args: readonly string[], run: number, columns = '') {
    const subprocess = execa(process.execPath, [cliPath, 'run', ...args], { reject: false, env: { ...env, COLUMNS: columns }, detached: true, timeout: 20_000 });
    const seen = new Set<number>();
    await until(() => {
      for (const pid of pidsInSession(subprocess.pid ?? 0, 'sleep-ms')) seen.add(pid);
      return seen.size >= run;
    }, `run ${run}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.kill(-(subprocess.pid ?? 0), 'SIGINT');
    return subprocess;
  }

  it('-r N keeps only the complete runs in the statistics, says so, and marks the document partial', async () => {
    // Ctrl-C 100 ms into the second run: the first is complete, the second is cut short.
    const result = await interruptDuringRun(['-r', '5', '--json', '--no-perf', '--', fixture('sleep-ms'), '400'], 2);
    expect(result.signal).toBe('SIGINT');
    expect(result.stderr).toMatch(/^perfcell: interrupted by SIGINT during run 2 of 5; the statistics hold the 1 complete run \(the run cut short is left out\)$/m);
    type Run = { durationS: number; signal: string | null };
    const document = JSON.parse(result.stdout) as { runs: Run[]; metrics: { time: { n: number; min: number } }; partial: { reason: string; signal: string; completedRuns: number; requestedRuns: number; stoppedAt: { run: number | null }; droppedRun: Run } };
    expect(schemaErrors('perfcell-run-repeat', document)).toEqual([]);
    expect(document.runs).toHaveLength(1);
    expect(document.metrics.time.n).toBe(1);
    expect(document.metrics.time.min).toBeGreaterThanOrEqual(0.4);
    expect(document.partial).toMatchObject({ reason: 'interrupted', signal: 'SIGINT', completedRuns: 1, requestedRuns: 5, stoppedAt: { run: 2 } });
    expect(document.partial.droppedRun.signal).toBe('SIGINT');
    expect(document.partial.droppedRun.durationS).toBeLessThan(0.4);
  });

  it('-r N in text: the header counts the complete runs of those asked for', async () => {
    const program = fixture('sleep-ms');
    const result = await interruptDuringRun(['-r', '4', '--no-perf', '--', program, '800'], 3);
    expect(result.signal).toBe('SIGINT');
    expect(result.stderr).toContain(`${program} 800: 2 complete runs of 4, interrupted by SIGINT (mean ± sample standard deviation)`);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe('perfcell: interrupted by SIGINT during run 3 of 4; the statistics hold the 2 complete runs (the run cut short is left out)');
  });

  it('-r N at 60 columns: the header and the interruption line wrap at spaces, not mid-word', async () => {
    const program = fixture('sleep-ms');
    const result = await interruptDuringRun(['-r', '4', '--no-perf', '--', program, '800'], 3, '60');
    expect(result.signal).toBe('SIGINT');
    const lines = result.stderr.trimEnd().split('\n');
    // a single word longer than a line (the fixture's path) stays whole
    for (const line of lines) expect(line.length <= 60 || !line.trim().includes(' '), line).toBe(true);
    const words = (text: string) => text.split(/\s+/).filter(Boolean);
    expect(words(result.stderr)).toEqual(expect.arrayContaining([...words(`${program} 800: 2 complete runs of 4, interrupted by SIGINT (mean ± sample standard deviation)`)]));
    const message = 'perfcell: interrupted by SIGINT during run 3 of 4; the statistics hold the 2 complete runs (the run cut short is left out)';
    const last = lines.slice(lines.findIndex((line) => line.startsWith('perfcell: interrupted')));
    expect(last.length).toBeGreaterThan(1);
    for (const continued of last.slice(1)) expect(continued.startsWith(' '.repeat('perfcell: '.length))).toBe(true);
    expect(words(last.join(' '))).toEqual(words(message));
  });
});

describe('perfcell run with a program that cannot be started', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perfcell-launch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 127 for a program not found and 126 for one found but not runnable, as timeout and env do', async () => {
    const missing = await perfcell(['run', '--no-perf', '--', 'no-such-program-xyz']);
    expect([missing.exitCode, missing.stderr]).toEqual([127, 'error: cannot run no-such-program-xyz: no such file or directory (check the name, PATH and permissions)']);
    const notExecutable = join(dir, 'notes.txt');
    writeFileSync(notExecutable, 'echo hi\n');
    chmodSync(notExecutable, 0o644);
    const denied = await perfcell(['run', '--no-perf', '--', notExecutable]);
    expect([denied.exitCode, denied.stderr]).toEqual([126, `error: cannot run ${notExecutable}: permission denied (make it executable: chmod +x ${notExecutable})`]);
    const directory = await perfcell(['run', '--no-perf', '--', dir]);
    expect([directory.exitCode, directory.stderr]).toEqual([126, `error: cannot run ${dir}: it is a directory (give a program, e.g. perfcell run -- ls ${dir})`]);
  });

  it('names a script\'s missing #! interpreter, and an empty program name', async () => {
    const script = join(dir, 'old-script');
    writeFileSync(script, '#!/nonexistent/python2 -u\nprint 1\n');
    chmodSync(script, 0o755);
    const result = await perfcell(['run', '--no-perf', '--', script]);
    expect([result.exitCode, result.stderr]).toEqual([127, `error: cannot run ${script}: its interpreter /nonexistent/python2 (named on its #! line) was not found (install it, or correct the #! line of ${script})`]);
    const empty = await perfcell(['run', '--no-perf', '--', '']);
    expect([empty.exitCode, empty.stderr]).toEqual([127, 'error: cannot run a program with an empty name (the word after -- is ""; give a program, e.g. perfcell run -- ls)']);
    const repeated = await perfcell(['run', '-r', '3', '--no-perf', '--', 'no-such-program-xyz']);
    expect([repeated.exitCode, repeated.stderr]).toEqual([127, 'error: cannot run no-such-program-xyz: no such file or directory (check the name, PATH and permissions)']);
  });
});

describe.runIf(perfUsable)('perfcell run with real perf: labels and :u', () => {
  it('on a pipe, a long label does not push every counter line right', async () => {
    const long = 'x'.repeat(150);
    // sleep: a rate is shown for a run of 1 ms or more (metric-units.ts MIN_RATE_SPAN_S), which `true` may not take
    const result = await perfcell(['run', '-e', 'page-faults', '--', 'sh', '-c', `sleep 0.005; true ${long}`]);
    expect(result.exitCode).toBe(0);
    const line = result.stderr.split('\n').find((text) => /^\s+page-faults/.test(text));
    expect(line).toMatch(/^ {2}page-faults\s+[\d,.]+\/s\s+total /);
    // a short label (`sleep 0.005`, 11 characters) still aligns the counters under it
    const short = await perfcell(['run', '-e', 'page-faults', '--', 'sleep', '0.005']);
    expect(short.stderr).toMatch(/^ {12}page-faults\s+[\d,.]+\/s/m);
  });

  it('says nothing about perf_event_paranoid for a :u the user wrote; a kernel-only event with :u reads 0, said once', async () => {
    const result = await perfcell(['run', '-e', 'page-faults:u', '--', 'sleep', '0.005']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/^ +page-faults:u\s+[\d,.]+\/s\s+total /m);
    expect(result.stderr).not.toContain('perf_event_paranoid');
    const zero = await perfcell(['run', '-e', 'page-faults:u,context-switches:u', '--', 'true']);
    expect(zero.stderr).not.toContain('perf_event_paranoid');
    expect(zero.stderr).toContain("warning: context-switches:u: always read 0 with ':u' (user space only; they happen in the kernel: drop the ':u' to count them)");
  });
});
