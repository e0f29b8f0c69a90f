import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EVENTS,
  gatherFacts,
  readCpuInfo,
  readStatCsv,
  systemSources,
  type CapabilitySources,
  type RunResult,
} from '../../src/perf/capabilities.ts';
import { diagnose } from '../../src/perf/diagnose.ts';

const capture = (name: string): string =>
  readFileSync(new URL(`../../samples/perf-errors/${name}.txt`, import.meta.url), 'utf8');

/** Runs a command the plain way, to check gatherFacts against something it did not compute. */
function runDirect(file: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: 10_000, env: { ...process.env, LC_ALL: 'C' } });
  return { status: result.error ? null : result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

const perfVersion = runDirect('perf', ['--version']);
const hasPerf = perfVersion.status === 0;
if (!hasPerf) console.warn('capabilities: perf is not runnable here, so the live perf checks are skipped');

describe('gatherFacts on this machine', async () => {
  const facts = await gatherFacts();

  it('reads perf_event_paranoid, the watchdog and the event sources as the files say', () => {
    const paranoid = Number(readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8'));
    expect(facts.paranoidLevel).toBe(paranoid);
    const watchdog = existsSync('/proc/sys/kernel/nmi_watchdog') ? Number(readFileSync('/proc/sys/kernel/nmi_watchdog', 'utf8')) : null;
    expect(facts.nmiWatchdog).toBe(watchdog);
    expect(facts.eventSources).toEqual(readdirSync('/sys/bus/event_source/devices').sort());
  });

  it('reads CapEff bits 38 (CAP_PERFMON) and 21 (CAP_SYS_ADMIN)', () => {
    const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((text) => text.startsWith('CapEff:')) ?? '';
    const hex = line.split(/\s+/)[1] ?? '0';
    // Digit arithmetic instead of BigInt shifts: bit n lives in hex digit n/4 from the right.
    const bit = (n: number): boolean => (parseInt(hex[hex.length - 1 - Math.floor(n / 4)] ?? '0', 16) >> n % 4) % 2 === 1;
    expect(facts.capEffHex).toBe(hex);
    expect(facts.hasCapPerfmon).toBe(bit(38));
    expect(facts.hasCapSysAdmin).toBe(bit(21));
    expect(facts.uid).toBe(process.getuid?.());
  });

  it('knows the cpu vendor and whether this is a VM', () => {
    const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    const vendor = cpuinfo.split('\n').find((text) => text.startsWith('vendor_id'))?.split(':')[1]?.trim() ?? null;
    if (vendor !== null) expect(facts.cpuVendor).toBe(vendor);
    expect(facts.isVirtualMachine).toBe(cpuinfo.split('\n').some((text) => text.startsWith('flags') && text.split(' ').includes('hypervisor')));
  });

  it('finds valgrind exactly when valgrind --version runs', () => {
    const valgrind = runDirect('valgrind', ['--version']);
    expect(facts.valgrindVersion).toBe(valgrind.status === 0 ? valgrind.stdout.trim().replace('valgrind-', '') : null);
  });

  it.runIf(hasPerf)('reads the perf version and tries every default event', () => {
    expect(facts.perfVersion).toBe(/perf version (\S+)/.exec(perfVersion.stdout)?.[1]);
    expect(facts.perfProblem).toBeNull();
    expect(facts.events.map((probe) => probe.event)).toEqual([...DEFAULT_EVENTS]);
  });

  it.runIf(hasPerf)('agrees with perf run once per event', () => {
    for (const event of ['task-clock', 'page-faults', 'cycles', 'cache-misses']) {
      const direct = runDirect('perf', ['stat', '-x,', '-e', event, '--', 'true']);
      const value = direct.stderr.split('\n').find((line) => line.includes(`,${event}`))?.split(',')[0] ?? '';
      const counted = /^\d/.test(value);
      expect(facts.events.find((probe) => probe.event === event)?.status === 'counted', event).toBe(counted);
    }
  });

  it.runIf(hasPerf)('its verdicts match: perf present, software counts, the PMU verdict follows /sys', () => {
    const verdicts = diagnose(facts);
    const status = (check: string) => verdicts.find((verdict) => verdict.check === check)?.status;
    expect(status('perf')).toBe('ok');
    expect(facts.events.find((probe) => probe.event === 'task-clock')?.status).toBe('counted');
    const devices = readdirSync('/sys/bus/event_source/devices');
    const hasCorePmu = devices.some((name) => name === 'cpu' || name.startsWith('cpu_') || name.startsWith('armv'));
    expect(status('pmu')).toBe(hasCorePmu ? 'ok' : 'fail');
    const cyclesCount = /^\d/.test(runDirect('perf', ['stat', '-x,', '-e', 'cycles', '--', 'true']).stderr);
    expect(status('hardware-counting')).toBe(cyclesCount ? 'ok' : 'fail');
  });
});

/** Fake sources over this machine's files, with perf replaced where a test says so. */
function sourcesWith(run: CapabilitySources['run']): CapabilitySources {
  return { ...systemSources, run };
}

const ok = (stdout: string, stderr = ''): RunResult => ({ exitCode: 0, stdout, stderr, spawnError: null });

describe('gatherFacts with injected faults', () => {
  it('perf not on PATH: no probe runs, the problem says how to install it', async () => {
    const calls: string[] = [];
    const facts = await gatherFacts(
      sourcesWith(async (file, args) => {
        calls.push([file, ...args].join(' '));
        return { exitCode: null, stdout: '', stderr: '', spawnError: 'ENOENT' };
      }),
    );
    expect(facts.perfVersion).toBeNull();
    expect(facts.perfProblem?.code).toBe('PERF_NOT_FOUND');
    expect(facts.events).toEqual([]);
    expect(facts.eventsProblem).toEqual(facts.perfProblem);
    // nothing tried to count with a perf that is not there
    expect(calls.filter((call) => call.startsWith('perf stat'))).toEqual([]);
  });

  // Fault real perf cannot make on demand here: the kernel refusing perf (a vanilla kernel
  // ignores paranoid 3 and 4, and root bypasses it). The stderr is the recorded refusal.
  it('perf refused by perf_event_paranoid: every event refused, the problem kept', async () => {
    const facts = await gatherFacts(
      sourcesWith(async (_file, args) =>
        args[0] === '--version'
          ? ok('perf version 6.1.187\n')
          : args[0] === 'stat'
            ? { exitCode: 255, stdout: '', stderr: capture('local-perf61-paranoid-4-system-wide'), spawnError: null }
            : ok('valgrind-3.19.0\n'),
      ),
    );
    expect(facts.events.every((probe) => probe.status === 'refused')).toBe(true);
    expect(facts.eventsProblem?.code).toBe('PERF_PARANOID');
  });

  // Fault real perf cannot make on demand: an old perf that does not know one default event.
  it('an event this perf does not know is marked unknown and the rest retried', async () => {
    const unknownCycles =
      "event syntax error: '..instructions,cycles,page-faults,task-clock,context-switches'\n" +
      ' '.repeat(21 + 15) +
      '\\___ parser error\nRun \'perf list\' for a list of valid events\n';
    const facts = await gatherFacts(
      sourcesWith(async (file, args) => {
        if (file === 'valgrind') return ok('valgrind-3.19.0\n');
        if (args[0] === '--version') return ok('perf version 3.16.7\n');
        if (args[3]?.includes('cycles') === true) return { exitCode: 129, stdout: '', stderr: unknownCycles, spawnError: null };
        return ok('', '<not supported>,,cache-misses,0,100.00,,\n12,,page-faults,1,100.00,,\n0.5,msec,task-clock,1,100.00,,\n');
      }),
    );
    // The fake refuses any list holding cycles: page-faults counted means the rest were retried without it.
    expect(facts.events).toEqual([
      { event: 'cache-misses', status: 'not supported', count: null },
      { event: 'cache-references', status: 'not counted', count: null },
      { event: 'instructions', status: 'not counted', count: null },
      { event: 'cycles', status: 'unknown', count: null },
      { event: 'page-faults', status: 'counted', count: 12 },
      { event: 'task-clock', status: 'counted', count: 0.5, unit: 'msec' },
      { event: 'context-switches', status: 'not counted', count: null },
    ]);
  });
});

describe('readStatCsv', () => {
  it.runIf(hasPerf)('reads what perf stat -x, prints here', () => {
    const direct = runDirect('perf', ['stat', '-x,', '-e', 'task-clock,page-faults,cycles', '--', 'true']);
    const rows = readStatCsv(direct.stderr);
    expect(rows.map((row) => row.event)).toEqual(['task-clock', 'page-faults', 'cycles']);
    expect(rows[0]?.status).toBe('counted');
    expect(rows[0]?.count).toBeGreaterThan(0);
    expect(rows[0]?.unit).toBe('msec');
    expect(rows[1]?.unit).toBeUndefined();
  });

  it('folds hybrid rows and :u into the plain event, counted wins', () => {
    // The counts of samples/perf/lkml-2024-jclark-hybrid-not-counted-before.json.txt, in -x, form.
    const text = [
      '<not counted>,,cpu_atom/branch-misses/,0,0.00,,',
      '6326,,cpu_core/branch-misses/,293786,100.00,3.55,of all branches',
      '<not supported>,,cycles:u,0,100.00,,',
      '',
    ].join('\n');
    expect(readStatCsv(text)).toEqual([
      { event: 'branch-misses', status: 'counted', count: 6326 },
      { event: 'cycles', status: 'not supported', count: null, userOnly: true },
    ]);
  });
});

describe('readCpuInfo', () => {
  it('reads x86 and ARM', () => {
    expect(readCpuInfo('vendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel name\t: Intel(R) Xeon(R)\nflags\t\t: fpu hypervisor sse\n')).toEqual({
      cpuVendor: 'GenuineIntel',
      cpuFamily: 6,
      cpuModelName: 'Intel(R) Xeon(R)',
      isVirtualMachine: true,
    });
    expect(readCpuInfo('processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\nFeatures\t: fp asimd\n')).toEqual({
      cpuVendor: 'arm:0x41',
      cpuFamily: null,
      cpuModelName: null,
      isVirtualMachine: false,
    });
  });
});
