import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, fixture } from '../support/fixtures.ts';
import { perfUsable } from '../support/perf.ts';
import { leakedPerfPidsSettled, perfPidsNow } from '../support/leaked-perf.ts';
import { pidsInSession } from '../support/proc-scan.ts';
import { nobodyCanRun, warnNobodySkipped } from '../support/nobody.ts';

const env = { NO_COLOR: '1' };
const perfcell = (args: readonly string[], options: { env?: Record<string, string> } = {}) =>
  execa(process.execPath, [cliPath, ...args], { reject: false, env: { ...env, ...options.env }, timeout: 30_000 });

const perfBefore = perfPidsNow();
afterAll(async () => expect(await leakedPerfPidsSettled(perfBefore)).toEqual([]));

warnNobodySkipped('the ordinary-user run test');

describe('perfcell run', () => {
  it('prints the report on stderr, leaves stdout to the program and exits with its exit code', async () => {
    const result = await perfcell(['run', '--no-perf', '--', 'sh', '-c', 'echo out; exit 7']);
    expect(result.exitCode).toBe(7);
    expect(result.stdout).toBe('out');
    expect(result.stderr).toMatch(/^sh -c 'echo out; exit 7' peaked \d+\.\d MiB RAM/);
    expect(result.stderr).toMatch(/exit code 7$/);
  });

  // A QA pass: one run of 0.5 s among runs of a few ms made the σ 258% of the mean, and nothing said why
  // (compare warns of such runs, as hyperfine does). The fifth run of ten sleeps, counted in a file.
  it('-r N names a run whose time lies far from the rest, as compare does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-run-outlier-'));
    try {
      const counter = join(dir, 'count');
      const script = `n=$(cat ${counter} 2>/dev/null || echo 0); echo $((n + 1)) > ${counter}; [ "$n" = "$0" ] && sleep 0.5; true`;
      const stretched = await perfcell(['run', '-r', '10', '--no-perf', '--', 'sh', '-c', script, '4']);
      expect(stretched.exitCode, stretched.stderr).toBe(0);
      // (beside busy jobs another run of a few ms may be stretched enough to be named too)
      expect(stretched.stderr).toMatch(/^warning: statistical outliers in the time: (run \d+ of 10 \([\d.]+s\), )*run 5 of 10 \(0\.5\ds\)(, run \d+ of 10 \([\d.]+s\))*, against a median of 0\.0\d\ds: something else likely interfered/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hands the program the descriptors a direct run has, and none of the gate\'s', () => {
    // before: the held child's release pipe (fd 9) stayed open across its exec
    const fds = (text: string) => text.split('\n').filter((line) => line !== '').sort();
    const direct = fds(spawnSync('ls', ['/proc/self/fd'], { encoding: 'utf8' }).stdout);
    for (const flags of [['--no-perf'], ['-e', 'page-faults']]) {
      const measured = spawnSync(process.execPath, [cliPath, 'run', ...flags, '--', 'ls', '/proc/self/fd'], { encoding: 'utf8' });
      expect(measured.status, measured.stderr).toBe(0);
      expect(fds(measured.stdout)).toEqual(direct);
    }
  });

  it('--json prints exactly one JSON document on stdout; the program\'s stdout goes to stderr', async () => {
    const result = await perfcell(['run', '--json', '--no-perf', '--', 'sh', '-c', 'echo hi; echo "{" ; exit 3']);
    expect(result.exitCode).toBe(3);
    const report = JSON.parse(result.stdout) as Record<string, any>;
    expect(report.exitCode).toBe(3);
    expect(result.stderr).toBe('hi\n{');
  });

  it('-o FILE writes the report there and the program keeps stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-run-o-'));
    try {
      const file = join(dir, 'new', 'report.json');
      const result = await perfcell(['run', '--json', '-o', file, '--no-perf', '--', 'sh', '-c', 'echo hi']);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe('hi');
      expect((JSON.parse(readFileSync(file, 'utf8')) as { exitCode: number }).exitCode).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hands a pipe exactly the program\'s stdout and ends with 141 when the reader goes (SIGPIPE)', async () => {
    const piped = spawnSync('sh', ['-c', `"${process.execPath}" "${cliPath}" run --no-perf -- seq 1 10000000 | head -1; echo "status \${PIPESTATUS:-}"`], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(piped.stdout.split('\n')[0]).toBe('1');
    expect(piped.stderr).toMatch(/killed by SIGPIPE$/m);
    expect(piped.stderr).not.toMatch(/at .*\.js:\d+/);
    const status = spawnSync('bash', ['-c', `"${process.execPath}" "${cliPath}" run --no-perf -- seq 1 10000000 | head -1 >/dev/null; echo \${PIPESTATUS[0]}`], { encoding: 'utf8', timeout: 30_000 });
    expect(status.stdout.trim()).toBe('141');
  });

  it('a full stdout (/dev/full) ends quietly with the program\'s status and the report on stderr', async () => {
    const full = spawnSync('bash', ['-c', `"${process.execPath}" "${cliPath}" run --json --no-perf -- true >/dev/full`], { encoding: 'utf8', timeout: 30_000 });
    expect(full.status).toBe(0);
    expect(full.stderr).toMatch(/^true peaked /m);
    expect(full.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('exits 128+n when the program is killed by signal n', async () => {
    const result = await perfcell(['run', '--no-perf', '--', 'sh', '-c', 'kill -KILL $$']);
    expect(result.exitCode).toBe(137);
    expect(result.stderr).toMatch(/killed by SIGKILL$/);
  });

  it('passes arguments as given, without a shell', async () => {
    const result = await perfcell(['run', '--no-perf', '--', 'printf', '%s|', 'a b', '$HOME', '*']);
    expect(result.stdout.startsWith('a b|$HOME|*|')).toBe(true);
  });

  it('gives the whole report as JSON with units in the keys', async () => {
    const result = await perfcell(['run', '--json', '--no-perf', '--', fixture('touch-pages'), '2560']);
    const report = JSON.parse(result.stdout) as Record<string, any>;
    expect(result.exitCode).toBe(0);
    // touch-pages 2560 touches exactly 10 MiB; its start-up adds about 1 MiB (perfcell's own ~50 MiB must not show)
    expect(report.memory.peakRssBytes).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    expect(report.memory.peakRssBytes).toBeLessThan(14 * 1024 * 1024);
    // The tree's peak (a memory cgroup where perfcell can make one), the largest process beside it.
    expect(['memory-cgroup-v1', 'memory-cgroup-v2', 'sampled-tree']).toContain(report.memory.peakMethod);
    expect(report.memory.largestProcessPeakBytes).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    expect(report.memory.largestProcessPeakBytes).toBeLessThan(14 * 1024 * 1024);
    expect(report.memory.usedBytes).toBeNull();
    expect(typeof report.durationS).toBe('number');
    expect(report.counters.backend).toBe('none');
  });

  // needs no perf: it hides perf from the PATH
  it('still measures RAM and time, with a warning, when perf is missing and no event was asked for', async () => {
    const result = await perfcell(['run', '--', process.execPath, '-e', '0'], { env: { PATH: '/nonexistent' } });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/^warning: perf .*not.*found.*; measuring RAM, time and CPU only$/m);
    expect(result.stderr).toMatch(/peaked \d+\.\d MiB RAM/);
  });

  it('names a missing program in one line and exits 127, as timeout and env do', async () => {
    const result = await perfcell(['run', '--no-perf', '--', 'no-such-program-xyz']);
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toBe('error: cannot run no-such-program-xyz: no such file or directory (check the name, PATH and permissions)');
  });

  it('refuses -o or --html followed by -- (commander took it for the file), exit 2, and writes no file named --', async () => {
    // before: `run -o -- true` wrote the report to ./-- and exited 0
    const cwd = mkdtempSync(join(tmpdir(), 'perfcell-run-o-'));
    try {
      for (const [option, example] of [['-o', 'report.txt'], ['--html', 'report.html']] as const) {
        const result = await execa(process.execPath, [cliPath, 'run', '--no-perf', option, '--', 'true'], { reject: false, env, cwd, timeout: 30_000 });
        const name = option === '-o' ? '-o, --output <file>' : '--html <file>';
        expect([result.exitCode, result.stdout, result.stderr]).toEqual([2, '', `error: option '${name}' argument '--' is invalid. it is the -- before the command: put ${option} FILE before -- (perfcell run ${option} ${example} -- CMD)`]);
        expect(existsSync(join(cwd, '--'))).toBe(false);
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('rejects a too-small interval as misuse', async () => {
    const result = await perfcell(['run', '-I', '5', '--', 'true']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('give a whole number of milliseconds from 10 to 2147483647, e.g. -I 100');
  });

  // A QA pass: perf reads -I into an unsigned int through strtol, so -I 4294967296 was -I 0 (no
  // intervals) and run warned that 'perf ended without its last interval'
  it('rejects an interval over perf\'s longest as misuse', async () => {
    const result = await perfcell(['run', '-I', '4294967296', '--', 'true']);
    expect([result.exitCode, result.stderr]).toEqual([2, "error: option '-I, --interval <ms>' argument '4294967296' is invalid. give a whole number of milliseconds from 10 to 2147483647, e.g. -I 100"]);
  });
});

describe.runIf(perfUsable)('perfcell run with real perf', () => {
  it('reports counted events, names unsupported ones once, with a sparkline', async () => {
    const result = await perfcell(['run', '-e', 'page-faults,task-clock,cache-misses', '-I', '20', '--', fixture('spin'), '0.2']);
    expect(result.exitCode).toBe(0);
    const lines = result.stderr.split('\n');
    expect(lines.find((line) => line.includes('page-faults'))).toMatch(/page-faults\s+[\d,]+\/s\s+total [\d,]+\s+\(\d+ samples: /);
    expect(lines.find((line) => line.includes('task-clock'))).toMatch(/[▁▂▃▄▅▆▇█]{3,}/);
    // Where perf counts cache-misses (a PMU) its line has a total; where it says <not supported> (this VM),
    // one line names it. test/cli/run-truth.test.ts checks the same against perf's own verdict.
    const unsupported = lines.filter((line) => line.includes('cache-misses') && !line.startsWith('warning:'));
    expect(unsupported).toHaveLength(1);
    expect(unsupported[0]).toMatch(/cache-misses(: not supported on this machine|\s+[\d,.]+\/s\s+total [\d,]+)/);
  });

  it('stops before running anything when an explicitly asked event is unknown', async () => {
    const result = await perfcell(['run', '-e', 'no-such-event', '--', 'sh', '-c', 'echo ran']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe("error: unknown perf event 'no-such-event' (see perf list, or drop it from -e)");
  });

  it.runIf(nobodyCanRun)('run as an ordinary user, matches cache-misses:u style names and says what :u means', async () => {
    // 2,000 pages: a few ms, over the 1 ms under which the report shows no rate (metric-units.ts MIN_RATE_SPAN_S); 100 took 1.4 ms
    const asNobody = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, cliPath, 'run', '-e', 'page-faults,context-switches', '--', fixture('touch-pages'), '2000'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
    if (asNobody.error) throw new Error(`cannot run as nobody here: ${asNobody.error.message}`);
    expect(asNobody.status).toBe(0);
    expect(asNobody.stderr).toMatch(/page-faults:u\s+[\d,]+\/s\s+total \d+/);
    expect(asNobody.stderr).toContain("warning: page-faults:u, context-switches:u: ':u' means user space only");
  });

  it('reports a program interrupted by Ctrl-C and leaves no perf behind', async () => {
    const subprocess = execa(process.execPath, [cliPath, 'run', '-e', 'page-faults', '--', fixture('sleep-ms'), '5000'], {
      reject: false, env, detached: true, timeout: 20_000,
    });
    // Wait until the program itself runs (perfcell has started, attached perf and released it; the
    // held child is still named perfcell-exec before its exec), in perfcell's session.
    for (let tries = 0; tries < 100 && pidsInSession(subprocess.pid ?? 0, 'sleep-ms').length === 0; tries += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    // Ctrl-C reaches the whole foreground process group.
    process.kill(-(subprocess.pid ?? 0), 'SIGINT');
    const result = await subprocess;
    // the program died of the Ctrl-C, and perfcell, as perf stat, dies of it too ($? is still 130)
    expect(result.signal).toBe('SIGINT');
    expect(result.stderr).toMatch(/killed by SIGINT$/m);
    expect(result.stderr).toContain('page-faults');
    expect(result.stderr).toMatch(/^perfcell: interrupted by SIGINT/m);
    expect(await leakedPerfPidsSettled(perfBefore)).toEqual([]);
  });
});
