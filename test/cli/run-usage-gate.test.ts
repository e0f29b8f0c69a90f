import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { runsWithPerf } from '../support/perf.ts';

/**
 * `perfcell run` spawns its exec gate before it reads its options (session/early-gate.ts); the gate
 * forks a perf launcher and the held child at once. On a usage error none of the three may outlive
 * perfcell, not even as a zombie. Before, the exit hook's SIGKILL left the gate and both children
 * unreaped (zombies handed to init, three per usage error on this VM).
 *
 * perfcell runs under a subreaper (prctl PR_SET_CHILD_SUBREAPER, from python3): whatever of its
 * tree is left when it has exited is handed to the subreaper, which lists it (pid, name, state: running or
 * zombie) and reaps what has ended.
 */
const SUBREAPER = `
import ctypes, json, os, subprocess, sys
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
done = subprocess.run(sys.argv[1:], capture_output=True, timeout=30)
left = []
for name in os.listdir('/proc'):
    try:
        stat = open(f'/proc/{name}/stat').read()
    except (OSError, ValueError):
        continue
    fields = stat[stat.rindex(')') + 2:].split()
    if name.isdigit() and int(fields[1]) == os.getpid():
        left.append(f'{name} {stat[stat.index("(") + 1:stat.rindex(")")]} {fields[0]}')
while True:
    try:
        if os.waitpid(-1, os.WNOHANG)[0] == 0:
            break
    except ChildProcessError:
        break
print(json.dumps({'status': done.returncode, 'stderr': done.stderr.decode(), 'left': left}))
`;

function underSubreaper(args: readonly string[]): { status: number; stderr: string; left: string[] } {
  const result = spawnSync('python3', ['-c', SUBREAPER, process.execPath, cliPath, ...args], { encoding: 'utf8', timeout: 40_000, env: { ...process.env, NO_COLOR: '1' } });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { status: number; stderr: string; left: string[] };
}

describe('run: the early gate never outlives perfcell', () => {
  it.each([
    [['run', '--bogus', '--', 'true'], 2, "error: unknown option '--bogus' (perfcell run --help lists its options)\n"],
    [['run', '--interval', 'often', '--', 'true'], 2, null],
    [['run'], 2, null],
    [['run', '--help'], 0, null],
  ] as const)('%j: exit %i, and nothing of the gate left behind', (args, status, stderr) => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const outcome = underSubreaper(args);
      expect(outcome.status, outcome.stderr).toBe(status);
      if (stderr !== null) expect(outcome.stderr).toBe(stderr);
      expect(outcome.left, 'processes of perfcell\'s left when it had exited').toEqual([]);
    }
  });

  it('a run (without perf) leaves nothing behind either', () => {
    const outcome = underSubreaper(['run', '--no-perf', '--', 'true']);
    expect(outcome.status, outcome.stderr).toBe(0);
    expect(outcome.left).toEqual([]);
  });

  // The gate forks the perf that counts the program; it used to exit right after its report, so
  // that perf (killed by perfcell once its last interval was read) was left to init to reap: a
  // zombie under this sandbox's init, in every run. Now the gate waits for its perf before exiting.
  it.runIf(runsWithPerf('run under a subreaper, with perf'))('a run with perf leaves nothing behind: the gate reaps its perf', () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const outcome = underSubreaper(['run', '-e', 'page-faults', '--', 'true']);
      expect(outcome.status, outcome.stderr).toBe(0);
      expect(outcome.stderr).toMatch(/page-faults .*total \d/);
      expect(outcome.left, "processes of perfcell's left when it had exited").toEqual([]);
    }
  });
});
