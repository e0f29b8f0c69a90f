// A signal perfcell was started with ignored stays ignored, for perfcell and for the programs it
// starts: `nohup` ignores SIGHUP, a script's background job (`cmd &`) SIGINT, and `perf stat`,
// `time` and hyperfine all run on through them. Node sets every signal back to its default as it
// starts, so the bin's shell launcher reads them first (scripts/lib/bin-launcher.mjs,
// src/session/ignored-signals.ts, native/gate-common.h). A QA pass: `nohup perfcell compare …`
// stopped after 7 of 10 rounds on a SIGHUP, and `nohup perfcell run -- PROG` passed it on to PROG.
// Real processes: the bin executed by its own first line, as users run it, in a session of its own,
// and the signal sent to that whole group, as a hang-up or a terminal's Ctrl-C sends it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/fixtures.ts';
import { pidsInSession } from '../support/proc-scan.ts';
import { leakedPerfPidsSettled, perfPidsNow } from '../support/leaked-perf.ts';
import { hasValgrind, runsWith } from '../support/tools.ts';

const bin = fileURLToPath(new URL('../../dist/app/cli.cjs', import.meta.url));
const env = { NO_COLOR: '1' };
let dir = '';
const perfBefore = perfPidsNow();
beforeAll(() => {
  expect(existsSync(bin), `${bin} is missing: run npm run build (vitest's global setup builds it)`).toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'perfcell-ignored-signals-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  expect(await leakedPerfPidsSettled(perfBefore)).toEqual([]);
});

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 500; tries += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** `argv` in a session of its own; `signal` to its whole group once a sleep-ms of it runs. */
async function signalledOnceRunning(argv: readonly string[], signal: NodeJS.Signals) {
  const subprocess = execa(argv[0] as string, argv.slice(1), { reject: false, env, detached: true, timeout: 30_000 });
  const session = subprocess.pid ?? 0;
  await until(() => pidsInSession(session, 'sleep-ms').length > 0, 'sleep-ms to run');
  await new Promise((resolve) => setTimeout(resolve, 100));
  process.kill(-session, signal);
  return subprocess;
}

describe('signals perfcell was started with ignored (real launcher, real signals to the group)', () => {
  // the program says whether the launcher's variable reached it: it must not
  const program = (ms: number) => ['sh', '-c', `${fixture('sleep-ms')} ${ms}; printf %s "\${PERFCELL_SIGIGN-unset}"`];

  it('nohup perfcell run: a hang-up ends neither perfcell nor the program, which does not see the launcher\'s variable', async () => {
    const result = await signalledOnceRunning(['nohup', bin, 'run', '--', ...program(600)], 'SIGHUP');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('unset');
    expect(result.stderr).not.toMatch(/interrupted/);
  });

  it('without nohup, the same hang-up ends the run as an interruption (what the test above tells apart)', async () => {
    const result = await signalledOnceRunning([bin, 'run', '--', ...program(3000)], 'SIGHUP');
    expect(result.signal, result.stderr).toBe('SIGHUP');
    // (sent to the whole group, the hang-up reaches the program itself: passed on only where perfcell finds it still there)
    expect(result.stderr).toMatch(/^perfcell: interrupted by SIGHUP; (passed it on to the program|the program had it too) /m);
  });

  it('nohup perfcell compare: every round runs through a hang-up, its --prepare commands too, and nothing is partial', async () => {
    const sleep = fixture('sleep-ms');
    const result = await signalledOnceRunning(['nohup', bin, 'compare', '--json', '-w', '0', '-r', '4', '--prepare', `${sleep} 60`, '--', `${sleep} 150`, `${sleep} 100`], 'SIGHUP');
    expect(result.exitCode, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as { partial?: unknown; alternatives: Array<{ runs: unknown[] }> };
    expect(document.partial).toBeUndefined();
    expect(document.alternatives.map((alternative) => alternative.runs.length)).toEqual([4, 4]);
  });

  // Every way perfcell starts a program: the gate (run), the server (compare), and Node's spawn
  // (cachegrind's valgrind), each with what nohup ignored, and the defaults without it.
  it('starts the program with what nohup ignored still ignored, however it starts it', async () => {
    const show = fixture('signal-dispositions');
    const ways = [['run', '--', show], ['compare', '-w', '0', '-r', '1', '--show-output', '-N', '--', show, show]];
    if (runsWith('valgrind', hasValgrind, 'run --backend cachegrind under nohup')) ways.push(['run', '--backend', 'cachegrind', '--', show]);
    for (const way of ways) {
      const ignored = await execa('nohup', [bin, ...way], { reject: false, env, timeout: 60_000 });
      const plain = await execa(bin, way, { reject: false, env, timeout: 60_000 });
      const said = (result: { stdout: string; stderr: string }) => `${result.stdout}\n${result.stderr}`;
      expect(said(ignored), way.join(' ')).toMatch(/^HUP=ignored INT=default QUIT=default$/m);
      expect(said(ignored), way.join(' ')).not.toMatch(/^HUP=default/m);
      expect(said(plain), way.join(' ')).toMatch(/^HUP=default INT=default QUIT=default$/m);
    }
  }, 120_000);

  it("a script's background job: a Ctrl-C to the group (which the job ignores) ends neither perfcell nor its program", async () => {
    const out = join(dir, 'background.json');
    const script = `"$0" run --json -o ${out} -- ${fixture('sleep-ms')} 600 & wait`;
    const shell = await signalledOnceRunning(['sh', '-c', script, bin], 'SIGINT');
    expect(shell.exitCode === 0 || shell.signal === 'SIGINT').toBe(true);
    // the shell may be gone; perfcell writes its document when the program ends
    await until(() => existsSync(out) && readFileSync(out, 'utf8').trimEnd().endsWith('}'), 'the run\'s document');
    const document = JSON.parse(readFileSync(out, 'utf8')) as { exitCode: number | null; signal: string | null; interruption?: unknown; durationS: number };
    expect(document.exitCode).toBe(0);
    expect(document.signal).toBeNull();
    expect(document.interruption).toBeUndefined();
    expect(document.durationS).toBeGreaterThanOrEqual(0.6);
  });
});
