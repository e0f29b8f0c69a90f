// A perf that cannot be spawned (PERFCELL_PERF=/nonexistent). Node 20's ChildProcess.kill() on a
// child whose spawn failed signals a pid it never set: strace saw kill(12824576, SIGKILL), and where
// that memory held 0 the SIGKILL went to perfcell's own process group (`compare -r 2 -- 'node -e 1'
// 'sleep 0.01'` ended 137 in one run of three, and took the shell job running it; a QA pass).
// Real processes under strace, each in a session of its own (setsid): a kill(0) of the old code
// could reach only it. No kill() perfcell makes may find no process (ESRCH) or go to pid 0.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { hasStrace, runsWith } from '../support/tools.ts';

describe.runIf(runsWith('strace', hasStrace, 'the test that a perf which cannot be spawned is never signalled'))('a perf that cannot be spawned', () => {
  it('is never signalled: compare with a Node program (a gate per run) and attach end 0, with no kill() to a pid that is not there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-failed-spawn-'));
    try {
      const target = spawnSync('sh', ['-c', 'sleep 20 >/dev/null 2>&1 & echo $!'], { encoding: 'utf8' });
      const sleeper = target.stdout.trim();
      const commands: Array<[string, string[]]> = [
        ['compare', ['compare', '-w', '0', '-r', '2', '--', 'node -e 1', 'sleep 0.01']],
        ['attach', ['attach', '-d', '0.3', sleeper]],
      ];
      for (const [name, args] of commands) {
        const trace = join(dir, `${name}.trace`);
        const result = spawnSync('setsid', ['-w', 'strace', '-f', '-qq', '-e', 'trace=kill', '-o', trace, process.execPath, cliPath, ...args], {
          encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', PERFCELL_PERF: '/nonexistent' }, timeout: 60_000,
        });
        expect(result.status, `${name}: ${result.stderr}`).toBe(0);
        expect(result.stderr, name).toMatch(/perf not found at \/nonexistent/);
        const stray = readFileSync(trace, 'utf8').split('\n').filter((line) => /kill\(0,|kill\(-?\d+, SIG\w+\)\s+= -1 ESRCH/.test(line));
        expect(stray, name).toEqual([]);
      }
      spawnSync('kill', [sleeper]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
