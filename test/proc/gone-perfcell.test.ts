import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isPerfcellGone, parsePidNamespace } from '../../src/proc/gone-perfcell.ts';
import { nobodyCanRun, warnNobodySkipped } from '../support/nobody.ts';

describe('gone-perfcell', () => {
  it('a leftover is gone only where it is of this pid namespace and its pid no longer runs', () => {
    const running = (pid: number) => pid === 8;
    expect(isPerfcellGone({ namespace: '11', pid: 7 }, '11', running)).toBe(true);
    expect(isPerfcellGone({ namespace: '11', pid: 8 }, '11', running)).toBe(false);
    expect(isPerfcellGone({ namespace: '12', pid: 7 }, '11', running)).toBe(false);
    expect(isPerfcellGone({ namespace: '11', pid: 7 }, null, running)).toBe(false);
  });

  it('reads the namespace from the link and NSpid, and knows none where /proc lists an outer namespace\'s pids', () => {
    expect(parsePidNamespace('pid:[4026531836]\n', 'Name:\tnode\nNSpid:\t8041\n', 8041)).toBe('4026531836');
    expect(parsePidNamespace('pid:[4026532174]', 'NSpid:\t9156\t3\n', 3)).toBeNull();
    expect(parsePidNamespace('pid:[4026531836]', 'Name:\tnode\n', 8041)).toBeNull();
    expect(parsePidNamespace('garbage', 'NSpid:\t8041\n', 8041)).toBeNull();
  });

  // unshare --pid --fork without --mount-proc: the process is in a new pid namespace, /proc the outer one's
  it.runIf(process.getuid?.() === 0 && spawnSync('unshare', ['--pid', '--fork', 'true']).status === 0)('a real process under a /proc of an outer pid namespace knows none', () => {
    const script = "const { readPidNamespace } = await import(process.argv[1]); console.log(JSON.stringify(readPidNamespace()))";
    // the build (test/global-setup.ts makes it): node 20 runs no TypeScript
    const module = new URL('../../dist/src/proc/gone-perfcell.js', import.meta.url).pathname;
    const run = (wrap: string[]) => execFileSync(wrap[0]!, [...wrap.slice(1), process.execPath, '--input-type=module', '-e', script, module], { encoding: 'utf8' }).trim();
    expect(run(['unshare', '--pid', '--fork'])).toBe('null');
    expect(run(['unshare', '--pid', '--fork', '--mount-proc'])).toMatch(/^"\d+"$/);
  });

  // A review: isPidRunning looked for /proc/PID, which a /proc mounted hidepid=2 hides from other
  // users, so a perfcell run by one user took another's running perfcell for gone and removed the
  // temporary of its -o (its rename then failed, ENOENT). Here a new pid and mount namespace whose
  // /proc is mounted hidepid=2: pid 1 is root's shell, asked about by nobody.
  warnNobodySkipped('isPidRunning under hidepid=2');
  it.runIf(nobodyCanRun && spawnSync('unshare', ['--mount', '--pid', '--fork', 'true']).status === 0)("a process of another user runs where /proc hides it (hidepid=2); a pid that names none does not", () => {
    // [whether nobody sees /proc/1, whether pid 1 runs, whether pid 4000000, which no process of a namespace just made has, runs]
    const script = "const { existsSync } = await import('node:fs'); const { isPidRunning } = await import(process.argv[1]); console.log(JSON.stringify([existsSync('/proc/1'), isPidRunning(1), isPidRunning(4_000_000)]))";
    const module = new URL('../../dist/src/proc/gone-perfcell.js', import.meta.url).pathname;
    const shell = 'mount -t proc -o hidepid=2 proc /proc && setpriv --reuid=65534 --regid=65534 --clear-groups "$@"';
    const output = execFileSync('unshare', ['--mount', '--pid', '--fork', 'sh', '-c', shell, 'sh', process.execPath, '--input-type=module', '-e', script, module], { encoding: 'utf8' });
    expect(output.trim()).toBe('[false,true,false]');
  });
});
