/**
 * compare's warm-ups started while perfcell still loads (src/cli/early-warmups.ts,
 * src/session/serve-process.ts): each program runs as often, in the same order, as with the early
 * start switched off (PERFCELL_EARLY_WARMUPS=0); a failing warm-up stops compare as before, with
 * nothing run after it; a command line compare refuses runs nothing; SIGINT to perfcell ends a
 * warm-up at once; nothing is left behind. Real perfcell, real programs (each appends its name to a log), real perf.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cgroupsOf, processesInCgroupsOf } from '../support/cgroups.ts';
import { cliPath } from '../support/fixtures.ts';
import { leakedPerfPids, perfPidsNow } from '../support/leaked-perf.ts';
import { pidsInSession } from '../support/proc-scan.ts';

const dir = mkdtempSync(join(tmpdir(), 'perfcell-early-warmups-'));
const perfBefore = perfPidsNow();
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  expect(leakedPerfPids(perfBefore)).toEqual([]);
});

/** A command for compare that appends `name` to `log` (and exits `exit`). */
const appends = (log: string, name: string, exit = 0): string => `sh -c 'echo ${name} >> ${log}; exit ${exit}'`;
const logOf = (log: string): string => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).join(' ') : '');

async function compare(args: readonly string[], early: boolean) {
  const child = execa(process.execPath, [cliPath, 'compare', ...args], {
    reject: false,
    env: { NO_COLOR: '1', ...(early ? {} : { PERFCELL_EARLY_WARMUPS: '0' }) },
    timeout: 120_000,
  });
  const result = await child;
  // what it started is gone once it has exited: its server, its forker, their cgroup
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(processesInCgroupsOf(child.pid!)).toEqual([]);
  expect(cgroupsOf(child.pid!)).toEqual([]);
  return result;
}

describe.concurrent('perfcell compare: warm-ups started before the options are parsed', () => {
  it.each([true, false])('every program runs as often and in the same order, early or not (early: %s)', async (early) => {
    const log = join(dir, `order-${early}.log`);
    const result = await compare(['--warmup', '2', '--runs', '3', '--json', '--', appends(log, 'a'), appends(log, 'b')], early);
    expect(result.exitCode, result.stderr).toBe(0);
    // two warm-up rounds, three counted ones taking turns at going first (the noise floor writes nothing)
    expect(logOf(log)).toBe('a b a b a b b a a b');
    const document = JSON.parse(result.stdout) as { alternatives: Array<{ runs: unknown[] }> };
    expect(document.alternatives.map((alternative) => alternative.runs.length)).toEqual([3, 3]);
  });

  it.each([true, false])('with --names and --shell: the same runs, each under sh -c (early: %s)', async (early) => {
    const log = join(dir, `shell-${early}.log`);
    const result = await compare(['--names', 'first', 'second', '--shell', '--warmup', '1', '--runs', '2', '--json', '--', `echo a | cat >> ${log}`, `echo b | cat >> ${log}`], early);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(logOf(log)).toBe('a b a b b a');
    const document = JSON.parse(result.stdout) as { alternatives: Array<{ name: string; runs: unknown[] }> };
    expect(document.alternatives.map((alternative) => [alternative.name, alternative.runs.length])).toEqual([['first', 2], ['second', 2]]);
  });

  it.each([true, false])("with hyperfine's exports, --style, --sort and -u: the same runs, and the files written (early: %s)", async (early) => {
    const log = join(dir, `exports-${early}.log`);
    const markdown = join(dir, `exports-${early}.md`);
    const result = await compare(['-w', '1', '-r', '2', '--style', 'basic', '--sort', 'command', '-u', 'millisecond', '--export-markdown', markdown, '--export-json', join(dir, `exports-${early}.json`), '--', appends(log, 'a'), appends(log, 'b')], early);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(logOf(log)).toBe('a b a b b a');
    expect(readFileSync(markdown, 'utf8')).toContain('| Mean [ms] |');
  });

  it.each([true, false])('a warm-up that fails stops compare as it did, with nothing run after it (early: %s)', async (early) => {
    const log = join(dir, `fails-${early}.log`);
    const result = await compare(['--warmup', '2', '--runs', '3', '--', appends(log, 'a'), appends(log, 'b', 3), appends(log, 'c')], early);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/"sh -c 'echo b >> .*'" exited with code 3/);
    expect(logOf(log)).toBe('a b');
  });

  it('a command line compare refuses runs nothing: a bad --runs, an option early starts do not read', async () => {
    const log = join(dir, 'refused.log');
    const badRuns = await compare(['--warmup', '1', '--runs', '0', '--', appends(log, 'a')], true);
    expect(badRuns.exitCode).toBe(2);
    expect(badRuns.stderr).toMatch(/--runs/);
    const unknown = await compare(['--warmup', '1', '--bogus', '--', appends(log, 'a')], true);
    expect(unknown.exitCode).toBe(2);
    // an export compare cannot write: refused before any run, early or not
    const folder = await compare(['--warmup', '1', '--export-markdown', dir, '--', appends(log, 'a')], true);
    expect([folder.exitCode, folder.stderr]).toEqual([2, `error: --export-markdown ${dir} is a folder (give a file name in it, e.g. --export-markdown ${dir}/compare.md)`]);
    expect(logOf(log)).toBe('');
  });

  it('SIGINT to perfcell alone during an early warm-up: passed on to it, compare ends at once saying so and by the signal, nothing left behind', async () => {
    const marker = join(dir, 'slow-started');
    const startedS = performance.now() / 1000;
    const child = spawn(process.execPath, [cliPath, 'compare', '--warmup', '3', '--runs', '2', '--', `sh -c 'sleep 1; touch ${marker}; exec sleep 20'`], {
      detached: true,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    const guard = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 60_000);
    while (!existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // to perfcell alone: it passes the signal on to the running warm-up, as to any run
    process.kill(child.pid!, 'SIGINT');
    const signal = await ended;
    clearTimeout(guard);
    // it ends by the signal, as hyperfine does ($? 130)
    expect(signal, stderr).toBe('SIGINT');
    expect(stderr).toMatch(/interrupted by SIGINT before any round finished/);
    // not three warm-ups of 20 s
    expect(performance.now() / 1000 - startedS).toBeLessThan(15);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processesInCgroupsOf(child.pid!)).toEqual([]);
    expect(cgroupsOf(child.pid!)).toEqual([]);
  });
  it("Ctrl-C to the group that an early warm-up's program takes and exits by (its trap): compare ends as interrupted, not by the program's failure", async () => {
    const marker = join(dir, 'trapped');
    const child = spawn(process.execPath, [cliPath, 'compare', '--warmup', '1', '--runs', '2', '--', `sh -c 'trap "touch ${marker}; exit 3" INT; sleep 20'`], {
      detached: true,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    const guard = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 60_000);
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    while (pidsInSession(child.pid!, 'sleep').length === 0) await pause(20);
    await pause(200);
    // perfcell held back, as a loaded machine's scheduler held it (compare said 'exited with code 3'
    // and exited 1 there, 3 of 25 runs beside four busy loops): the Ctrl-C reaches the whole group
    // as a terminal sends it, the program's trap ends it, and the gate reports its end, all before
    // perfcell's own SIGINT handler can run
    process.kill(child.pid!, 'SIGSTOP');
    process.kill(-child.pid!, 'SIGINT');
    while (!existsSync(marker) || pidsInSession(child.pid!, 'sh').length > 0) await pause(20);
    await pause(100);
    process.kill(child.pid!, 'SIGCONT');
    const { code, signal } = await ended;
    clearTimeout(guard);
    expect({ code, signal }, stderr).toEqual({ code: null, signal: 'SIGINT' });
    expect(stderr).toMatch(/interrupted by SIGINT before any round finished/);
    expect(stderr).not.toMatch(/exited with code 3/);
  });
});
