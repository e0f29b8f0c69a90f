import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CachegrindError } from '../../src/backends/cachegrind-error.ts';
import { runUnderCachegrind, type CachegrindRun } from '../../src/backends/cachegrind.ts';
import { UsageError } from '../../src/errors.ts';
import { LaunchError } from '../../src/session/exec-failure.ts';
import { runsWith } from '../support/tools.ts';

const hasTool = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const canRun = hasTool('valgrind', ['--version']) && hasTool('cc', ['--version']);
const rowcolSource = join(import.meta.dirname, '../../samples/rowcol/rowcol.c');

/** valgrind's own end-of-run summary lines ("D1  misses: 74,095 (…)") as label → count. */
function parseValgrindLog(log: string): Map<string, number> {
  const summary = new Map<string, number>();
  for (const match of log.matchAll(/^==\d+== (\S+)\s+(\S+):\s+([\d,]+)(?:\s+\(\s*([\d,]+) rd)?/gm)) {
    summary.set(`${match[1]} ${match[2]}`, Number(match[3]!.replaceAll(',', '')));
    if (match[4] !== undefined) summary.set(`${match[1]} ${match[2]} rd`, Number(match[4].replaceAll(',', '')));
  }
  return summary;
}

function totalOf(run: CachegrindRun, event: string): number | null | undefined {
  return run.counters.events.find((aggregate) => aggregate.event === event)?.total;
}

// Without valgrind these fail (naming it) unless PERFCELL_TEST_ALLOW_MISSING waives it; then they say they are skipped.
describe.runIf(runsWith('valgrind', canRun, 'the runUnderCachegrind tests'))('runUnderCachegrind with real valgrind', () => {
  let dir: string;
  let outDir: string;
  let rowcol: string;
  let exiter: string;
  let forker: string;
  let undecodable: string;
  let killPath: string;
  let output: { stdout: string; stderr: string; open(): ['ignore', number, number]; close(): void };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'perfcell-cachegrind-test-'));
    // Static: no dynamic loader, so the counts are the same from run to run.
    rowcol = join(dir, 'rowcol');
    execFileSync('cc', ['-O2', '-static', '-o', rowcol, rowcolSource], { timeout: 60_000 });
    exiter = join(dir, 'exiter');
    writeFileSync(
      `${exiter}.c`,
      '#include <signal.h>\n#include <stdlib.h>\n#include <string.h>\n' +
        'int main(int argc, char **argv) {\n' +
        '  if (argc > 1 && strcmp(argv[1], "segv") == 0) raise(SIGSEGV);\n' +
        '  return argc > 1 ? atoi(argv[1]) : 0;\n}\n',
    );
    execFileSync('cc', ['-O2', '-static', '-o', exiter, `${exiter}.c`], { timeout: 60_000 });
    // writes 256 × 256 doubles (8,192 lines), then forks a child that only exits
    forker = join(dir, 'forker');
    writeFileSync(
      `${forker}.c`,
      '#include <stdlib.h>\n#include <unistd.h>\n#include <sys/wait.h>\n' +
        'int main(void) {\n  volatile double *m = malloc(sizeof(double) * 256 * 256);\n' +
        '  for (int i = 0; i < 256 * 256; i++) m[i] = 1;\n' +
        '  if (fork() == 0) _exit(0);\n  wait(0);\n  return 0;\n}\n',
    );
    execFileSync('cc', ['-O2', '-static', '-o', forker, `${forker}.c`], { timeout: 60_000 });
    // sha256rnds2 (SHA-NI), which valgrind 3.19 cannot decode; whether this CPU runs it does not matter here
    undecodable = join(dir, 'undecodable');
    writeFileSync(`${undecodable}.c`, 'int main(void) { __asm__ volatile(".byte 0x0f, 0x38, 0xcb, 0xd1"); return 0; }\n');
    execFileSync('cc', ['-O2', '-static', '-o', undecodable, `${undecodable}.c`], { timeout: 60_000 });
    // procps's kill, not the shell's builtin: a program of its own, which valgrind can skip
    killPath = (process.env['PATH'] ?? '').split(':').map((folder) => join(folder, 'kill')).find((file) => existsSync(file)) ?? '/bin/kill';
    let fds: number[] = [];
    output = {
      stdout: join(dir, 'stdout.txt'),
      stderr: join(dir, 'stderr.txt'),
      open() {
        fds = [openSync(this.stdout, 'w'), openSync(this.stderr, 'w')];
        return ['ignore', fds[0]!, fds[1]!];
      },
      close() {
        for (const fd of fds) closeSync(fd);
        fds = [];
      },
    };
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(() => {
    outDir = mkdtempSync(join(dir, 'out-'));
  });

  it('reports the counts valgrind itself prints for the same run, and leaves no temp files', async () => {
    const stdio = output.open();
    const run = await runUnderCachegrind(rowcol, ['col', '256'], { outDir, stdio }).finally(() => output.close());
    // The program's output reached its stdout; valgrind's chatter did not reach its stderr.
    // Σ (k mod 7) over k < 256²: 21 per full cycle of 7, plus 0 + … + (r − 1).
    const cells = 256 * 256;
    const sum = 21 * Math.floor(cells / 7) + ((cells % 7) * ((cells % 7) - 1)) / 2;
    expect(readFileSync(output.stdout, 'utf8')).toBe(`col N=256 reps=1 sum=${sum}\n`);
    expect(readFileSync(output.stderr, 'utf8')).toBe('');
    expect(readdirSync(outDir)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.signal).toBeNull();
    expect(run.durationS).toBeGreaterThan(0);

    // The same run straight under valgrind, its output to files too: libc sets up stdout
    // buffering differently for /dev/null, which shifts the counts by a few references.
    const logPath = join(dir, 'direct.log');
    const directStdio = output.open();
    try {
      execFileSync(
      'valgrind',
        ['--tool=cachegrind', '--cache-sim=yes', `--cachegrind-out-file=${join(dir, 'direct.out')}`, `--log-file=${logPath}`, rowcol, 'col', '256'],
        { stdio: directStdio, timeout: 60_000 },
      );
    } finally {
      output.close();
    }
    const direct = parseValgrindLog(readFileSync(logPath, 'utf8'));
    for (const event of ['D1 misses', 'D refs', 'LLd misses', 'LL misses', 'LL refs', 'I refs', 'I1 misses', 'LLi misses']) {
      expect({ event, total: totalOf(run, event) }).toEqual({ event, total: direct.get(event) });
    }
    expect(totalOf(run, 'D1 read misses')).toBe(direct.get('D1 misses rd'));

    expect(run.counters).toMatchObject({ backend: 'cachegrind', simulated: true, intervalMs: null, unsupported: [], pauseS: 0 });
    expect(run.counters.derived.missRatio).toBeCloseTo(direct.get('D1 misses')! / direct.get('D refs')!, 12);
    expect(run.profile?.caches.map((cache) => cache.level)).toEqual(['I1', 'D1', 'LL']);
  }, 120_000);

  // A QA pass: `run --backend cachegrind -- ./script.sh` counted the shell alone (2,465 D1 misses
  // for a script whose program had 296,692), where run's perf counts the program and its children.
  it('counts the program\'s children too: a shell that runs the column walk, as the walk and the shell alone add up', async () => {
    const stdio = ['ignore', 'ignore', 'ignore'] as const;
    const walk = await runUnderCachegrind(rowcol, ['col', '256'], { outDir, stdio: [...stdio] });
    // `; true`: the walk a child of the shell's (a last command alone the shell would exec)
    const shell = await runUnderCachegrind('sh', ['-c', `${rowcol} col 256; true`], { outDir, stdio: [...stdio] });
    const shellAlone = await runUnderCachegrind('sh', ['-c', 'true; true'], { outDir, stdio: [...stdio] });
    const [walkMisses, shellMisses, aloneMisses] = [walk, shell, shellAlone].map((run) => totalOf(run, 'D1 misses')!);
    expect(walkMisses).toBeGreaterThan(256 * 256);
    // the shell's own counts move a little from one run to the next (its environment, its fork)
    expect(Math.abs(shellMisses! - walkMisses! - aloneMisses!), `${shellMisses} against ${walkMisses} + ${aloneMisses}`).toBeLessThan(0.1 * aloneMisses! + 50);
    // the shell forked the walk and exec'd it: the walk's counts began at zero
    expect(shell.forkedProcesses).toBe(0);
    expect(readdirSync(outDir)).toEqual([]);
  }, 120_000);

  // A QA pass: a child forked without exec starts with a copy of its parent's counts, so the sum
  // held the parent's fill twice (68,877 D1 misses for 34,459), and nothing said so.
  it('tells a child forked without exec, whose counts began as a copy of its parent\'s', async () => {
    const run = await runUnderCachegrind(forker, [], { outDir, stdio: ['ignore', 'ignore', 'ignore'] });
    expect(run.exitCode).toBe(0);
    expect(run.forkedProcesses).toBe(1);
    // the fill's 8,192 write misses in the parent's counts and again in the child's copy of them
    expect(totalOf(run, 'D1 misses')! - totalOf(run, 'D1 read misses')!).toBeGreaterThanOrEqual(2 * 8192);
    expect(readdirSync(outDir)).toEqual([]);
  }, 120_000);

  // A QA pass: valgrind's SIGILL for an instruction it cannot decode read as the program's own crash
  // (its log, which said so, is removed with the run).
  it('says which instruction valgrind could not decode, where it raised SIGILL in the program', async () => {
    const run = await runUnderCachegrind(undecodable, [], { outDir, stdio: ['ignore', 'ignore', 'ignore'] });
    expect(run).toMatchObject({ exitCode: null, signal: 'SIGILL' });
    expect(run.unhandledInstruction?.bytes).toMatch(/^0xF 0x38 0xCB 0xD1\b/);
    expect(run.unhandledInstruction?.location).toMatch(new RegExp(`^0x[0-9A-F]+: main \\(in ${undecodable}\\)$`));
    expect(readdirSync(outDir)).toEqual([]);
  }, 120_000);

  it('sees the column walk read-miss D1 about 8× as often as the row walk', async () => {
    const n = 512;
    const row = await runUnderCachegrind(rowcol, ['row', String(n), '4'], { outDir, stdio: ['ignore', 'ignore', 'ignore'] });
    const col = await runUnderCachegrind(rowcol, ['col', String(n), '4'], { outDir, stdio: ['ignore', 'ignore', 'ignore'] });
    const rowReads = totalOf(row, 'D1 read misses')!;
    const colReads = totalOf(col, 'D1 read misses')!;
    // 4 sums of n² doubles: row-wise one miss per 64-byte line (8 doubles), column-wise every read.
    expect(rowReads).toBeGreaterThanOrEqual((4 * n * n) / 8);
    expect(colReads).toBeGreaterThanOrEqual(4 * n * n);
    expect(colReads / rowReads).toBeGreaterThan(7.5);
    expect(colReads / rowReads).toBeLessThan(8.1);
    // Same fill loop, same writes.
    expect(totalOf(col, 'D1 misses')! - colReads).toBe(totalOf(row, 'D1 misses')! - rowReads);
  }, 120_000);

  it('passes the program’s exit code, and its fatal signal with the counts so far', async () => {
    const stdio = ['ignore', 'ignore', 'ignore'] as const;
    const failed = await runUnderCachegrind(exiter, ['3'], { outDir, stdio });
    expect(failed).toMatchObject({ exitCode: 3, signal: null });
    const crashed = await runUnderCachegrind(exiter, ['segv'], { outDir, stdio });
    expect(crashed).toMatchObject({ exitCode: null, signal: 'SIGSEGV', unhandledInstruction: null });
    expect(totalOf(crashed, 'I refs')).toBeGreaterThan(0);
    expect(readdirSync(outDir)).toEqual([]);
  }, 120_000);

  // A QA pass: a process killed by SIGKILL writes no counts (valgrind writes them as it ends), and
  // the totals left it out without a word. `kill` runs natively (not under valgrind), as a shell's
  // kill from outside would: valgrind writes the counts of a process that SIGKILLs itself.
  it('names a process that had written no counts when the program ended (killed by SIGKILL), which the totals leave out', async () => {
    const run = await runUnderCachegrind('/bin/sh', ['-c', `sh -c "${killPath} -9 \\$\\$"; exit 0`], {
      outDir,
      stdio: ['ignore', 'ignore', 'ignore'],
      valgrindArgs: ['--trace-children-skip=*/kill'],
    });
    expect(run).toMatchObject({ exitCode: 0, signal: null, forkedProcesses: 0 });
    expect(run.unfinishedCommands).toEqual([expect.stringMatching(new RegExp(`^\\S*/sh -c ${killPath}\\\\ -9\\\\ \\$\\$$`))]);
    const whole = await runUnderCachegrind('/bin/sh', ['-c', 'sh -c "exit 0"; exit 0'], { outDir, stdio: ['ignore', 'ignore', 'ignore'] });
    expect(whole.unfinishedCommands).toEqual([]);
    expect(readdirSync(outDir)).toEqual([]);
  }, 120_000);

  // A review of c61b55b: a process valgrind ran that a SIGKILL ends (kill -9, the OOM killer, a
  // perfcell so killed: die-with-perfcell.ts) leaves valgrind's gdbserver pipes, three files named
  // vgdb-pipe-…-PID-…, in TMPDIR for good; perfcell never uses the gdbserver
  it('leaves nothing in TMPDIR of a process killed by SIGKILL', async () => {
    const temp = mkdtempSync(join(dir, 'tmpdir-'));
    const run = await runUnderCachegrind('/bin/sh', ['-c', 'sleep 3 & sleep 1; kill -9 $!; exit 0'], { outDir, stdio: ['ignore', 'ignore', 'ignore'], env: { TMPDIR: temp } });
    expect(run.unfinishedCommands).toEqual([expect.stringMatching(/sleep 3$/)]);
    expect(readdirSync(temp)).toEqual([]);
    expect(readdirSync(outDir)).toEqual([]);
  }, 120_000);

  // A QA pass: it said `valgrind wrote no cachegrind output (SIGKILL: warning: L3 cache found,
  // using its data for the LL simulation.); run valgrind --tool=cachegrind sleep 5 to see why`;
  // then, a later one, threw that valgrind was killed (run exited 1, where without cachegrind it
  // exits 137): the program was killed, and there are no counts.
  it('reports a program killed by SIGKILL before cachegrind wrote its counts as killed, with no counts', async () => {
    const run = await runUnderCachegrind('/bin/sh', ['-c', `${killPath} -9 $$`], { outDir, stdio: ['ignore', 'ignore', 'ignore'], valgrindArgs: ['--trace-children-skip=*/kill'] });
    expect(run).toMatchObject({ exitCode: null, signal: 'SIGKILL', profile: null, forkedProcesses: 0, unfinishedCommands: [], unhandledInstruction: null });
    expect(run.counters).toMatchObject({ backend: 'cachegrind', simulated: true, events: [], unsupported: [] });
    expect(run.durationS).toBeGreaterThan(0);
    expect(readdirSync(outDir)).toEqual([]);
  }, 120_000);

  it('gives the program perfcell’s stdin, and finds a bare name on PATH', async () => {
    const input = join(dir, 'input.txt');
    writeFileSync(input, 'through valgrind\n');
    const stdinFd = openSync(input, 'r');
    const [, stdoutFd, stderrFd] = output.open();
    const run = await runUnderCachegrind('cat', [], { outDir, stdio: [stdinFd, stdoutFd, stderrFd] }).finally(() => {
      closeSync(stdinFd);
      output.close();
    });
    expect(run.exitCode).toBe(0);
    expect(readFileSync(output.stdout, 'utf8')).toBe('through valgrind\n');
    expect(readFileSync(output.stderr, 'utf8')).toBe('');
  }, 120_000);

  it('runs in cwd, with env merged over perfcell’s, and passes valgrindArgs', async () => {
    const [, stdoutFd, stderrFd] = output.open();
    const run = await runUnderCachegrind('/bin/sh', ['-c', 'pwd; echo "$PERFCELL_TEST_VALUE"; test -n "$PATH"'], {
      cwd: dir,
      env: { PERFCELL_TEST_VALUE: 'merged' },
      outDir,
      stdio: ['ignore', stdoutFd, stderrFd],
      valgrindArgs: ['--D1=8192,2,32'],
    }).finally(() => output.close());
    expect(run.exitCode).toBe(0);
    expect(readFileSync(output.stdout, 'utf8')).toBe(`${dir}\nmerged\n`);
    expect(run.profile?.caches.find((cache) => cache.level === 'D1')).toEqual({
      level: 'D1', sizeBytes: 8192, lineSizeBytes: 32, associativity: 2,
    });
  }, 120_000);

  it('says clearly when valgrind is missing', async () => {
    await expect(runUnderCachegrind(exiter, [], { outDir, env: { PATH: join(dir, 'no-such-dir') } })).rejects.toThrow(
      new CachegrindError('VALGRIND_NOT_FOUND', 'valgrind not found on PATH (install it: sudo apt-get install valgrind)'),
    );
    await expect(runUnderCachegrind(exiter, [], { outDir, valgrindPath: '/no/such/valgrind' })).rejects.toMatchObject({
      name: 'CachegrindError',
      code: 'VALGRIND_NOT_FOUND',
      message: 'valgrind not found at /no/such/valgrind (check the path, or install it: sudo apt-get install valgrind)',
    });
    expect(readdirSync(outDir)).toEqual([]);
  }, 60_000);

  it('says clearly when the program is missing or not executable, before starting valgrind: a launch failure, 127 or 126 as with perf', async () => {
    await expect(runUnderCachegrind('./no-such-program', [], { cwd: dir, outDir })).rejects.toThrow(
      new LaunchError('cannot run ./no-such-program: no such file or directory (check the name, PATH and permissions)', 127),
    );
    await expect(runUnderCachegrind('no-such-program-xyz', [], { outDir })).rejects.toThrow(
      new LaunchError('cannot run no-such-program-xyz: no such file or directory (check the name, PATH and permissions)', 127),
    );
    // still a UsageError to callers that only tell misuse apart (compare)
    await expect(runUnderCachegrind('no-such-program-xyz', [], { outDir })).rejects.toBeInstanceOf(UsageError);
    await expect(runUnderCachegrind(`${exiter}.c`, [], { outDir })).rejects.toThrow(
      new LaunchError(`cannot run ${exiter}.c: permission denied (make it executable: chmod +x ${exiter}.c)`, 126),
    );
    expect(readdirSync(outDir)).toEqual([]);
  }, 60_000);

  it('a PATH without valgrind says valgrind is missing, whatever the program (asked before it)', async () => {
    await expect(runUnderCachegrind('no-such-program-xyz', [], { outDir, env: { PATH: join(dir, 'no-such-dir') } })).rejects.toMatchObject({
      name: 'CachegrindError',
      code: 'VALGRIND_NOT_FOUND',
      message: 'valgrind not found on PATH (install it: sudo apt-get install valgrind)',
    });
    await expect(runUnderCachegrind(exiter, [], { outDir, valgrindPath: `${exiter}.c` })).rejects.toMatchObject({
      code: 'VALGRIND_NOT_FOUND',
      message: `valgrind at ${exiter}.c is not executable (chmod +x ${exiter}.c, or install it: sudo apt-get install valgrind)`,
    });
    expect(readdirSync(outDir)).toEqual([]);
  }, 60_000);

  it('explains a valgrind that wrote no output, and cleans up', async () => {
    // A fake "valgrind" that logs an error and exits 1 without writing the out file.
    const fake = join(dir, 'fake-valgrind');
    writeFileSync(fake, '#!/bin/sh\nfor a; do case "$a" in --log-file=*) echo "==1== fatal: simulated failure" > "${a#--log-file=}";; esac; done\nexit 1\n', {
      mode: 0o755,
    });
    // the command to paste is the whole one, its arguments quoted (it said `valgrind --tool=cachegrind EXITER`)
    await expect(runUnderCachegrind(exiter, ['col', 'a b'], { outDir, valgrindPath: fake })).rejects.toMatchObject({
      code: 'VALGRIND_FAILED',
      message: `valgrind wrote no cachegrind output (exit 1: fatal: simulated failure); run ${fake} --tool=cachegrind ${exiter} col 'a b' to see why`,
    });
    expect(readdirSync(outDir)).toEqual([]);
  }, 60_000);

  it('kills valgrind and its program on abort, and cleans up', async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 500);
    await expect(
      runUnderCachegrind(rowcol, ['col', '2048', '1000'], { outDir, stdio: ['ignore', 'ignore', 'ignore'], abortSignal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(readdirSync(outDir)).toEqual([]);
    // No valgrind of ours is left running that program.
    const survivors = spawnSync('pgrep', ['-f', `${rowcol} col 2048 1000`], { encoding: 'utf8' }).stdout.trim();
    expect(survivors).toBe('');
  }, 60_000);
});
