import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leakedPerfPidsSettled, perfPidsNow } from '../support/leaked-perf.ts';
import { linkedUserProject } from '../support/user-project.ts';
import { pidsInSession } from '../support/proc-scan.ts';

/**
 * A script of the user's that measures programs in a loop, Ctrl-C'd as a terminal does (SIGINT to
 * its whole process group) while a program runs: the program gets it and ends, its measurement
 * ends, and then the script gets it too, as without perfcell. The library had absorbed it: the
 * loop went on and the script exited 0 (a QA pass). A script with a SIGINT handler of its own
 * handles it. Real perfcell (the built library), real sleep, real signals.
 */
let project = '';
const root = fileURLToPath(new URL('../../', import.meta.url));
const perfBefore = perfPidsNow();

beforeAll(() => {
  project = linkedUserProject('perfcell-library-interrupt-');
});
afterAll(async () => {
  rmSync(project, { recursive: true, force: true });
  expect(await leakedPerfPidsSettled(perfBefore)).toEqual([]);
});

const LOOP = [
  "import { measure } from 'perfcell';",
  'for (let round = 1; round <= 3; round++) {',
  "  console.log(`measuring ${round}`);",
  "  const report = await measure(['sleep', '3'], { perf: false });",
  "  console.log(`measured ${round}: exit ${report.exitCode} signal ${report.signal}`);",
  '}',
  "console.log('loop finished');",
].join('\n');

/** Runs `script` in a group of its own, SIGINTs the group once it says 'measuring 1', and gives what it printed and how it ended. */
async function interruptFirstRound(name: string, script: string, env: NodeJS.ProcessEnv = process.env): Promise<{ stdout: string; code: number | null; signal: NodeJS.Signals | null }> {
  const file = join(project, name);
  writeFileSync(file, script);
  const child = spawn(process.execPath, [file], { cwd: project, detached: true, stdio: ['ignore', 'pipe', 'inherit'], env });
  let stdout = '';
  let signalled = false;
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    // once the program runs (its measurement under way): not a fixed wait, which under load could
    // come before the program did (the run without the gate builds nothing first, and took longer)
    if (!signalled && stdout.includes('measuring 1')) {
      signalled = true;
      void (async () => {
        for (let tries = 0; tries < 400 && pidsInSession(child.pid!, 'sleep').length === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 25));
        await new Promise((resolve) => setTimeout(resolve, 100));
        process.kill(-child.pid!, 'SIGINT');
      })();
    }
  });
  const guard = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 30_000);
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  clearTimeout(guard);
  return { stdout, ...ended };
}

describe('measure() in a script of the user\'s: Ctrl-C', () => {
  it('ends the program measured, then the script, as without perfcell (it went on, and exited 0)', { timeout: 40_000 }, async () => {
    const { stdout, code, signal } = await interruptFirstRound('loop.mjs', LOOP);
    expect({ code, signal }, stdout).toEqual({ code: null, signal: 'SIGINT' });
    expect(stdout).toBe('measuring 1\n');
  });

  it('a script with a SIGINT handler of its own handles it, with the measurement its program ended in', { timeout: 40_000 }, async () => {
    const script = `let stop = false;\nprocess.on('SIGINT', () => { stop = true; });\n${LOOP.replace("for (let round = 1; round <= 3; round++) {", 'for (let round = 1; round <= 3 && !stop; round++) {')}`;
    const { stdout, code, signal } = await interruptFirstRound('handled.mjs', script);
    expect({ code, signal }, stdout).toEqual({ code: 0, signal: null });
    expect(stdout).toBe('measuring 1\nmeasured 1: exit null signal SIGINT\nloop finished\n');
  });

  it('ends the script where its program ran without the exec gate (none built, no compiler), as with it (it went on, and exited 0)', { timeout: 40_000 }, async () => {
    // the package without dist/perfcell-exec, and no C compiler to build one: programs run ungated
    const ungated = join(project, 'node_modules', 'perfcell-ungated');
    mkdirSync(join(ungated, 'dist'), { recursive: true });
    cpSync(join(root, 'dist', 'app'), join(ungated, 'dist', 'app'), { recursive: true });
    cpSync(join(root, 'native'), join(ungated, 'native'), { recursive: true });
    cpSync(join(root, 'package.json'), join(ungated, 'package.json'));
    const script = LOOP.replace("from 'perfcell'", "from 'perfcell-ungated'");
    const { stdout, code, signal } = await interruptFirstRound('ungated.mjs', script, { ...process.env, CC: join(project, 'no-such-cc'), XDG_CACHE_HOME: join(project, 'cache') });
    expect({ code, signal }, stdout).toEqual({ code: null, signal: 'SIGINT' });
    expect(stdout).toBe('measuring 1\n');
  });

  it('ends the script where two measurements ran at once and the first begun ended first (it went on, and exited 0)', { timeout: 40_000 }, async () => {
    const script = [
      "import { measure } from 'perfcell';",
      "console.log('measuring 1');",
      "await Promise.all([measure(['sleep', '0.1'], { perf: false }), measure(['sleep', '5'], { perf: false })]);",
      "console.log('went on');",
    ].join('\n');
    const { stdout, code, signal } = await interruptFirstRound('together.mjs', script);
    expect({ code, signal }, stdout).toEqual({ code: null, signal: 'SIGINT' });
    expect(stdout).toBe('measuring 1\n');
  });
});
