import { execa } from 'execa';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cliPath, fixture } from '../support/fixtures.ts';
import { outsidePerfStat, perfStatPageFaultsRange } from '../support/perf.ts';
import { catchesSigurg } from '../support/process-state.ts';
import { ubuntuPerf } from '../support/ubuntu-perf.ts';

/**
 * `perfcell run`'s gate execs perf the moment it starts, before perfcell has read its options:
 * native/perfcell-perf-hold.c, loaded into perf with LD_PRELOAD, holds perf at main() until the
 * argv comes. Real perf, real gate. The fallbacks: a perf that ignores the library once exec'd (a
 * static ELF standing in for perf that execs the real one), and a copy of the real perf with file
 * capabilities, which the gate does not exec early at all (the loader would ignore LD_PRELOAD).
 */
const root = join(import.meta.dirname, '..', '..');
const library = join(root, 'dist', 'perfcell-perf-hold');
const gateBinary = join(root, 'dist', 'perfcell-exec');
const realPerf = execFileSync('sh', ['-c', 'command -v perf'], { encoding: 'utf8' }).trim();

/** A request as the gate sends it: "LEN\n", then LEN bytes of NUL-ended fields. */
function request(fields: readonly string[]): string {
  const payload = fields.map((field) => `${field}\0`).join('');
  return `${Buffer.byteLength(payload)}\n${payload}`;
}

function untilExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

/** The first `size` bytes a stream gives. */
function firstBytes(stream: Readable, size: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= size) {
        stream.off('data', onData);
        resolve(got.subarray(0, size));
      }
    };
    stream.on('data', onData);
    stream.once('end', () => reject(new Error(`ended after ${got.length} bytes`)));
  });
}

/** perf exec'd as the gate's launcher execs it, the library's fds 3 (argv in) and 4 (held out). */
function heldPerf(): { perf: ChildProcess; requests: Writable; held: Readable; stdout: () => string; stderr: () => string } {
  const perf = spawn(realPerf, ['--version', 'x'.repeat(2047)], {
    argv0: 'perf',
    stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, LD_PRELOAD: library, PERFCELL_PERF_HOLD: '3,4', PERFCELL_PERF_HOLD_PRELOAD: '', LC_ALL: 'C' },
  });
  let stdout = '';
  let stderr = '';
  perf.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  perf.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { perf, requests: perf.stdio[3] as Writable, held: perf.stdio[4] as Readable, stdout: () => stdout, stderr: () => stderr };
}

/** Children of `parent` by /proc: pid and comm. */
function childrenOf(parent: number): Array<{ pid: number; comm: string }> {
  const found: Array<{ pid: number; comm: string }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parent) found.push({ pid: Number(name), comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** The "-" gate, as early-gate.ts spawns it; its report lines collected. */
function lateGate(extra: readonly string[]): { gate: ChildProcess; lines: () => string[] } {
  const gate = spawn(gateBinary, ['3', '4', '-', ...extra], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'] });
  let text = '';
  (gate.stdio[4] as Readable).on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { gate, lines: () => text.split('\n').filter(Boolean) };
}

async function until<T>(read: () => T | undefined, ms: number): Promise<T | undefined> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 10))) {
    const value = read();
    if (value !== undefined) return value;
  }
  return read();
}

describe('perfcell-perf-hold: perf held at main() until its argv comes', () => {
  it('says it holds, then runs the argv it is sent: counts as perf stat, the command line rewritten, nothing it starts held', async () => {
    const { perf, requests, held, stdout, stderr } = heldPerf();
    expect((await firstBytes(held, 4)).readInt32LE(0)).toBe(-1);
    expect(readFileSync(`/proc/${perf.pid}/comm`, 'utf8').trim()).toBe('perf');
    const command = [fixture('touch-pages'), '400'];
    // the workload prints its environment (the library is not passed on), then waits on its stdin so
    // that perf is still there to read its command line from; perf stat's stdin is /dev/null, where
    // the same `read` returns at once
    const script = `env; read go; exec ${command.join(' ')}`;
    requests.end(request(['perf', 'stat', '-x,', '-e', 'page-faults', '--', 'sh', '-c', script]));
    const cmdline = await until(() => {
      const text = readFileSync(`/proc/${perf.pid}/cmdline`, 'utf8');
      return text.startsWith('perf\0stat\0') ? text : undefined;
    }, 5000);
    perf.stdin!.end('go\n');
    expect(await untilExit(perf)).toBe(0);
    expect(cmdline?.split('\0').filter(Boolean).slice(0, 5)).toEqual(['perf', 'stat', '-x,', '-e', 'page-faults']);
    expect(stdout()).not.toMatch(/LD_PRELOAD=.*perfcell-perf-hold|PERFCELL_PERF_HOLD/);
    expect(stdout()).toMatch(/^LC_ALL=C$/m);
    const line = stderr().split('\n').find((text) => text.includes(',page-faults'));
    const counted = Number(line?.split(',')[0]);
    const reference = perfStatPageFaultsRange(['sh', '-c', script]);
    expect(outsidePerfStat(counted, reference), `${counted} against perf stat's ${reference.min}-${reference.max}`).toBeLessThan(0.01);
  });

  it('exits 0 and runs nothing at end of file (no perf wanted)', async () => {
    const { perf, requests, held, stdout, stderr } = heldPerf();
    expect((await firstBytes(held, 4)).readInt32LE(0)).toBe(-1);
    requests.end();
    expect(await untilExit(perf)).toBe(0);
    expect(stdout() + stderr()).toBe('');
  });

  it('execs another argv[0] than its own, and says why where that fails', async () => {
    const other = heldPerf();
    await firstBytes(other.held, 4);
    other.requests.end(request(['sh', '-c', 'echo "other $LD_PRELOAD"']));
    expect(await untilExit(other.perf)).toBe(0);
    expect(other.stdout()).toBe('other \n');
    const missing = heldPerf();
    await firstBytes(missing.held, 4);
    const errno = firstBytes(missing.held, 4);
    missing.requests.end(request(['/nonexistent/perf', 'stat']));
    expect(await untilExit(missing.perf)).toBe(127);
    expect((await errno).readInt32LE(0)).toBe(2); // ENOENT
  });
});

/** perf `perf stat -x, -I 10000 … -- sh -c SCRIPT` with the library in it, as the group launcher starts it (no hold), its stderr collected. */
function preloadedPerf(script: string, env: NodeJS.ProcessEnv): { perf: ChildProcess; stdout: () => string; stderr: () => string } {
  const perf = spawn(realPerf, ['stat', '-x,', '-I', '10000', '-e', 'page-faults', '--', 'sh', '-c', script], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, LD_PRELOAD: library, PERFCELL_PERF_HOLD_PRELOAD: '', LC_ALL: 'C', ...env },
  });
  let stdout = '';
  let stderr = '';
  perf.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  perf.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { perf, stdout: () => stdout, stderr: () => stderr };
}

describe('perfcell-perf-hold: the nudge (SIGURG) makes perf print its interval at once', () => {
  // perf ticks every 10 s here: an interval row within the test's few seconds is the nudge's
  it('prints an interval row for each SIGURG, long before its tick, and passes LD_PRELOAD back to what perf runs', async () => {
    const { perf, stdout, stderr } = preloadedPerf('env; read go', {});
    const rows = (): string[] => stderr().split('\n').filter((line) => line.endsWith(',page-faults,0,100.00,,') || /^\s*[\d.]+,\d+,,page-faults,/.test(line));
    expect(await until(() => (stdout().includes('PATH=') ? true : undefined), 5000)).toBe(true);
    expect(catchesSigurg(perf.pid!)).toBe(true);
    for (const count of [1, 2]) {
      perf.kill('SIGURG');
      expect(await until(() => (rows().length >= count ? true : undefined), 3000), stderr()).toBe(true);
    }
    perf.stdin!.end('go\n');
    expect(await untilExit(perf)).toBe(0);
    // two nudged rows, and the final one perf prints as the workload ends; all well before 10 s
    const times = rows().map((line) => Number(line.split(',')[0]));
    expect(times.length, stderr()).toBe(3);
    expect(Math.max(...times)).toBeLessThan(9);
    expect(stdout()).not.toMatch(/LD_PRELOAD=|PERFCELL_PERF_HOLD/);
  });

  it('with PERFCELL_PERF_NUDGE=0 perf does not catch SIGURG: ignored, it prints nothing for it and goes on', async () => {
    const { perf, stdout, stderr } = preloadedPerf('echo started; read go', { PERFCELL_PERF_NUDGE: '0' });
    expect(await until(() => (stdout().includes('started') ? true : undefined), 5000)).toBe(true);
    expect(catchesSigurg(perf.pid!)).toBe(false);
    perf.kill('SIGURG');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stderr()).not.toMatch(/page-faults/);
    perf.stdin!.end('go\n');
    expect(await untilExit(perf)).toBe(0);
    expect(stderr().split('\n').filter((line) => line.includes(',page-faults,'))).toHaveLength(1);
  });
});

describe("perfcell run's gate: perf exec'd before the options are read", () => {
  it('becomes perf as soon as the gate starts, and ends with the gate where no command comes', async () => {
    const { gate, lines } = lateGate([]);
    expect(await until(() => lines().find((line) => line.startsWith('ready ')), 5000)).toBeDefined();
    const perf = await until(() => childrenOf(gate.pid!).find((child) => child.comm === 'perf'), 5000);
    expect(perf, 'a child of the gate that is perf').toBeDefined();
    (gate.stdio[3] as Writable).end(); // perfcell gone before its request
    expect(await untilExit(gate)).toBe(0);
    expect(await until(() => (childrenOf(gate.pid!).length === 0 && !readdirSync('/proc').includes(String(perf!.pid)) ? true : undefined), 5000)).toBe(true);
  });

  it('with "no-early-perf" (perfcell run --no-perf) execs no perf', async () => {
    const { gate, lines } = lateGate(['no-early-perf']);
    expect(await until(() => lines().find((line) => line.startsWith('ready ')), 5000)).toBeDefined();
    // the gate with a perf to hold has it within some 30 ms here; this one, none in a second
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(childrenOf(gate.pid!).map((child) => child.comm)).toEqual(['perfcell-exec', 'perfcell-exec']);
    (gate.stdio[3] as Writable).end();
    expect(await untilExit(gate)).toBe(0);
  });

  it('run -r: every run\'s perf is its gate\'s (the next gate armed as each program ends), and the program sees no hold', async () => {
    // each run's program finds the perf counting it (--pid of its own) and says whose child it is,
    // and which of the library's variables it inherited (none)
    const probe = 'for d in /proc/[0-9]*; do [ "$(cat $d/comm 2>/dev/null)" = perf ] && tr "\\0" " " < $d/cmdline | grep -q -- "--pid $$ " && echo "perf-parent $(cut -d" " -f4 $d/stat) gate $PPID"; done; env | grep -c -e PERFCELL_PERF_HOLD -e perfcell-perf-hold';
    const result = await execa(process.execPath, [cliPath, 'run', '-r', '3', '-e', 'page-faults', '--', 'sh', '-c', probe], { reject: false, timeout: 60_000 });
    expect(result.exitCode, result.stderr).toBe(1); // grep -c found none
    const lines = result.stdout.split('\n').filter((line) => line.startsWith('perf-parent'));
    expect(lines, result.stdout).toHaveLength(3);
    for (const line of lines) {
      const [, parent, , gate] = line.split(' ');
      expect(parent, line).toBe(gate);
    }
    expect(result.stdout.split('\n').filter((line) => line === '0')).toHaveLength(3);
  });

  // armEarlyGate added an exit listener for each gate it armed: Node warned from the ninth (a QA pass)
  it('run -r 12 arms twelve gates without a listener each: no MaxListenersExceededWarning', async () => {
    const result = await execa(process.execPath, [cliPath, 'run', '-r', '12', '--no-perf', '--', 'true'], { reject: false, timeout: 60_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^true: 12 runs/m);
    expect(result.stderr).not.toMatch(/MaxListenersExceeded|Warning:/);
  });

  it('counts a run as perf stat does: held, not held (a static perf, and one with file capabilities, ignore LD_PRELOAD), and switched off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-static-perf-'));
    try {
      const source = join(dir, 'perf.c');
      writeFileSync(source, `#include <string.h>\n#include <stdio.h>\n#include <unistd.h>\nint main(int c, char **v) {\n  if (c >= 2 && strcmp(v[1], "--version") == 0) { puts("perf version 6.1.0"); return 0; }\n  v[0] = "perf";\n  execv(${JSON.stringify(realPerf)}, v);\n  return 127;\n}\n`);
      const staticPerf = join(dir, 'perf');
      let staticProblem: string | null = null;
      try {
        execFileSync('cc', ['-O2', '-static', '-o', staticPerf, source], { stdio: 'pipe' });
      } catch (error) {
        staticProblem = String((error as { stderr?: Buffer }).stderr ?? error).split('\n')[0]!;
      }
      const command = [fixture('touch-pages'), '400'];
      const reference = perfStatPageFaultsRange(command);
      const cases: Array<[string, NodeJS.ProcessEnv]> = [
        ['held', {}],
        ['switched off', { PERFCELL_HOLD_PERF: '0' }],
      ];
      if (staticProblem === null) cases.push(['a static perf', { PERFCELL_PERF: staticPerf }]);
      else console.log(`not run: the static perf case (cc -static failed: ${staticProblem}; install libc6-dev)`);
      // a copy of perf with file capabilities, as `setcap cap_perfmon+ep` gives non-root users: the loader ignores LD_PRELOAD for it
      const capable = join(dir, 'capable', 'perf');
      mkdirSync(join(dir, 'capable'));
      copyFileSync(realPerf, capable);
      const setcap = spawnSync('setcap', ['cap_perfmon+ep', capable], { encoding: 'utf8' });
      if (setcap.status === 0) cases.push(['a perf with file capabilities', { PERFCELL_PERF: capable }]);
      else console.log(`not run: the file-capabilities case (setcap failed: ${setcap.error?.message ?? setcap.stderr.trim()}; install libcap2-bin)`);
      for (const [name, env] of cases) {
        const result = await execa(process.execPath, [cliPath, 'run', '--json', '-e', 'page-faults', '--', ...command], { env, reject: false, timeout: 60_000 });
        expect(result.exitCode, `${name}: ${result.stderr}`).toBe(0);
        const report = JSON.parse(result.stdout) as { counters: { events: Array<{ event: string; total: number | null }> } };
        const counted = report.counters.events.find((counter) => counter.event === 'page-faults')?.total ?? NaN;
        expect(outsidePerfStat(counted, reference), `${name}: ${counted} against perf stat's ${reference.min}-${reference.max}`).toBeLessThan(0.01);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Ubuntu's perf, a bash script that execs the running kernel's perf: that perf is exec'd directly, held", () => {
  // The wrapper as linux-tools-common ships it (test/support/ubuntu-perf.ts), its folder in a temporary
  // one, over this machine's real perf. Through bash, the library would be gone from LD_PRELOAD
  // before the script's exec of perf (it puts LD_PRELOAD back first thing), so perf would start the
  // old way, once perfcell has sent its argv, and would not take the nudge.
  // The program finds the perf counting it and says which file it is, and whether perf was exec'd held
  // (its environment as exec'd: /proc/PID/environ keeps what the library unset later).
  const probe = 'for d in /proc/[0-9]*; do tr "\\0" " " < $d/cmdline 2>/dev/null | grep -q -- "--pid $$ " && echo "exe $(readlink $d/exe) held $(tr "\\0" "\\n" < $d/environ | grep -c ^PERFCELL_PERF_HOLD=)"; done; true';
  const realFile = execFileSync('readlink', ['-f', realPerf], { encoding: 'utf8' }).trim();

  it('run: the kernel\'s perf, held from the gate\'s start; counts as perf stat', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-ubuntu-perf-'));
    try {
      const env = { PERFCELL_PERF: ubuntuPerf(dir) };
      const probed = await execa(process.execPath, [cliPath, 'run', '-e', 'page-faults', '--', 'sh', '-c', probe], { env, reject: false, timeout: 60_000 });
      expect(probed.exitCode, probed.stderr).toBe(0);
      expect(probed.stdout.trim()).toBe(`exe ${realFile} held 1`);
      // switched off: the script runs, and execs the same perf the old way
      const old = await execa(process.execPath, [cliPath, 'run', '-e', 'page-faults', '--', 'sh', '-c', probe], { env: { ...env, PERFCELL_HOLD_PERF: '0' }, reject: false, timeout: 60_000 });
      expect(old.stdout.trim(), old.stderr).toBe(`exe ${realFile} held 0`);
      const command = [fixture('touch-pages'), '400'];
      const reference = perfStatPageFaultsRange(command);
      const result = await execa(process.execPath, [cliPath, 'run', '--json', '-e', 'page-faults', '--', ...command], { env, reject: false, timeout: 60_000 });
      expect(result.exitCode, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as { counters: { events: Array<{ event: string; total: number | null }> } };
      const counted = report.counters.events.find((counter) => counter.event === 'page-faults')?.total ?? NaN;
      expect(outsidePerfStat(counted, reference), `${counted} against perf stat's ${reference.min}-${reference.max}`).toBeLessThan(0.01);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("without the kernel's perf, the script's own warning becomes the error, and the install it names", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-ubuntu-perf-'));
    try {
      const result = await execa(process.execPath, [cliPath, 'run', '-e', 'page-faults', '--', 'true'], { env: { PERFCELL_PERF: ubuntuPerf(dir, false) }, reject: false, timeout: 60_000 });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/^error: perf is not installed for kernel \S+ \(run: sudo apt-get install linux-tools-/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
