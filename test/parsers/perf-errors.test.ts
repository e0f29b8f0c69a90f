import { readdirSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { classifyPerfStderr, type PerfErrorContext, type PerfProblem } from '../../parsers/perf-errors.ts';
import { locateRejectedEvent } from '../../parsers/perf-errors-event.ts';

const samples = new URL('../../samples/perf-errors/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(`${name}.txt`, samples), 'utf8');

const UNKNOWN = (event: string): PerfProblem => ({
  code: 'PERF_UNKNOWN_EVENT',
  event,
  message: `unknown perf event '${event}' (see perf list, or drop it from -e)`,
});
const PARANOID = (setting: string, fix: number): PerfProblem => ({
  code: 'PERF_PARANOID',
  message: `perf refused by kernel.perf_event_paranoid${setting} (run: sudo sysctl kernel.perf_event_paranoid=${fix}, or grant CAP_PERFMON)`,
});
const NO_PROCESS: PerfProblem = {
  code: 'PERF_NO_SUCH_PROCESS',
  message: 'perf found no process to monitor (check the pid: the process may have exited)',
};

/** Every capture, what perfcell asked perf for, and the exact problem it must read. */
const EXPECTED: Record<string, { context?: PerfErrorContext; problem: PerfProblem }> = {
  'local-perf61-unknown-event': { problem: UNKNOWN('nosuchevent') },
  'local-perf61-unknown-event-in-list': { problem: UNKNOWN('bogus_ev') },
  'local-perf61-unknown-event-cut': { problem: UNKNOWN('bogus_ev') },
  'local-perf61-unknown-event-cut-both-ends': { problem: UNKNOWN('bogus_ev') },
  'local-perf61-bad-modifier': { problem: UNKNOWN('task-clock:zz') },
  'local-perf61-missing-pmu': {
    problem: {
      code: 'PERF_UNKNOWN_EVENT',
      event: 'cpu/cycles/',
      message: "unknown perf event 'cpu/cycles/': this machine has no 'cpu' pmu (see perf list, or drop it from -e)",
    },
  },
  'local-perf61-unknown-pmu-term': {
    problem: {
      code: 'PERF_UNKNOWN_EVENT',
      event: 'msr/foo/',
      message: "unknown perf event 'msr/foo/': pmu 'msr' has no term 'foo' (see perf list, or drop it from -e)",
    },
  },
  'local-perf61-record-unknown-event': { problem: UNKNOWN('nosuchevent') },
  'local-perf61-record-hw-not-supported': {
    problem: {
      code: 'PERF_UNKNOWN_EVENT',
      event: 'cache-misses',
      message: "perf event 'cache-misses' is not supported on this machine (check: perfcell doctor, or drop it from -e)",
    },
  },
  'local-perf61-no-such-pid': { problem: NO_PROCESS },
  'local-perf61-record-no-such-pid': {
    context: { pid: 999999 },
    problem: { code: 'PERF_NO_SUCH_PROCESS', message: 'no process with pid 999999 (check the pid: the process may have exited)' },
  },
  // 4242 stands for the root-owned sleep that nobody tried to watch (see README).
  'local-perf61-other-user-pid': {
    context: { pid: 4242, events: ['task-clock'] },
    problem: {
      code: 'PERF_PERMISSION',
      message:
        'perf may not watch pid 4242, which belongs to another user (run perfcell as that user or as root, or grant CAP_PERFMON)',
    },
  },
  'local-perf61-paranoid-2-system-wide': { problem: PARANOID('=2', 1) },
  'local-perf61-paranoid-4-system-wide': { problem: PARANOID('=4', 1) },
  'local-perf61-paranoid-2-kernel-event': { problem: PARANOID('=2', 1) },
  'published-ubuntu-wrapper-perf-not-found': {
    problem: {
      code: 'PERF_NOT_FOUND',
      message: 'perf is not installed for kernel 4.4.0-186 (run: sudo apt-get install linux-tools-4.4.0-186-generic)',
    },
  },
  'published-debian-wrapper-perf-not-installed': {
    problem: { code: 'PERF_NOT_FOUND', message: 'perf is not installed for kernel 5.15 (run: sudo apt-get install linux-perf-5.15)' },
  },
  'reconstructed-shell-command-not-found': {
    problem: {
      code: 'PERF_NOT_FOUND',
      message:
        'perf not found on PATH (run: sudo apt-get install linux-perf on Debian, or sudo apt-get install linux-tools-$(uname -r) on Ubuntu)',
    },
  },
  'reconstructed-perf2-paranoid': { problem: PARANOID('', 1) },
  'reconstructed-perf3-unknown-event': {
    problem: {
      code: 'PERF_UNKNOWN_EVENT',
      event: 'task-clock,nosuchevent',
      message: "unknown perf event in 'task-clock,nosuchevent' (see perf list, or drop it from -e)",
    },
  },
  'reconstructed-perf3-paranoid-system-wide': { problem: PARANOID('', 1) },
  'reconstructed-perf4-debian-paranoid-3-eperm': { problem: { ...PARANOID('=3', 1), event: 'cycles' } },
  'reconstructed-perf5-syscall-einval': {
    problem: {
      code: 'PERF_FAILED',
      event: 'cycles',
      message:
        "perf could not open event 'cycles': invalid argument (errno 22) (check: dmesg | grep -i perf, or drop it from -e)",
    },
  },
};

describe('classifyPerfStderr on recorded captures', () => {
  const names = readdirSync(samples)
    .filter((file) => file.endsWith('.txt'))
    .map((file) => file.slice(0, -'.txt'.length));

  it('has an expectation for every capture and a capture for every expectation', () => {
    expect(names.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(names)('%s', (name) => {
    const expected = EXPECTED[name];
    expect(expected, `no expectation for ${name}`).toBeDefined();
    expect(classifyPerfStderr(read(name), expected?.context)).toEqual(expected?.problem);
  });

  it('every message is one lower-case line', () => {
    for (const { problem } of Object.values(EXPECTED)) {
      expect(problem.message).not.toContain('\n');
      expect(problem.message[0]).toBe(problem.message[0]?.toLowerCase());
      expect(problem.message).not.toMatch(/\.$/);
    }
  });
});

describe('classifyPerfStderr context', () => {
  const refusal = read('local-perf61-paranoid-2-system-wide');

  it('a refused pid at paranoid 3 or 4 is the kernel setting, not the owner', () => {
    const at4 = read('local-perf61-paranoid-4-system-wide');
    expect(classifyPerfStderr(at4, { pid: 4242 })).toEqual(PARANOID('=4', 1));
  });

  it("a refused pid of one's own that is not dumpable is said to be so, not another user's", () => {
    const otherUser = read('local-perf61-other-user-pid');
    expect(classifyPerfStderr(otherUser, { pid: 4242, isPidNotDumpable: true })).toEqual({
      code: 'PERF_PERMISSION',
      message:
        'perf may not watch pid 4242: it is not dumpable (a setuid or setgid program, or prctl(PR_SET_DUMPABLE, 0)), so only root may (run perfcell as root, or grant CAP_PERFMON)',
    });
  });

  it('suggests one step lower when the level is already below 2', () => {
    expect(classifyPerfStderr(refusal.replace('setting is 2', 'setting is 1'))).toEqual(PARANOID('=1', 0));
    expect(classifyPerfStderr(refusal.replace('setting is 2', 'setting is 0'))).toEqual(PARANOID('=0', -1));
  });

  it('a refusal at -1 blames a security module', () => {
    expect(classifyPerfStderr(refusal.replace('setting is 2', 'setting is -1'))).toEqual({
      code: 'PERF_PERMISSION',
      message:
        'perf refused although kernel.perf_event_paranoid=-1, so a security module such as selinux blocks it (run as root, or check: sudo ausearch -m avc -ts recent)',
    });
  });

  it('completes a cut event name from the events perfcell asked for', () => {
    // Cut so that only the tail of the bad event shows: '..ogus_ev,...'.
    const text = "event syntax error: '..ogus_ev,cycles'\n" + ' '.repeat(21 + 2) + '\\___ parser error\n';
    expect(locateRejectedEvent(text, ['task-clock', 'bogus_ev'])?.event).toBe('bogus_ev');
    expect(locateRejectedEvent(text)?.event).toBe('..ogus_ev');
  });

  it('keeps commas inside pmu terms', () => {
    const text = "event syntax error: 'task-clock,cpu/event=0x3c,umask=0/'\n" + ' '.repeat(21 + 11) + '\\___ x\n';
    expect(locateRejectedEvent(text)?.event).toBe('cpu/event=0x3c,umask=0/');
  });

  it('reads nothing into a fallback warning or a plain report', () => {
    expect(classifyPerfStderr('The cycles event is not supported, trying to fall back to cpu-clock-ticks\n')).toBeUndefined();
    expect(classifyPerfStderr(' Performance counter stats for \'true\':\n\n   0.5 msec task-clock\n')).toBeUndefined();
    expect(classifyPerfStderr('')).toBeUndefined();
  });

  it('recognises execa failing to spawn perf', () => {
    expect(classifyPerfStderr('Command failed with ENOENT: perf stat true\nspawn perf ENOENT')?.code).toBe('PERF_NOT_FOUND');
  });

  it('names the path of a perf given by its path that is not there, not PATH (PERFCELL_PERF)', () => {
    // before: "perf not found on PATH (run: sudo apt-get install linux-perf …)", with perf on PATH
    expect(classifyPerfStderr('spawn /nonexistent/perf ENOENT')).toEqual({
      code: 'PERF_NOT_FOUND',
      message: 'perf not found at /nonexistent/perf (PERFCELL_PERF names it: unset PERFCELL_PERF, or point it at a perf binary)',
    });
  });

  it('names the path of a perf given by its path that cannot be run (a folder, a file without x)', () => {
    // before: "perf stopped before counting: spawn /tmp EACCES (run: perfcell doctor)", the fix a command away
    expect(classifyPerfStderr('spawn /tmp EACCES')).toEqual({
      code: 'PERF_NOT_FOUND',
      message: 'perf at /tmp cannot be run: permission denied (PERFCELL_PERF names it: unset PERFCELL_PERF, or point it at a perf binary)',
    });
    expect(classifyPerfStderr('spawn /tmp EACCES', { perfPathFrom: 'option' })?.message).toBe('perf at /tmp cannot be run: permission denied (the perfPath option names it: point it at a perf binary, or leave it out for perf on PATH)');
  });

  // A QA pass: measure(fn, { perfPath: '/nonexistent/perf' }) said 'PERFCELL_PERF names it: unset
  // PERFCELL_PERF', a variable that was not set, to a caller who had named the path as an option
  it('names the perfPath option where the library\'s caller gave the path', () => {
    expect(classifyPerfStderr('spawn /nonexistent/perf ENOENT', { perfPathFrom: 'option' })).toEqual({
      code: 'PERF_NOT_FOUND',
      message: 'perf not found at /nonexistent/perf (the perfPath option names it: point it at a perf binary, or leave it out for perf on PATH)',
    });
  });

  it('names the whole path of such a perf where a folder in it holds a space', () => {
    // before: "perf stopped before counting: spawn /opt/my tools/perf EACCES (run: perfcell doctor)", both rules stopping at the space
    expect(classifyPerfStderr('spawn /opt/my tools/perf EACCES')?.message).toBe('perf at /opt/my tools/perf cannot be run: permission denied (PERFCELL_PERF names it: unset PERFCELL_PERF, or point it at a perf binary)');
    expect(classifyPerfStderr('spawn /opt/my tools/perf ENOENT')?.message).toBe('perf not found at /opt/my tools/perf (PERFCELL_PERF names it: unset PERFCELL_PERF, or point it at a perf binary)');
    // a perf by its name alone is still PATH's
    expect(classifyPerfStderr('Command failed with ENOENT: perf stat true\nspawn perf ENOENT')?.message).toMatch(/^perf not found on PATH/);
  });
});

// Live check: today's perf still words these errors the way the captures do.
const perfPath = await execa('perf', ['--version'], { reject: false, timeout: 5_000 });
const hasPerf = perfPath.exitCode === 0;
if (!hasPerf) console.warn('perf-errors live tests skipped: perf is not runnable here');

describe.runIf(hasPerf)('classifyPerfStderr on live perf', () => {
  const perf = (args: readonly string[]) =>
    execa('perf', args, { reject: false, timeout: 10_000, env: { LC_ALL: 'C' }, forceKillAfterDelay: 1_000 });

  it('an unknown event', async () => {
    const { stderr, exitCode } = await perf(['stat', '-e', 'task-clock,nosuchevent_xyz', 'true']);
    expect(exitCode).not.toBe(0);
    expect(classifyPerfStderr(stderr, { events: ['task-clock', 'nosuchevent_xyz'] })).toEqual(UNKNOWN('nosuchevent_xyz'));
  });

  it('a pid that does not exist', async () => {
    // Find a pid that is free right now (pid_max is at least 32768).
    let pid = 4_000_000;
    while (readdirSync('/proc').includes(String(pid))) pid -= 1;
    const { stderr, exitCode } = await perf(['stat', '-p', String(pid), '-e', 'task-clock']);
    expect(exitCode).not.toBe(0);
    expect(classifyPerfStderr(stderr, { pid })?.code).toBe('PERF_NO_SUCH_PROCESS');
  });

  it('a successful run is no problem', async () => {
    const { stderr, exitCode } = await perf(['stat', '-e', 'task-clock', 'true']);
    expect(exitCode).toBe(0);
    expect(classifyPerfStderr(stderr)).toBeUndefined();
  });
});
