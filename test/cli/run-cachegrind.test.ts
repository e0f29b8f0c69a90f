import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandReport } from '../../src/session/report.ts';
import { cliPath } from '../support/fixtures.ts';
import { hasStrace, hasValgrind, runsWith } from '../support/tools.ts';


let dir = '';
let rowcol = '';
let forker = '';
let undecodable = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'perfcell-run-cg-'));
  rowcol = join(dir, 'rowcol');
  execFileSync('cc', ['-O2', '-o', rowcol, join(import.meta.dirname, '..', '..', 'samples', 'rowcol', 'rowcol.c')]);
  forker = join(dir, 'forker');
  writeFileSync(`${forker}.c`, '#include <unistd.h>\n#include <sys/wait.h>\nint main(void) {\n  if (fork() == 0) _exit(0);\n  wait(0);\n  return 0;\n}\n');
  execFileSync('cc', ['-O2', '-o', forker, `${forker}.c`]);
  // sha256rnds2 (SHA-NI): valgrind 3.19 cannot decode it
  undecodable = join(dir, 'undecodable');
  writeFileSync(`${undecodable}.c`, 'int main(void) { __asm__ volatile(".byte 0x0f, 0x38, 0xcb, 0xd1"); return 0; }\n');
  execFileSync('cc', ['-O2', '-o', undecodable, `${undecodable}.c`]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const perfcell = (args: readonly string[]) =>
  execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1' }, timeout: 60_000, forceKillAfterDelay: 1_000 });

// Without valgrind these fail unless PERFCELL_TEST_ALLOW_MISSING waives it; then they say they are skipped.
describe.runIf(runsWith('valgrind', hasValgrind, 'the cachegrind run tests'))('perfcell run --backend cachegrind', () => {
  it('says the counts are simulated and RAM is not measured, instead of "? MiB"', async () => {
    const result = await perfcell(['run', '--backend', 'cachegrind', '--', rowcol, 'col', '64', '1']);
    expect(result.exitCode).toBe(0);
    const output = result.stdout;
    const [headline = '', ...events] = result.stderr.split('\n').filter((line) => !line.startsWith('warning:'));
    expect(output).toBe('col N=64 reps=1 sum=12285');
    expect(headline).toMatch(new RegExp(`^${rowcol} col 64 1 ran under valgrind in \\d+\\.\\d+s \\(counts simulated by cachegrind; RAM and CPU not measured: they would be valgrind's\\), exit code 0$`));
    expect(result.stderr).not.toContain('?');
    expect(events[0]).toMatch(/^ +D1 misses +total [\d,]+$/);
    expect(result.stderr).toMatch(/^warning: counts are from cachegrind's simulated caches and the time is under valgrind \(20-100× slower than native\)$/m);
  });

  // doctor said '--backend cachegrind writes there, and fails'; the failure itself was mkdtemp's
  // 'error: ENOENT: no such file or directory, mkdtemp …', with no word of TMPDIR or a fix (a QA pass)
  it('a TMPDIR that is not there: one line naming TMPDIR and the fix', async () => {
    const missing = join(dir, 'no-such-folder');
    const result = await execa(process.execPath, [cliPath, 'run', '--backend', 'cachegrind', '--', 'true'], { reject: false, env: { NO_COLOR: '1', TMPDIR: missing }, timeout: 60_000, forceKillAfterDelay: 1_000 });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(`error: no folder for cachegrind's output: TMPDIR (${missing}) takes no file (ENOENT) (point TMPDIR at a folder that can be written)`);
  });

  it('--json has the simulated counters and no RAM numbers', async () => {
    const result = await perfcell(['run', '--backend', 'cachegrind', '--json', '--', rowcol, 'row', '64', '1']);
    const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as CommandReport;
    expect(report.counters).toMatchObject({ backend: 'cachegrind', simulated: true });
    expect(report.memory.peakRssBytes).toBeNull();
    // it said "sampled" beside a null peak (a QA pass): no method measured it
    expect(report.memory.peakMethod).toBe('none');
    expect(report.counters.events.find((event) => event.event === 'D1 read misses')?.total).toBeGreaterThan(0);
  });

  // A QA pass: a child forked without exec starts with a copy of its parent's counts, which the
  // totals then held twice, unsaid; a shell's children, forked and exec'd, start afresh.
  it('warns where a child forked without exec holds a copy of its parent\'s counts, and only there', async () => {
    const forked = await perfcell(['run', '--backend', 'cachegrind', '--', forker]);
    expect(forked.exitCode).toBe(0);
    const warning = "warning: a process forked without exec: cachegrind starts such a child with its parent's counts so far, so the totals count those twice (run the child's work as a program of its own to count it alone)";
    expect(forked.stderr.split('\n')).toContain(warning);
    const shell = await perfcell(['run', '--backend', 'cachegrind', '--', 'sh', '-c', `${rowcol} col 64 1; true`]);
    expect(shell.exitCode).toBe(0);
    expect(shell.stderr).not.toContain('forked without exec');
  });

  // A QA pass: a shell whose child was killed with kill -9 (by another process, env's kill: valgrind
  // writes the counts of one that SIGKILLs itself, the shell's builtin) reported the shell's counts alone, without a word.
  it('warns of a process killed by SIGKILL before cachegrind wrote its counts, naming it, and only there', async () => {
    const killed = await perfcell(['run', '--backend', 'cachegrind', '--', 'sh', '-c', 'sh -c "env kill -9 \\$\\$"; exit 0']);
    expect(killed.exitCode).toBe(0);
    const warnings = killed.stderr.split('\n').filter((line) => line.includes('no cachegrind counts'));
    expect(warnings).toEqual([expect.stringMatching(/^warning: a process had written no cachegrind counts when the program ended, so the totals leave them out: killed by SIGKILL, which gives valgrind no time to write them, or left running \(\S*\/sh -c env\\ kill\\ -9\\ \$\$\)$/)]);
    const whole = await perfcell(['run', '--backend', 'cachegrind', '--', 'sh', '-c', 'sh -c "exit 0"; exit 0']);
    expect(whole.exitCode).toBe(0);
    expect(whole.stderr).not.toContain('no cachegrind counts');
  });

  // A QA pass: `kill PERFCELL` (a SIGTERM to perfcell alone, not its group) was passed on to the
  // gated program, never to valgrind: the run went on to its end, 30 s, exit 0, and perfcell
  // still said 'interrupted by SIGTERM; passed it on to the program (exit code 0)'.
  it('passes a SIGTERM sent to perfcell alone on to valgrind and its program, as under perf', async () => {
    const started = performance.now();
    const run = execa(process.execPath, [cliPath, 'run', '--backend', 'cachegrind', '--', 'sh', '-c', 'echo ready; exec sleep 30'], { reject: false, env: { NO_COLOR: '1' }, timeout: 25_000, forceKillAfterDelay: 1_000 });
    await new Promise<void>((resolve) => run.stdout?.on('data', (data: Buffer) => (data.toString().includes('ready') ? resolve() : undefined)));
    // valgrind reads its command's symbols after the exec: let it reach sleep's wait
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    run.kill('SIGTERM');
    const result = await run;
    expect(result.timedOut).toBe(false);
    expect(performance.now() - started).toBeLessThan(20_000);
    // the program died of perfcell's signal, so perfcell dies of it too (a shell reads 143), as under perf
    expect(result.signal).toBe('SIGTERM');
    expect(result.stderr).toMatch(/ran under valgrind in [\d.]+s \(counts simulated by cachegrind; RAM and CPU not measured: they would be valgrind's\), killed by SIGTERM$/m);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe('perfcell: interrupted by SIGTERM; passed it on to the program (killed by SIGTERM)');
  }, 40_000);

  // A review of 5f2d8b5: a SIGTERM passed on to valgrind while it was still starting (before it runs
  // the program and catches signals) kills it before it writes anything, and perfcell ended with
  // 'error: valgrind was killed by SIGTERM before cachegrind wrote its counts, so there are none (end
  // it with SIGINT or SIGTERM, after which cachegrind writes them)', exit 1, not as interrupted.
  // valgrind's start is a few ms; the valgrind here is a real process that stays in it until killed.
  it('ends as interrupted, by the signal, where the SIGTERM it passed on killed valgrind before it wrote anything', async () => {
    const bin = join(dir, 'starting-valgrind');
    mkdirSync(bin, { recursive: true });
    const started = join(dir, 'valgrind-started');
    writeFileSync(join(bin, 'valgrind'), `#!/bin/sh\n: > '${started}'\nexec sleep 30\n`, { mode: 0o755 });
    const run = execa(process.execPath, [cliPath, 'run', '--backend', 'cachegrind', '--', 'true'], { reject: false, env: { NO_COLOR: '1', PATH: `${bin}:${process.env['PATH'] ?? ''}` }, timeout: 25_000, forceKillAfterDelay: 1_000 });
    for (let tries = 0; tries < 400 && !existsSync(started); tries++) await new Promise((resolve) => setTimeout(resolve, 25));
    run.kill('SIGTERM');
    const result = await run;
    expect([result.timedOut, result.signal, result.stdout, result.stderr]).toEqual([false, 'SIGTERM', '', 'error: interrupted by SIGTERM']);
  }, 40_000);

  // A QA pass: valgrind, the program's process, ran on to its end after perfcell was killed with
  // SIGKILL (30 s of `sleep 30`), where run's gate ends the program it started (README, Ctrl-C).
  // TMPDIR is the test's folder: the dead perfcell leaves valgrind's output folder there.
  it('valgrind and its program die with a perfcell killed by SIGKILL', async () => {
    const marker = `sleep 29.${process.pid % 1000}`;
    // valgrind once it has exec'd sleep (`valgrind.bin … /usr/bin/sleep 29.N`), not sh before it
    // (`… sh -c echo ready; exec sleep 29.N`): a whole-suite run found sh, then nothing in the exec
    const survivors = () => spawnSync('pgrep', ['-f', `valgrind.*/${marker}$`], { encoding: 'utf8' }).stdout.trim();
    const run = execa(process.execPath, [cliPath, 'run', '--backend', 'cachegrind', '--', 'sh', '-c', `echo ready; exec ${marker}`], { reject: false, env: { NO_COLOR: '1', TMPDIR: dir }, timeout: 25_000 });
    try {
      await new Promise<void>((resolve) => run.stdout?.on('data', (data: Buffer) => (data.toString().includes('ready') ? resolve() : undefined)));
      // seen running first (valgrind loads sleep anew: seconds under load)
      for (let tries = 0; tries < 300 && survivors() === ''; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(survivors()).not.toBe('');
      const exited = new Promise((resolve) => run.once('exit', resolve));
      run.kill('SIGKILL');
      // its exit, not its streams' end: a valgrind left running holds them open
      await exited;
      for (let tries = 0; tries < 100 && survivors() !== ''; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(survivors()).toBe('');
    } finally {
      for (const pid of survivors().split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
      await run;
    }
  }, 40_000);

  // A QA pass: valgrind, the program's process, killed by SIGKILL from outside (kill -9, the OOM
  // killer) writes no counts, and run ended 'error: valgrind was killed by SIGKILL before …', exit
  // 1, where run without cachegrind reports the program killed and exits 137, as a shell does.
  it('reports a program killed by SIGKILL before cachegrind wrote its counts as killed, exit 137, saying there are no counts', async () => {
    const marker = `sleep 28.${process.pid % 1000}`;
    const valgrind = () => spawnSync('pgrep', ['-f', `valgrind.*/${marker}$`], { encoding: 'utf8' }).stdout.trim();
    const run = execa(process.execPath, [cliPath, 'run', '--backend', 'cachegrind', '--', 'sh', '-c', `exec ${marker}`], { reject: false, env: { NO_COLOR: '1' }, timeout: 25_000, forceKillAfterDelay: 1_000 });
    try {
      for (let tries = 0; tries < 300 && valgrind() === ''; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(valgrind()).not.toBe('');
      for (const pid of valgrind().split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
      const result = await run;
      expect(result.exitCode).toBe(137);
      expect(result.stderr).toContain("warning: the program was killed by SIGKILL before cachegrind wrote its counts, so there are none (end it with SIGINT or SIGTERM, after which cachegrind writes them)\n");
      expect(result.stderr).toMatch(/ran under valgrind in [\d.]+s \(counts simulated by cachegrind; RAM and CPU not measured: they would be valgrind's\), killed by SIGKILL$/);
      expect(result.stderr).not.toContain('error:');
    } finally {
      for (const pid of valgrind().split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
      await run;
    }
  }, 40_000);

  // A QA pass: a perfcell killed by SIGKILL has no time to remove valgrind's output folder, and each
  // such kill left one (perfcell-cachegrind-*, logs in it) in TMPDIR for good; the next run clears
  // the folders of perfcells that are gone, and keeps a running one's.
  it('clears the output folder a perfcell killed by SIGKILL left, at the next cachegrind run', async () => {
    const temp = mkdtempSync(join(dir, 'killed-tmpdir-'));
    const outDirs = () => readdirSync(temp).filter((name) => name.startsWith('perfcell-cachegrind-'));
    const run = execa(process.execPath, [cliPath, 'run', '--backend', 'cachegrind', '--', 'sh', '-c', 'echo ready; exec sleep 30'], { reject: false, env: { NO_COLOR: '1', TMPDIR: temp }, timeout: 25_000 });
    await new Promise<void>((resolve) => run.stdout?.on('data', (data: Buffer) => (data.toString().includes('ready') ? resolve() : undefined)));
    const exited = new Promise((resolve) => run.once('exit', resolve));
    run.kill('SIGKILL');
    await exited;
    await run;
    expect(outDirs()).toHaveLength(1);
    // a running perfcell's folder (this process stands for it) stays
    const namespace = /\[(\d+)\]$/.exec(readlinkSync('/proc/self/ns/pid'))?.[1];
    const running = `perfcell-cachegrind-${namespace}-${process.pid}-AbC123`;
    mkdirSync(join(temp, running));
    const next = await execa(process.execPath, [cliPath, 'run', '--backend', 'cachegrind', '--', 'true'], { reject: false, env: { NO_COLOR: '1', TMPDIR: temp }, timeout: 60_000 });
    expect(next.exitCode).toBe(0);
    expect(outDirs()).toEqual([running]);
  }, 90_000);

  // A review's note: a pid names a perfcell only in its pid namespace. A container's perfcell
  // sharing the host's TMPDIR saw no host pid in its /proc and removed a running host perfcell's
  // output folder, which then ended 'error: valgrind wrote no cachegrind output (exit 0)', exit 1.
  // The other namespace here is unshare's (root alone may make one).
  it.runIf(process.getuid?.() === 0 && spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0)(
    "leaves a running perfcell's output folder to it when a perfcell in another pid namespace shares TMPDIR",
    async () => {
      const temp = mkdtempSync(join(dir, 'shared-tmpdir-'));
      const env = { NO_COLOR: '1', TMPDIR: temp };
      const host = execa(process.execPath, [cliPath, 'run', '--backend', 'cachegrind', '--', 'sh', '-c', 'echo ready; exec sleep 2'], { reject: false, env, timeout: 60_000 });
      await new Promise<void>((resolve) => host.stdout?.on('data', (data: Buffer) => (data.toString().includes('ready') ? resolve() : undefined)));
      const contained = await execa('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, cliPath, 'run', '--backend', 'cachegrind', '--', 'true'], { reject: false, env, timeout: 60_000 });
      expect(contained.exitCode).toBe(0);
      const result = await host;
      expect([result.exitCode, result.stderr]).toEqual([0, expect.stringMatching(/^\s+I refs\s+total [\d,]+$/m)]);
      expect(readdirSync(temp)).toEqual([]);
    },
    90_000,
  );

  // A QA pass: compare's failure hint sent the user to `perfcell run -- PROG`, natively, where the
  // program ran fine; the SIGILL was valgrind's, which only a run under cachegrind explains
  it('compare: an alternative valgrind cannot run is to be run alone under cachegrind', async () => {
    const result = await perfcell(['compare', '--backend', 'cachegrind', '-w', '0', '-r', '2', undecodable, 'true']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
      `error: '${undecodable}' was killed by SIGILL (run it alone to see why: perfcell run --backend cachegrind -- ${undecodable}; or -i to go on, its runs listed as failures)`,
    );
  });
  // A QA pass: under compare the same warning named neither alternative, and only one of the two forked.
  it('compare names the alternative whose runs forked without exec', async () => {
    const result = await perfcell(['compare', '--backend', 'cachegrind', '-w', '0', '-r', '2', forker, `${rowcol} col 16 1`]);
    expect(result.exitCode, result.stderr).toBe(0);
    const warnings = result.stderr.split('\n').filter((line) => line.includes('forked without exec'));
    expect(warnings).toEqual([`warning: '${forker}': a process forked without exec: cachegrind starts such a child with its parent's counts so far, so the totals count those twice (run the child's work as a program of its own to count it alone)`]);
  });

  // A QA pass: a program valgrind could not run to its end (an instruction it cannot decode) read
  // as `killed by SIGILL` of its own, valgrind's explanation removed with its log.
  it('says where valgrind raised SIGILL for an instruction it cannot decode; a program\'s own crash is not so named', async () => {
    const result = await perfcell(['run', '--backend', 'cachegrind', '--', undecodable]);
    expect(result.exitCode).toBe(128 + 4);
    expect(result.stderr).toMatch(new RegExp(
      `^warning: valgrind could not decode an instruction at 0x[0-9A-F]+: main \\(in ${undecodable}\\) \\(bytes 0xF 0x38 0xCB 0xD1[0-9A-Fx ]*\\) ` +
        "and raised SIGILL in the program in its place: if the program runs natively, the instruction is one valgrind lacks and this run is not the program's " +
        '\\(perfcell run without --backend cachegrind tells\\)$',
      'm',
    ));
    expect(result.stderr).toMatch(/, killed by SIGILL$/m);
    const crashed = await perfcell(['run', '--backend', 'cachegrind', '--', 'sh', '-c', 'kill -SEGV $$']);
    expect(crashed.exitCode).toBe(128 + 11);
    expect(crashed.stderr).not.toContain('could not decode');
  });

  // A QA pass: a default -e (PERFCELL_EVENTS, .perfcellrc.json), set once for perf, was taken for a
  // -e given, and every --backend cachegrind was refused: 'drop -e', which was never on the line.
  it('leaves a default -e from the environment or .perfcellrc.json to perf, as -e given is refused', async () => {
    const cwd = mkdtempSync(join(dir, 'rc-'));
    writeFileSync(join(cwd, '.perfcellrc.json'), JSON.stringify({ events: 'context-switches' }));
    const args = ['run', '--backend', 'cachegrind', '--json', '--', 'true'];
    for (const [env, at] of [[{ PERFCELL_EVENTS: 'page-faults' }, dir], [{}, cwd]] as const) {
      const result = await execa(process.execPath, [cliPath, ...args], { reject: false, cwd: at, env: { NO_COLOR: '1', ...env }, timeout: 60_000 });
      expect(result.stderr).not.toContain('error:');
      expect(result.exitCode).toBe(0);
      expect((JSON.parse(result.stdout) as CommandReport).counters).toMatchObject({ backend: 'cachegrind' });
    }
    const given = await perfcell(['run', '--backend', 'cachegrind', '-e', 'page-faults', '--', 'true']);
    expect(given.exitCode).toBe(2);
  });

  // A QA pass: startedAt was taken once valgrind had finished, so `sleep 2`'s report said it started
  // 2.7 s after it had (a perf run's startedAt is its program's start).
  it('--json startedAt is when the run began, not when it ended', async () => {
    const before = Date.now();
    const result = await perfcell(['run', '--backend', 'cachegrind', '--json', '--', 'sleep', '1']);
    const after = Date.now();
    const report = JSON.parse(result.stdout) as CommandReport;
    const startedMs = Date.parse(report.startedAt);
    expect(report.durationS).toBeGreaterThanOrEqual(1);
    expect(startedMs).toBeGreaterThanOrEqual(before);
    // the ISO string is rounded to the ms
    expect(startedMs + report.durationS * 1000, `started ${startedMs - before} ms after the call, ran ${report.durationS} s, the call took ${after - before} ms`).toBeLessThanOrEqual(after + 1);
  });

  // A review: run -r took the ratios' inputs by perf's names (cache-misses…), so under cachegrind
  // its derived were all null and its text had no ratio line, where one run's report has both.
  it('run -r gives the miss ratio and MPKI of the mean counts, as one run does, and no IPC', async () => {
    const one = JSON.parse((await perfcell(['run', '--backend', 'cachegrind', '--json', '--', rowcol, 'col', '64', '1'])).stdout) as CommandReport;
    const repeated = await perfcell(['run', '-r', '2', '--backend', 'cachegrind', '--json', '--', rowcol, 'col', '64', '1']);
    expect(repeated.exitCode, repeated.stderr).toBe(0);
    const document = JSON.parse(repeated.stdout.slice(repeated.stdout.indexOf('{'))) as { readonly derived: CommandReport['counters']['derived'] };
    // the simulation is deterministic: two runs' ratios of summed counts are one run's
    expect(one.counters.derived.missRatio).toBeGreaterThan(0);
    expect(document.derived.missRatio).toBeCloseTo(one.counters.derived.missRatio!, 6);
    expect(document.derived.missesPerKiloInstruction).toBeCloseTo(one.counters.derived.missesPerKiloInstruction!, 6);
    expect(document.derived.ipc).toBeNull();
    const text = await perfcell(['run', '-r', '2', '--backend', 'cachegrind', '--', rowcol, 'col', '64', '1']);
    expect(text.stderr).toMatch(/^ {2}ratios of the means: miss ratio \d+\.\d%  MPKI \d+\.\d\d$/m);
  });

  // A QA pass: run's lane armed its exec gate, a memory cgroup and a held perf for every cachegrind
  // run (and again before each of -r's), which valgrind's runs never take
  it.runIf(runsWith('strace', hasStrace, "the test of cachegrind's execs"))('starts no exec gate and no perf, once or with -r: valgrind runs the program', () => {
    const trace = join(dir, 'execs.txt');
    for (const args of [['run'], ['run', '-r', '2'], ['run', '--backend=cachegrind', '-r', '2']]) {
      const backend = args.some((word) => word.startsWith('--backend=')) ? [] : ['--backend', 'cachegrind'];
      const result = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', trace, process.execPath, cliPath, ...args, ...backend, '--', 'true'], { encoding: 'utf8', timeout: 60_000 });
      expect(result.status, result.stderr).toBe(0);
      const execs = [...readFileSync(trace, 'utf8').matchAll(/execve\("([^"]+)", \[[^\]]*\]\S*, [^)]*\) = 0/g)].map((match) => match[1]!);
      // the two valgrinds each through the gate's --die-with-plain, and nothing else of perfcell's
      expect(execs.filter((file) => file.endsWith('/perfcell-exec')), args.join(' ')).toHaveLength(args.includes('-r') ? 2 : 1);
      expect(execs.filter((file) => /\/perf$/.test(file)), args.join(' ')).toEqual([]);
    }
  });
});
