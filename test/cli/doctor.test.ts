import { nobodyCanRun, warnNobodySkipped } from '../support/nobody.ts';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { DoctorDocument } from '../../src/cli/commands/doctor.ts';
import { ubuntuPerf } from '../support/ubuntu-perf.ts';
import { cgroupsOf, cpuacctMount, memoryMount, processesInCgroupsOf } from '../support/cgroups.ts';
import { hasStrace, runsWith } from '../support/tools.ts';
import { ownCgroupPath } from '../../src/session/cgroup.ts';
import { readPidNamespace } from '../../src/proc/gone-perfcell.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = `${root}dist/app/cli.cjs`;

/** The built CLI, as a user runs it; every run is time-limited and killed if it overstays. */
function doctor(args: readonly string[], options: { env?: Record<string, string>; user?: number } = {}) {
  const env = { NO_COLOR: '1', ...options.env };
  const command = options.user === undefined ? [process.execPath, bin] : ['setpriv', `--reuid=${options.user}`, `--regid=${options.user}`, '--clear-groups', process.execPath, bin];
  const [file = '', ...rest] = command;
  return execa(file, [...rest, 'doctor', ...args], { reject: false, timeout: 60_000, forceKillAfterDelay: 1_000, env, cwd: '/tmp' });
}

const perfCountsCycles = (): boolean => {
  const result = spawnSync('perf', ['stat', '-x,', '-e', 'cycles', '--', 'true'], { encoding: 'utf8', timeout: 10_000, env: { ...process.env, LC_ALL: 'C' } });
  return /^\d/.test(result.stderr ?? '');
};

beforeAll(() => {
  // test/global-setup.ts builds once (or fails the run); each file only checks the bin is there.
  expect(existsSync(bin), `${bin} is missing: run npm run build (vitest's global setup builds it)`).toBe(true);
});

describe('perfcell doctor', () => {
  it('--json prints one document; exit 0 exactly when perf counts cycles here', async () => {
    const result = await doctor(['--json']);
    const document = JSON.parse(result.stdout) as DoctorDocument;
    const hardware = perfCountsCycles();
    expect(result.stderr).toBe('');
    expect(document.canCountHardware).toBe(hardware);
    expect(result.exitCode).toBe(hardware ? 0 : 1);
    expect(document.verdicts.at(-1)).toMatchObject({ check: 'hardware-counting', status: hardware ? 'ok' : 'fail' });
    expect(document.facts.events.find((probe) => probe.event === 'task-clock')?.status).toBe('counted');
  });

  it('the screen ends with the result, and every FAIL or warn with a fix', async () => {
    const result = await doctor([]);
    expect(result.stderr).toBe('');
    expect(result.stdout).not.toContain('\u001b[');
    const blocks = result.stdout.split(/\n(?=\[)/);
    expect(blocks.at(-1)).toMatch(result.exitCode === 0 ? /^\[ok\] +result/ : /^\[FAIL\] result/);
    for (const block of blocks.filter((text) => /^\[(FAIL|warn)\]/.test(text))) {
      expect(block, block).toMatch(/\n +fix: \S/);
    }
  });

  it('fits $COLUMNS, the events table included: a preset\'s row goes on under its events', async () => {
    // the events' heading (53 characters) had been left whole
    const narrow = (await doctor([], { env: { COLUMNS: '50' } })).stdout.trimEnd().split('\n');
    expect(narrow.filter((line) => line.length > 50)).toEqual([]);
    const result = await doctor([], { env: { COLUMNS: '72' } });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.filter((line) => line.length > 72)).toEqual([]);
    const cache = lines.findIndex((line) => /^ {2}cache +\S/.test(line));
    expect(cache, result.stdout).toBeGreaterThan(-1);
    // the column the events start at, and the next line (the row's rest) starting there
    const eventsColumn = /^ {2}cache +\S+(?: \S+)* {2,}/.exec(lines[cache] as string)?.[0].length;
    expect(/^ */.exec(lines[cache + 1] as string)?.[0].length, result.stdout).toBe(eventsColumn);
  });

  it('fits $COLUMNS with a TMPDIR longer than the line: the folder\'s name is cut at the width, as fold cuts it, under the indent (it had been left whole, past the edge)', async () => {
    const folder = mkdtempSync(join(tmpdir(), `perfcell-doctor-${'a-long-folder-name-'.repeat(3)}`));
    try {
      const result = await doctor([], { env: { COLUMNS: '60', TMPDIR: folder } });
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines.filter((line) => line.length > 60), result.stdout).toEqual([]);
      const output = lines.findIndex((line) => /^\[\w+\] +perf output /.test(line));
      expect(output, result.stdout).toBeGreaterThan(-1);
      // the folder's pieces, each under the verdict's text (21 columns in), in order
      const block = lines.slice(output, output + 6).join('\n');
      expect(block.replace(/\n {21}/g, ''), result.stdout).toContain(`(${folder})`);
      expect(lines[output + 2], result.stdout).toMatch(/^ {21}\S{39}$/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('on a pipe with no $COLUMNS leaves lines whole: each verdict\'s summary and fix on one line (they had been wrapped at 80)', async () => {
    const document = JSON.parse((await doctor(['--json'])).stdout) as DoctorDocument;
    const lines = (await doctor([], { env: { COLUMNS: '' } })).stdout.split('\n');
    for (const verdict of document.verdicts) {
      expect(lines.some((line) => line.endsWith(`  ${verdict.summary}`)), verdict.summary).toBe(true);
      if (verdict.fix !== null) expect(lines.some((line) => line.endsWith(`fix: ${verdict.fix}`)), verdict.fix).toBe(true);
    }
    // a summary past 80 columns here (the events counted and not) is on one line
    expect(document.verdicts.some((verdict) => verdict.summary.length > 80 - 21)).toBe(true);
  });

  it('without perf on PATH: perf fails with an install command, exit 1', async () => {
    const result = await doctor(['--json'], { env: { PATH: '/nonexistent' } });
    const document = JSON.parse(result.stdout) as DoctorDocument;
    expect(result.exitCode).toBe(1);
    expect(document.facts.perfProblem?.code).toBe('PERF_NOT_FOUND');
    expect(document.facts.valgrindVersion).toBeNull();
    const perf = document.verdicts.find((verdict) => verdict.check === 'perf');
    expect(perf?.status).toBe('fail');
    expect(perf?.fix).toMatch(/install/);
  });

  it('checks the perf PERFCELL_PERF names, as run and events use it: missing, it says so and how to fix it', async () => {
    const result = await doctor(['--json'], { env: { PERFCELL_PERF: '/nonexistent/perf', PATH: process.env['PATH'] ?? '' } });
    const document = JSON.parse(result.stdout) as DoctorDocument;
    expect(result.exitCode).toBe(1);
    expect(document.facts).toMatchObject({ perfPath: '/nonexistent/perf', perfFromEnv: true, perfVersion: null, perfProblem: { code: 'PERF_NOT_FOUND' } });
    expect(document.verdicts.find((verdict) => verdict.check === 'perf')).toEqual({
      check: 'perf',
      status: 'fail',
      summary: 'perf is not usable (/nonexistent/perf, from PERFCELL_PERF)',
      details: ['perf not found at /nonexistent/perf, which PERFCELL_PERF names (run: unset PERFCELL_PERF, or point it at a perf binary: export PERFCELL_PERF=/path/to/perf)'],
      fix: 'unset PERFCELL_PERF',
    });
    expect(document.verdicts.at(-1)?.fix).toBe('unset PERFCELL_PERF');
  });

  it('says a PERFCELL_PERF program that runs and succeeds but is not perf is not perf, not that it failed with exit code 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-doctor-not-perf-'));
    const silent = join(dir, 'silent');
    writeFileSync(silent, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const other = join(dir, 'other');
    writeFileSync(other, '#!/bin/sh\necho "other 1.0"\necho "second line"\n', { mode: 0o755 });
    const cases = [
      { program: silent, printed: 'printed nothing' },
      { program: other, printed: "printed 'other 1.0'" },
    ];
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    for (const { program, printed } of cases) {
      const result = await doctor(['--json'], { env: { PERFCELL_PERF: program, PATH: process.env['PATH'] ?? '' } });
      const document = JSON.parse(result.stdout) as DoctorDocument;
      expect(result.exitCode).toBe(1);
      expect(document.verdicts.find((verdict) => verdict.check === 'perf')).toEqual({
        check: 'perf',
        status: 'fail',
        summary: `perf is not usable (${program}, from PERFCELL_PERF)`,
        details: [
          `${program}, which PERFCELL_PERF names, is not perf: its --version ${printed}, not 'perf version …' (run: unset PERFCELL_PERF, or point it at a perf binary: export PERFCELL_PERF=/path/to/perf)`,
        ],
        fix: 'unset PERFCELL_PERF',
      });
    }
  });

  it.runIf(spawnSync('perf', ['--version']).status === 0)('names the perf it checked: the one on PATH, or the one PERFCELL_PERF names', async () => {
    const onPath = JSON.parse((await doctor(['--json'], { env: { PATH: process.env['PATH'] ?? '' } })).stdout) as DoctorDocument;
    const perfFile = spawnSync('sh', ['-c', 'command -v perf'], { encoding: 'utf8' }).stdout.trim();
    expect(onPath.facts).toMatchObject({ perfPath: perfFile, perfFromEnv: false });
    expect(onPath.verdicts[0]?.summary).toBe(`perf ${onPath.facts.perfVersion} (${perfFile})`);
    // a wrapper that says it is another perf: the doctor must ask it, not the perf on PATH
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-doctor-perf-'));
    try {
      const wrapper = join(dir, 'perf-wrapper');
      writeFileSync(wrapper, `#!/bin/sh\nif [ "$1" = --version ]; then echo 'perf version 9.9.9-wrapped'; exit 0; fi\nexec ${perfFile} "$@"\n`, { mode: 0o755 });
      const wrapped = JSON.parse((await doctor(['--json'], { env: { PERFCELL_PERF: wrapper, PATH: process.env['PATH'] ?? '' } })).stdout) as DoctorDocument;
      expect(wrapped.facts).toMatchObject({ perfPath: wrapper, perfFromEnv: true, perfVersion: '9.9.9-wrapped' });
      expect(wrapped.verdicts[0]?.summary).toBe(`perf 9.9.9-wrapped (${wrapper}, from PERFCELL_PERF)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(spawnSync('perf', ['--version']).status === 0)("says whether perf takes perfcell's library: this perf, Ubuntu's script, a copy with file capabilities, switched off", async () => {
    const handOver = async (env: Record<string, string>): Promise<{ status: string; summary: string; details: readonly string[]; facts: DoctorDocument['facts'] }> => {
      const document = JSON.parse((await doctor(['--json'], { env: { PATH: process.env['PATH'] ?? '', ...env } })).stdout) as DoctorDocument;
      const verdict = document.verdicts.find((found) => found.check === 'hand-over');
      expect(verdict, JSON.stringify(document.verdicts)).toBeDefined();
      return { ...verdict!, facts: document.facts };
    };
    const perfOnPath = spawnSync('sh', ['-c', 'command -v perf'], { encoding: 'utf8' }).stdout.trim();
    const perfFile = realpathSync(perfOnPath);
    const plain = await handOver({});
    expect(plain.status).toBe('ok');
    expect(plain.facts.perfPreload).toEqual({ file: perfOnPath, viaUbuntuWrapper: false, reason: null });
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-doctor-hand-over-'));
    try {
      const script = ubuntuPerf(join(dir, 'ubuntu'));
      const ubuntu = await handOver({ PERFCELL_PERF: script });
      expect(ubuntu.status).toBe('ok');
      expect(ubuntu.facts.perfPreload).toMatchObject({ viaUbuntuWrapper: true, reason: null });
      expect(realpathSync(ubuntu.facts.perfPreload!.file!)).toBe(perfFile);
      expect(ubuntu.details.join('\n')).toContain(`${script} is Ubuntu's perf script`);
      const off = await handOver({ PERFCELL_PERF_NUDGE: '0' });
      expect(off.status).toBe('info');
      expect(off.details.join('\n')).toContain('PERFCELL_PERF_NUDGE=0');
      const copy = join(dir, 'perf');
      copyFileSync(perfFile, copy);
      chmodSync(copy, 0o755);
      const setcap = spawnSync('setcap', ['cap_perfmon+ep', copy], { encoding: 'utf8' });
      if (setcap.status !== 0) {
        console.log(`not run: the file-capabilities case (setcap failed: ${setcap.error?.message ?? setcap.stderr.trim()}; install libcap2-bin)`);
        return;
      }
      const capable = await handOver({ PERFCELL_PERF: copy });
      expect(capable.status).toBe('info');
      expect(capable.facts.perfPreload).toEqual({ file: null, viaUbuntuWrapper: false, reason: 'file capabilities (setcap)' });
      expect(capable.details[0]).toBe(`${copy}: file capabilities (setcap)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A QA pass: neither --help nor the README said that doctor exits 1 on a machine without hardware
  // counters (any VM without a PMU), where `perfcell doctor && …` stops though software events count
  it('--help says the exit statuses, and the one it says for this machine is the one it ends with', async () => {
    const help = await doctor(['--help']);
    expect(help.stdout).toContain('Exit status: 0 when hardware counters count here; 1 when they do not (software events may still\ncount: see the events check); 2 on misuse.');
    expect((await doctor(['--json'])).exitCode).toBe(perfCountsCycles() ? 0 : 1);
  });

  it('misuse exits 2', async () => {
    const extra = await doctor(['now']);
    expect(extra.exitCode).toBe(2);
    expect(extra.stderr).toBe("error: too many arguments for 'doctor'. Expected 0 arguments but got 1 (usage: perfcell doctor [options])");
    const option = await doctor(['--bogus']);
    expect(option.exitCode).toBe(2);
    expect(option.stderr).toBe("error: unknown option '--bogus' (perfcell doctor --help lists its options)");
  });

  // A QA pass: doctor said nothing of the cgroups, so a user whose runs could make none did not
  // learn that their peaks are sampled and their CPU may leave out children
  it.runIf(process.getuid?.() === 0 && memoryMount !== null && cpuacctMount !== null)('as root on cgroup v1: the memory and CPU cgroups a run makes, made and removed again', async ({ onTestFinished }) => {
    const result = execa(process.execPath, [bin, 'doctor', '--json'], { reject: false, timeout: 60_000, forceKillAfterDelay: 1_000, env: { NO_COLOR: '1' }, cwd: '/tmp' });
    const { stdout } = await result;
    // read before the next perfcell, which would remove what a gone one left (cgroup.ts, removeStale)
    const left = cgroupsOf(result.pid!);
    onTestFinished(() => left.forEach((folder) => rmdirSync(folder)));
    expect(left).toEqual([]);
    const document = JSON.parse(stdout) as DoctorDocument;
    expect(document.facts.treeCgroups).toEqual({ memory: 'memory-cgroup-v1', cpu: 'cpuacct-cgroup-v1', moveRefused: [] });
    expect(document.verdicts.find((verdict) => verdict.check === 'tree-cgroups')).toMatchObject({ status: 'ok', fix: null });
    const text = (await doctor([])).stdout;
    expect(text).toMatch(/^\[ok\] +cgroups +perfcell run and compare make a memory cgroup \(cgroup v1 memory\.max_usage_in_bytes\) and a CPU cgroup \(cgroup v1 cpuacct\.usage\)/m);
  });

  // A QA pass: the check made the cgroups and moved nothing into them, so where the kernel refused
  // a process in one doctor read `ok` while run fell back (its peak 'sampled-tree'). The refusal
  // here is strace's: EACCES injected into the write of a pid to the memory cgroup's cgroup.procs
  // (run's own under the same injection reads 'sampled-tree')
  it.runIf(process.getuid?.() === 0 && memoryMount !== null && cpuacctMount !== null && runsWith('strace', hasStrace, "the cgroups check's refused move"))('as root on cgroup v1, the move into the memory cgroup refused: warns that peaks are sampled, and leaves no cgroup or child behind', async ({ onTestFinished }) => {
    const ownMemory = join(memoryMount!, ownCgroupPath(readFileSync('/proc/self/cgroup', 'utf8'), 'memory') ?? '/');
    // the shell execs doctor once strace has attached to it: doctor's pid is the shell's, and its cgroups perfcell-NS-PID-1
    const script = [
      `strace -f -qq -o /dev/null -P "${ownMemory}/perfcell-${readPidNamespace()}-$$-1/cgroup.procs" -e trace=write -e inject=write:error=EACCES -p $$ &`,
      'until grep -q "^TracerPid:[[:space:]]*[1-9]" /proc/$$/status; do sleep 0.01; done',
      'exec "$@"',
    ].join('\n');
    const result = execa('sh', ['-c', script, 'sh', process.execPath, bin, 'doctor', '--json'], { reject: false, timeout: 60_000, forceKillAfterDelay: 1_000, env: { NO_COLOR: '1' }, cwd: '/tmp' });
    const { stdout } = await result;
    const left = cgroupsOf(result.pid!);
    onTestFinished(() => left.forEach((folder) => rmdirSync(folder)));
    expect(left).toEqual([]);
    expect(processesInCgroupsOf(result.pid!)).toEqual([]);
    const document = JSON.parse(stdout) as DoctorDocument;
    expect(document.facts.treeCgroups).toEqual({ memory: 'memory-cgroup-v1', cpu: 'cpuacct-cgroup-v1', moveRefused: ['memory'] });
    expect(document.verdicts.find((verdict) => verdict.check === 'tree-cgroups')).toMatchObject({
      status: 'warn',
      summary: 'perfcell run and compare make the memory cgroup (cgroup v1 memory.max_usage_in_bytes) here but cannot move a process into it (root): peaks are sampled',
      fix: 'dmesg | grep -i -e denied -e cgroup',
    });
  });

  warnNobodySkipped('doctor as nobody');
  it.runIf(nobodyCanRun)('as an unprivileged user: no cgroup can be made, so peaks are sampled and CPU may leave out children; the fix is root', async ({ onTestFinished }) => {
    const home = mkdtempSync(join(tmpdir(), 'perfcell-nobody-home-'));
    onTestFinished(() => rmSync(home, { recursive: true, force: true }));
    chownSync(home, 65534, 65534);
    const document = JSON.parse((await doctor(['--json'], { user: 65534, env: { HOME: home, PATH: process.env['PATH'] ?? '' } })).stdout) as DoctorDocument;
    expect(document.facts.treeCgroups).toEqual({ memory: null, cpu: null, moveRefused: [] });
    expect(document.verdicts.find((verdict) => verdict.check === 'tree-cgroups')).toMatchObject({
      status: 'warn',
      summary: 'no memory or CPU cgroup can be made here (uid 65534): peaks are sampled, and CPU may leave out children',
      fix: 'run perfcell as root: sudo perfcell run -- PROG',
    });
    const text = (await doctor([], { user: 65534, env: { HOME: home, PATH: process.env['PATH'] ?? '' } })).stdout;
    expect(text).toContain("[warn] cgroups       no memory or CPU cgroup can be made here (uid 65534): peaks are sampled, and CPU may leave out children\n                     peak RAM: without a memory cgroup the process tree's RSS is sampled from /proc every 10 ms, which can miss a shorter peak\n");
    expect(text).toContain('\n                     fix: run perfcell as root: sudo perfcell run -- PROG\n');
  });

  it.runIf(nobodyCanRun && memoryMount !== null && cpuacctMount !== null)("as an unprivileged user in a memory and a cpuacct cgroup of its own (cgroup v1): both made below them, as the details say", async ({ onTestFinished }) => {
    const home = mkdtempSync(join(tmpdir(), 'perfcell-nobody-home-'));
    chownSync(home, 65534, 65534);
    const own = readFileSync('/proc/self/cgroup', 'utf8');
    const name = `perfcell-test-own-${process.pid}`;
    const folders = [join(memoryMount!, ownCgroupPath(own, 'memory') ?? '/', name), join(cpuacctMount!, ownCgroupPath(own, 'cpuacct') ?? '/', name)];
    for (const folder of folders) {
      mkdirSync(folder);
      chownSync(folder, 65534, 65534);
    }
    onTestFinished(() => {
      rmSync(home, { recursive: true, force: true });
      // what the doctor left in them, had it left any (the test fails then), goes first
      for (const folder of folders) {
        for (const entry of readdirSync(folder).filter((entry) => entry.startsWith('perfcell-'))) rmdirSync(join(folder, entry));
        rmdirSync(folder);
      }
    });
    const moves = folders.map((folder) => `echo $$ > ${folder}/cgroup.procs`).join('; ');
    const { stdout } = await execa('sh', ['-c', `${moves}; exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"`, 'sh', process.execPath, bin, 'doctor', '--json'], {
      reject: false,
      timeout: 60_000,
      forceKillAfterDelay: 1_000,
      env: { NO_COLOR: '1', HOME: home },
      cwd: '/tmp',
    });
    const document = JSON.parse(stdout) as DoctorDocument;
    expect(folders.flatMap((folder) => readdirSync(folder).filter((entry) => entry.startsWith('perfcell-')))).toEqual([]);
    expect(document.facts.uid).toBe(65534);
    expect(document.facts.treeCgroups).toEqual({ memory: 'memory-cgroup-v1', cpu: 'cpuacct-cgroup-v1', moveRefused: [] });
    expect(document.verdicts.find((verdict) => verdict.check === 'tree-cgroups')?.status).toBe('ok');
  });

  it.runIf(nobodyCanRun)('as an unprivileged user: says so, and paranoid decides', async ({ onTestFinished }) => {
    // a home of its own, nobody's: with HOME=/tmp its cache folder stayed in /tmp, owned by nobody
    const home = mkdtempSync(join(tmpdir(), 'perfcell-nobody-home-'));
    onTestFinished(() => rmSync(home, { recursive: true, force: true }));
    chownSync(home, 65534, 65534);
    const result = await doctor(['--json'], { user: 65534, env: { HOME: home, PATH: process.env['PATH'] ?? '' } });
    const document = JSON.parse(result.stdout) as DoctorDocument;
    expect(document.facts.uid).toBe(65534);
    expect(document.facts.hasCapPerfmon).toBe(false);
    const privilege = document.verdicts.find((verdict) => verdict.check === 'privilege');
    expect(privilege?.summary).toBe('uid 65534, unprivileged: kernel.perf_event_paranoid decides what perf may count');
    const paranoid = document.facts.paranoidLevel;
    // Up to 2 the kernel lets anyone count their own processes' user space.
    if (paranoid !== null && paranoid <= 2) {
      expect(document.facts.events.find((probe) => probe.event === 'task-clock')?.status).toBe('counted');
    }
    // perf adds :u for this user at paranoid 2, so context-switches reads 0: not among the events counted
    if (document.facts.events.find((probe) => probe.event === 'context-switches')?.userOnly === true) {
      const summary = document.verdicts.find((verdict) => verdict.check === 'events')?.summary ?? '';
      expect(summary).toMatch(/^counted: [^;]*; always 0 for this user \(user space only\): context-switches(;|$)/);
      expect(summary.split(';')[0]).not.toContain('context-switches');
    }
  });
});
