import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyPerfStderr } from '../../parsers/perf-errors.ts';
import type { CapabilityFacts, EventProbe } from '../../src/perf/capabilities.ts';
import { canCountHardware, describeCacheMisses, diagnose, type CheckId, type Verdict } from '../../src/perf/diagnose.ts';
import { renderDoctorText } from '../../src/render/doctor-text.ts';

const capture = (name: string): string =>
  readFileSync(new URL(`../../samples/perf-errors/${name}.txt`, import.meta.url), 'utf8');

/** Recorded with gatherFacts() on the helper VM (perf 6.1, KVM guest on AMD EPYC without a PMU). */
const THIS_VM: CapabilityFacts = {
  kernelRelease: '6.18.44-fc-v782',
  distroIds: ['debian'],
  perfPath: '/usr/bin/perf',
  perfFromEnv: false,
  perfVersion: '6.1.187',
  perfProblem: null,
  paranoidLevel: 2,
  uid: 0,
  capEffHex: '000001fffeffffff',
  hasCapPerfmon: true,
  hasCapSysAdmin: true,
  eventSources: ['breakpoint', 'msr', 'software', 'tracepoint', 'uprobe'],
  pmuCpus: {},
  nmiWatchdog: 0,
  cpuVendor: 'AuthenticAMD',
  cpuFamily: 25,
  cpuModelName: 'AMD EPYC',
  isVirtualMachine: true,
  events: [
    { event: 'cache-misses', status: 'not supported', count: null },
    { event: 'cache-references', status: 'not supported', count: null },
    { event: 'instructions', status: 'not supported', count: null },
    { event: 'cycles', status: 'not supported', count: null },
    { event: 'page-faults', status: 'counted', count: 48 },
    { event: 'task-clock', status: 'counted', count: 0.65, unit: 'msec' },
    { event: 'context-switches', status: 'counted', count: 0 },
  ],
  eventsProblem: null,
  valgrindVersion: '3.19.0',
  perfPreload: { file: '/usr/bin/perf', viaUbuntuWrapper: false, reason: null },
  preloadSwitchedOff: [],
  perfOutput: { folder: '/tmp', refused: [], temporary: '/tmp' },
  treeCgroups: { memory: 'memory-cgroup-v1', cpu: 'cpuacct-cgroup-v1', moveRefused: [] },
};

const ALL_COUNTED: readonly EventProbe[] = THIS_VM.events.map((probe) => ({ ...probe, status: 'counted', count: 1000 }));
const REFUSED: readonly EventProbe[] = THIS_VM.events.map((probe) => ({ ...probe, status: 'refused', count: null }));

/** A bare-metal Intel box: the VM's facts with a `cpu` PMU whose events count. */
const INTEL_METAL: CapabilityFacts = {
  ...THIS_VM,
  eventSources: ['breakpoint', 'cpu', 'cstate_core', 'msr', 'power', 'software', 'tracepoint', 'uncore_imc', 'uprobe'],
  cpuVendor: 'GenuineIntel',
  cpuFamily: 6,
  cpuModelName: 'Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz',
  isVirtualMachine: false,
  events: ALL_COUNTED,
};

const byCheck = (verdicts: readonly Verdict[], check: CheckId): Verdict => {
  const found = verdicts.find((verdict) => verdict.check === check);
  if (found === undefined) throw new Error(`no ${check} verdict`);
  return found;
};

describe('diagnose on this VM (recorded facts)', () => {
  const verdicts = diagnose(THIS_VM);

  it('lists every check once, the overall result last', () => {
    expect(verdicts.map((verdict) => verdict.check)).toEqual([
      'perf',
      'privilege',
      'paranoid',
      'pmu',
      'hybrid',
      'nmi-watchdog',
      'events',
      'cache-misses',
      'valgrind',
      'hand-over',
      'perf-output',
      'tree-cgroups',
      'hardware-counting',
    ]);
  });

  it('blames the missing PMU and says what to run on the host', () => {
    const pmu = byCheck(verdicts, 'pmu');
    expect(pmu.status).toBe('fail');
    expect(pmu.summary).toBe("no hardware PMU: the kernel's event sources are breakpoint, msr, software, tracepoint, uprobe");
    expect(pmu.fix).toBe('on the host: qemu -cpu host,pmu=on (libvirt: <pmu state="on"/>, VMware: "virtualize CPU performance counters")');
    // the backend that traces the program's children and simulates the caches, not a bare valgrind that counts the parent alone
    expect(pmu.details.at(-1)).toBe('without a PMU, perfcell run --backend cachegrind -- PROG can simulate the caches instead (its children too)');
    const result = byCheck(verdicts, 'hardware-counting');
    expect(result).toEqual({
      check: 'hardware-counting',
      status: 'fail',
      summary: 'hardware counting does not work here',
      details: [`cause: ${pmu.summary}`, 'software events (page-faults, task-clock, context-switches) do count'],
      fix: pmu.fix,
    });
  });

  it('passes perf, privilege, paranoid, watchdog and valgrind', () => {
    expect(byCheck(verdicts, 'perf')).toMatchObject({ status: 'ok', summary: 'perf 6.1.187 (/usr/bin/perf)' });
    expect(byCheck(verdicts, 'privilege')).toMatchObject({
      status: 'ok',
      summary: 'root with CAP_PERFMON and CAP_SYS_ADMIN: perf_event_paranoid does not apply',
    });
    expect(byCheck(verdicts, 'paranoid')).toMatchObject({ status: 'ok', summary: 'kernel.perf_event_paranoid=2, which does not apply to this process' });
    expect(byCheck(verdicts, 'nmi-watchdog')).toMatchObject({ status: 'info', summary: 'NMI watchdog off (no hardware counter here for it to hold)' });
    expect(byCheck(verdicts, 'valgrind')).toMatchObject({ status: 'ok', summary: 'valgrind 3.19.0: the simulated-cache backend (cachegrind) can run' });
  });

  it('lists the software events as counted and the hardware ones as explained by the PMU', () => {
    expect(byCheck(verdicts, 'events')).toMatchObject({
      status: 'info',
      summary:
        'counted: page-faults, task-clock, context-switches; not: cache-misses, cache-references, instructions, cycles (no hardware PMU, see above)',
      fix: null,
    });
  });

  it('renders one screen', () => {
    const text = renderDoctorText(verdicts, { color: false, width: 100 });
    expect(text).toMatchInlineSnapshot(`
      "[ok]   perf          perf 6.1.187 (/usr/bin/perf)
      [ok]   privilege     root with CAP_PERFMON and CAP_SYS_ADMIN: perf_event_paranoid does not apply
      [ok]   paranoid      kernel.perf_event_paranoid=2, which does not apply to this process
                           -1  every event, for every user
                            0  no raw or ftrace tracepoints for unprivileged users
                            1  unprivileged: own processes only, kernel included
                            2  unprivileged: user space of own processes (default)
                            3  Debian/Ubuntu kernels: no perf for unprivileged users
                            4  Ubuntu kernels, their default: stricter still
                               (a vanilla kernel treats 3 and 4 like 2)
      [FAIL] hardware PMU  no hardware PMU: the kernel's event sources are breakpoint, msr, software,
                           tracepoint, uprobe
                           this is a virtual machine (hypervisor cpu flag) whose hypervisor gives it no
                           PMU: cycles, instructions and cache-misses cannot be counted here; software
                           events still count
                           without a PMU, perfcell run --backend cachegrind -- PROG can simulate the
                           caches instead (its children too)
                           fix: on the host: qemu -cpu host,pmu=on (libvirt: <pmu state="on"/>, VMware:
                                "virtualize CPU performance counters")
      [ok]   core types    no hardware PMU, so no core types to tell apart
      [info] NMI watchdog  NMI watchdog off (no hardware counter here for it to hold)
      [info] events        counted: page-faults, task-clock, context-switches; not: cache-misses,
                           cache-references, instructions, cycles (no hardware PMU, see above)
                           cache-misses      not supported
                           cache-references  not supported
                           instructions      not supported
                           cycles            not supported
                           page-faults       counted (48 over \`true\`)
                           task-clock        counted (0.65 msec over \`true\`)
                           context-switches  counted (0 over \`true\`)
      [info] cache-misses  on AMD Zen, cache-misses counts L2 misses, not last-level (L3) misses as on
                           Intel
                           the kernel maps it to event 0x64 umask 0x09 (data-cache reads and instruction
                           fetches that missed L2), and cache-references to 0x60 umask 0xff (all L2
                           requests)
                           so compare cache-misses only between machines of one vendor; L3 misses come
                           from the separate amd_l3 PMU
                           (not countable on this machine)
      [ok]   valgrind      valgrind 3.19.0: the simulated-cache backend (cachegrind) can run
      [ok]   hand-over     perf takes perfcell's library (/usr/bin/perf): started ahead and held by run,
                           nudged for each window's last counts
      [ok]   perf output   perf's output goes to TMPDIR (/tmp), which has room
      [ok]   cgroups       perfcell run and compare make a memory cgroup (cgroup v1
                           memory.max_usage_in_bytes) and a CPU cgroup (cgroup v1 cpuacct.usage) for the
                           program's tree
                           peak RAM: the process tree's high-water mark, which the kernel keeps: exact,
                           with no polling
                           CPU: every descendant's, waited for or not (a child left running, a daemon)

      [FAIL] result        hardware counting does not work here
                           cause: no hardware PMU: the kernel's event sources are breakpoint, msr,
                           software, tracepoint, uprobe
                           software events (page-faults, task-clock, context-switches) do count
                           fix: on the host: qemu -cpu host,pmu=on (libvirt: <pmu state="on"/>, VMware:
                                "virtualize CPU performance counters")
      "
    `);
  });

  it('renders whole lines with no width (a pipe, a file): each summary, detail and fix on one line', () => {
    const lines = renderDoctorText(verdicts, { color: false }).split('\n');
    for (const verdict of verdicts) {
      expect(lines.some((line) => line.endsWith(`  ${verdict.summary}`)), verdict.summary).toBe(true);
      for (const detail of verdict.details) expect(lines.some((line) => line.endsWith(` ${detail}`)), detail).toBe(true);
      if (verdict.fix !== null) expect(lines).toContain(`${' '.repeat(21)}fix: ${verdict.fix}`);
    }
  });
});

describe('diagnose on other machines', () => {
  it('paranoid 3 on a Debian kernel, unprivileged: perf refused (perf 4.19 text, reconstructed from source)', () => {
    const eventsProblem = classifyPerfStderr(capture('reconstructed-perf4-debian-paranoid-3-eperm')) ?? null;
    const facts: CapabilityFacts = {
      ...INTEL_METAL,
      uid: 1000,
      capEffHex: '0000000000000000',
      hasCapPerfmon: false,
      hasCapSysAdmin: false,
      paranoidLevel: 3,
      events: REFUSED,
      eventsProblem,
    };
    const verdicts = diagnose(facts);
    expect(byCheck(verdicts, 'privilege')).toMatchObject({
      status: 'info',
      summary: 'uid 1000, unprivileged: kernel.perf_event_paranoid decides what perf may count',
    });
    expect(byCheck(verdicts, 'paranoid')).toMatchObject({
      status: 'fail',
      summary: 'kernel.perf_event_paranoid=3: unprivileged perf is refused',
      fix: 'sudo sysctl kernel.perf_event_paranoid=1',
    });
    expect(byCheck(verdicts, 'events')).toMatchObject({
      status: 'fail',
      summary:
        'perf stat failed: perf refused by kernel.perf_event_paranoid=3 (run: sudo sysctl kernel.perf_event_paranoid=1, or grant CAP_PERFMON)',
      fix: 'sudo sysctl kernel.perf_event_paranoid=1',
    });
    expect(byCheck(verdicts, 'hardware-counting')).toMatchObject({
      status: 'fail',
      details: ['cause: kernel.perf_event_paranoid=3: unprivileged perf is refused', 'software events do not count either'],
      fix: 'sudo sysctl kernel.perf_event_paranoid=1',
    });
  });

  it('paranoid 4 on a kernel that ignores it (this VM as nobody): fine', () => {
    const facts: CapabilityFacts = { ...THIS_VM, uid: 65534, hasCapPerfmon: false, hasCapSysAdmin: false, paranoidLevel: 4 };
    expect(byCheck(diagnose(facts), 'paranoid')).toMatchObject({
      status: 'ok',
      summary: 'kernel.perf_event_paranoid=4, but this kernel let perf count anyway (it treats 4 like 2)',
    });
  });

  it('unprivileged at paranoid 2 (this VM as nobody): the summary does not count context-switches, which perf opens with :u and always reads 0', () => {
    const events = THIS_VM.events.map((probe) => (probe.status === 'counted' ? { ...probe, userOnly: true } : probe));
    const facts: CapabilityFacts = { ...THIS_VM, uid: 65534, hasCapPerfmon: false, hasCapSysAdmin: false, events };
    const verdicts = diagnose(facts);
    expect(byCheck(verdicts, 'events')).toMatchObject({
      status: 'info',
      summary:
        'counted: page-faults, task-clock; always 0 for this user (user space only): context-switches; not: cache-misses, cache-references, instructions, cycles (no hardware PMU, see above)',
    });
    expect(byCheck(verdicts, 'hardware-counting').details).toContain('software events (page-faults, task-clock) do count');
    // with a PMU, every event opens: still not "every default event counts"
    const metal = diagnose({ ...INTEL_METAL, uid: 65534, hasCapPerfmon: false, hasCapSysAdmin: false, events: ALL_COUNTED.map((probe) => ({ ...probe, userOnly: true })) });
    expect(byCheck(metal, 'events')).toMatchObject({
      status: 'info',
      summary: 'counted: cache-misses, cache-references, instructions, cycles, page-faults, task-clock; always 0 for this user (user space only): context-switches',
    });
  });

  it('perf missing behind the Ubuntu wrapper: installs the package the wrapper names', () => {
    const perfProblem = classifyPerfStderr(capture('published-ubuntu-wrapper-perf-not-found')) ?? null;
    const facts: CapabilityFacts = { ...THIS_VM, distroIds: ['ubuntu', 'debian'], perfVersion: null, perfProblem, events: [], eventsProblem: perfProblem };
    const verdicts = diagnose(facts);
    expect(byCheck(verdicts, 'perf')).toEqual({
      check: 'perf',
      status: 'fail',
      summary: 'perf is not usable',
      details: ['perf is not installed for kernel 4.4.0-186 (run: sudo apt-get install linux-tools-4.4.0-186-generic)'],
      fix: 'sudo apt-get install linux-tools-4.4.0-186-generic',
    });
    expect(byCheck(verdicts, 'hardware-counting').fix).toBe('sudo apt-get install linux-tools-4.4.0-186-generic');
  });

  it('perf not on PATH: the install command of the distribution', () => {
    const perfProblem = classifyPerfStderr('spawn perf ENOENT') ?? null;
    const missing = { perfVersion: null, perfProblem, events: [], eventsProblem: perfProblem };
    expect(byCheck(diagnose({ ...THIS_VM, ...missing }), 'perf').fix).toBe('sudo apt-get install linux-perf');
    expect(byCheck(diagnose({ ...THIS_VM, ...missing, distroIds: ['ubuntu', 'debian'] }), 'perf').fix).toBe(
      'sudo apt-get install linux-tools-6.18.44-fc-v782',
    );
    expect(byCheck(diagnose({ ...THIS_VM, ...missing, distroIds: ['fedora'] }), 'perf').fix).toBe('sudo dnf install perf');
  });

  it('Ubuntu 24.04 Intel VM without perf or valgrind (facts read by shell on the GPU helper machine)', () => {
    // perf --version: "bash: perf: command not found" (exit 127); devices include RAPL's `power`, not a core PMU.
    const perfProblem = classifyPerfStderr('bash: line 1: perf: command not found') ?? null;
    const facts: CapabilityFacts = {
      ...THIS_VM,
      kernelRelease: '6.18.44-fc-v657-gpu',
      distroIds: ['ubuntu', 'debian'],
      perfVersion: null,
      perfProblem,
      eventSources: ['breakpoint', 'msr', 'power', 'software', 'tracepoint', 'uprobe'],
      cpuVendor: 'GenuineIntel',
      cpuFamily: 6,
      cpuModelName: 'Intel(R) Xeon(R) Processor',
      events: [],
      eventsProblem: perfProblem,
      valgrindVersion: null,
    };
    const verdicts = diagnose(facts);
    const summary = verdicts.map(({ check, status, fix }) => ({ check, status, fix }));
    expect(summary).toEqual([
      { check: 'perf', status: 'fail', fix: 'sudo apt-get install linux-tools-6.18.44-fc-v657-gpu' },
      { check: 'privilege', status: 'ok', fix: null },
      { check: 'paranoid', status: 'ok', fix: null },
      {
        check: 'pmu',
        status: 'fail',
        fix: 'on the host: qemu -cpu host,pmu=on (libvirt: <pmu state="on"/>, VMware: "virtualize CPU performance counters")',
      },
      { check: 'hybrid', status: 'ok', fix: null },
      { check: 'nmi-watchdog', status: 'info', fix: null },
      { check: 'events', status: 'fail', fix: 'sudo apt-get install linux-tools-6.18.44-fc-v657-gpu' },
      { check: 'cache-misses', status: 'info', fix: null },
      { check: 'valgrind', status: 'warn', fix: 'sudo apt-get install valgrind' },
      { check: 'hand-over', status: 'info', fix: null },
      { check: 'perf-output', status: 'ok', fix: null },
      { check: 'tree-cgroups', status: 'ok', fix: null },
      { check: 'hardware-counting', status: 'fail', fix: 'sudo apt-get install linux-tools-6.18.44-fc-v657-gpu' },
    ]);
  });

  it('hybrid Intel: counts split by core type, pin to the performance cores', () => {
    const facts: CapabilityFacts = {
      ...INTEL_METAL,
      eventSources: ['breakpoint', 'cpu_atom', 'cpu_core', 'msr', 'software', 'tracepoint', 'uprobe'],
      pmuCpus: { cpu_atom: '16-23', cpu_core: '0-15' },
      cpuModelName: '12th Gen Intel(R) Core(TM) i9-12900K',
    };
    const verdicts = diagnose(facts);
    expect(byCheck(verdicts, 'pmu')).toMatchObject({ status: 'ok', summary: 'hardware PMU: cpu_atom, cpu_core' });
    expect(byCheck(verdicts, 'hybrid')).toMatchObject({
      status: 'warn',
      summary: 'hybrid cpu: performance cores (cpu_core, cpus 0-15) and efficiency cores (cpu_atom, cpus 16-23)',
      fix: 'taskset -c 0-15 perfcell run -- ./prog',
    });
    expect(byCheck(verdicts, 'hardware-counting')).toMatchObject({ status: 'ok', summary: 'hardware counting works here', fix: null });
  });

  it('NMI watchdog on: frees a counter when there is a PMU', () => {
    expect(byCheck(diagnose({ ...INTEL_METAL, nmiWatchdog: 1 }), 'nmi-watchdog')).toEqual({
      check: 'nmi-watchdog',
      status: 'warn',
      summary: 'NMI watchdog on: it holds one hardware counter, so perf multiplexes one event sooner',
      details: [],
      fix: 'sudo sysctl kernel.nmi_watchdog=0',
    });
    expect(byCheck(diagnose({ ...THIS_VM, nmiWatchdog: 1 }), 'nmi-watchdog').status).toBe('info');
  });

  it('root in a container without CAP_PERFMON', () => {
    const facts: CapabilityFacts = { ...THIS_VM, capEffHex: '00000000a80425fb', hasCapPerfmon: false, hasCapSysAdmin: false };
    expect(byCheck(diagnose(facts), 'privilege')).toMatchObject({
      status: 'warn',
      fix: 'restart the container with: docker run --cap-add PERFMON ... (podman run takes the same option)',
    });
  });

  it('no valgrind: how to install it', () => {
    expect(byCheck(diagnose({ ...THIS_VM, valgrindVersion: null }), 'valgrind')).toMatchObject({
      status: 'warn',
      fix: 'sudo apt-get install valgrind',
    });
  });

  it('an event that does not count on a machine with a PMU: perf -v tells why', () => {
    const events = ALL_COUNTED.map((probe) => (probe.event === 'cache-misses' ? { ...probe, status: 'not supported' as const, count: null } : probe));
    expect(byCheck(diagnose({ ...INTEL_METAL, events }), 'events')).toMatchObject({
      status: 'warn',
      fix: 'LC_ALL=C perf stat -v -e cache-misses -- true',
    });
  });

  it('every fail and warn, in every case above, ends with a command', () => {
    const cases: CapabilityFacts[] = [
      THIS_VM,
      { ...INTEL_METAL, nmiWatchdog: 1, valgrindVersion: null },
      { ...THIS_VM, perfVersion: null, perfProblem: classifyPerfStderr('spawn perf ENOENT') ?? null, events: [] },
      { ...INTEL_METAL, paranoidLevel: null, uid: 1000, hasCapPerfmon: false, hasCapSysAdmin: false, events: REFUSED },
      { ...INTEL_METAL, isVirtualMachine: false, eventSources: ['software'], events: THIS_VM.events },
      { ...INTEL_METAL, events: REFUSED, eventsProblem: classifyPerfStderr(capture('reconstructed-perf5-syscall-einval')) ?? null },
    ];
    for (const facts of cases) {
      for (const found of diagnose(facts).filter((verdict) => verdict.status === 'fail' || verdict.status === 'warn')) {
        expect(found.fix, `${found.check}: ${found.summary}`).not.toBeNull();
      }
    }
  });
});

describe("the hand-over: whether perfcell's library goes into perf", () => {
  const handOver = (facts: CapabilityFacts): Verdict => byCheck(diagnose(facts), 'hand-over');

  it('ok where it does, naming the file; Ubuntu\'s script named with the perf it execs', () => {
    expect(handOver(THIS_VM)).toEqual({
      check: 'hand-over',
      status: 'ok',
      summary: "perf takes perfcell's library (/usr/bin/perf): started ahead and held by run, nudged for each window's last counts",
      details: [],
      fix: null,
    });
    const ubuntu = handOver({ ...THIS_VM, perfPath: '/usr/bin/perf', perfPreload: { file: '/usr/lib/linux-tools/6.8.0-45-generic/perf', viaUbuntuWrapper: true, reason: null } });
    expect(ubuntu.status).toBe('ok');
    expect(ubuntu.details).toEqual(["/usr/bin/perf is Ubuntu's perf script: perfcell execs the perf it would, /usr/lib/linux-tools/6.8.0-45-generic/perf, itself"]);
  });

  it('info, never a failure, where it does not: why, and what that costs (time, not counts)', () => {
    const capable = handOver({ ...THIS_VM, perfPreload: { file: null, viaUbuntuWrapper: false, reason: 'file capabilities (setcap)' } });
    expect(capable.status).toBe('info');
    expect(capable.details[0]).toBe('/usr/bin/perf: file capabilities (setcap)');
    expect(capable.details[1]).toMatch(/wait for perf's next tick.*the counts are the same$/);
    expect(capable.details[2]).toMatch(/secure exec.*perf_event_paranoid, not setcap/);
    const script = handOver({ ...THIS_VM, perfPreload: { file: null, viaUbuntuWrapper: false, reason: 'not an ELF file (a script)' } });
    expect(script.details).toHaveLength(2);
    expect(handOver({ ...THIS_VM, perfPreload: null }).summary).toMatch(/exec gate .* is not built here, nor can it be/);
    expect(handOver({ ...THIS_VM, preloadSwitchedOff: ['PERFCELL_HOLD_PERF=0'] })).toMatchObject({ status: 'info', details: ["but PERFCELL_HOLD_PERF=0 is set here: run's perf is started only once run has read its options"] });
    expect(handOver({ ...THIS_VM, perfVersion: null, perfPreload: { file: null, viaUbuntuWrapper: false, reason: 'not on PATH' } })).toMatchObject({ status: 'info', summary: 'no perf to hand over to (see perf above)' });
  });
});

describe('what cache-misses means', () => {
  it('per vendor', () => {
    expect(describeCacheMisses('GenuineIntel', 6).summary).toBe('on Intel, cache-misses counts last-level cache misses');
    expect(describeCacheMisses('AuthenticAMD', 0x19).summary).toBe(
      'on AMD Zen, cache-misses counts L2 misses, not last-level (L3) misses as on Intel',
    );
    expect(describeCacheMisses('HygonGenuine', 0x18).summary).toBe(describeCacheMisses('AuthenticAMD', 0x17).summary);
    expect(describeCacheMisses('AuthenticAMD', 0x15).summary).toBe(
      'on AMD before Zen, cache-misses counts L2 misses (event 0x7e), not last-level misses',
    );
    expect(describeCacheMisses('arm:0x41', null).summary).toBe(
      'on ARM, cache-misses counts L1 data-cache refills (L1D_CACHE_REFILL), not last-level misses',
    );
    expect(describeCacheMisses(null, null).summary).toBe("cache-misses counts whatever this cpu's PMU driver maps it to (vendor unknown)");
  });

  it('hardware counting needs a counted hardware event', () => {
    expect(canCountHardware(THIS_VM)).toBe(false);
    expect(canCountHardware(INTEL_METAL)).toBe(true);
  });
});

describe('perf output (a QA pass: a full TMPDIR took perf\'s file, not its lines, and doctor said all was ok)', () => {
  const perfOutputOf = (perfOutput: CapabilityFacts['perfOutput']): Verdict => byCheck(diagnose({ ...THIS_VM, perfOutput }), 'perf-output');
  const fix = 'free space there, or point TMPDIR at a folder with room';

  it('ok where TMPDIR takes it, warn where a full TMPDIR is passed over, fail where no folder has room', () => {
    expect(perfOutputOf({ folder: '/tmp', refused: [], temporary: '/tmp' })).toMatchObject({ status: 'ok', summary: "perf's output goes to TMPDIR (/tmp), which has room", fix: null });
    expect(perfOutputOf({ folder: '/dev/shm', refused: [{ folder: '/tmp/tiny', code: 'ENOSPC' }], temporary: '/tmp/tiny' })).toMatchObject({
      status: 'warn',
      summary: "TMPDIR (/tmp/tiny) is full (ENOSPC): perf's output goes to /dev/shm instead",
      fix,
    });
    expect(perfOutputOf({ folder: null, refused: [{ folder: '/tmp/tiny', code: 'ENOSPC' }, { folder: '/dev/shm', code: 'ENOSPC' }], temporary: '/tmp/tiny' })).toMatchObject({
      status: 'fail',
      summary: "no room for perf's counts: TMPDIR (/tmp/tiny) is full (ENOSPC), and so is /dev/shm",
      fix,
    });
    expect(perfOutputOf({ folder: null, refused: [{ folder: '/ro', code: 'EROFS' }], temporary: '/ro' })).toMatchObject({ fix: 'point TMPDIR at a folder that can be written' });
  });
});

describe('cgroups (a QA pass: doctor said nothing of them, so a user whose runs could make none did not learn that their peaks are sampled and their CPU may leave out children)', () => {
  const cgroupsOf = (facts: CapabilityFacts): Verdict => byCheck(diagnose(facts), 'tree-cgroups');
  const sampled = "peak RAM: without a memory cgroup the process tree's RSS is sampled from /proc every 10 ms, which can miss a shorter peak";
  const waited = 'CPU: without a CPU cgroup only the children the program waited for are in it, as under time -v; a child left running or a daemon is not';

  it('ok where a run makes both, saying what each gives', () => {
    expect(cgroupsOf(THIS_VM)).toEqual({
      check: 'tree-cgroups',
      status: 'ok',
      summary: "perfcell run and compare make a memory cgroup (cgroup v1 memory.max_usage_in_bytes) and a CPU cgroup (cgroup v1 cpuacct.usage) for the program's tree",
      details: ["peak RAM: the process tree's high-water mark, which the kernel keeps: exact, with no polling", "CPU: every descendant's, waited for or not (a child left running, a daemon)"],
      fix: null,
    });
    expect(cgroupsOf({ ...THIS_VM, treeCgroups: { memory: 'memory-cgroup-v2', cpu: 'cpu-stat-cgroup-v2', moveRefused: [] } }).summary).toBe(
      "perfcell run and compare make a memory cgroup (cgroup v2 memory.peak) and a CPU cgroup (cgroup v2 cpu.stat, the memory cgroup's own) for the program's tree",
    );
  });

  it('warns an unprivileged user that peaks are sampled and CPU may leave out children, with the fix', () => {
    expect(cgroupsOf({ ...THIS_VM, uid: 1000, hasCapPerfmon: false, hasCapSysAdmin: false, treeCgroups: { memory: null, cpu: null, moveRefused: [] } })).toEqual({
      check: 'tree-cgroups',
      status: 'warn',
      summary: 'no memory or CPU cgroup can be made here (uid 1000): peaks are sampled, and CPU may leave out children',
      details: [
        sampled,
        waited,
        "perfcell makes them below its own cgroup (/proc/self/cgroup) where it may, else below the hierarchy's root, which takes root: on cgroup v1 a memory and cpuacct cgroup of this user's own serves too",
      ],
      fix: 'run perfcell as root: sudo perfcell run -- PROG',
    });
  });

  it('names the one missing, and for root, which sudo cannot help, where to look', () => {
    const noCpu = cgroupsOf({ ...THIS_VM, treeCgroups: { memory: 'memory-cgroup-v1', cpu: null, moveRefused: [] } });
    expect(noCpu).toMatchObject({ status: 'warn', summary: 'a memory cgroup (cgroup v1 memory.max_usage_in_bytes) but no CPU cgroup can be made here (root): CPU may leave out children', fix: 'grep cgroup /proc/self/mountinfo' });
    expect(noCpu.details).toEqual(["peak RAM: the process tree's high-water mark, which the kernel keeps: exact, with no polling", waited, 'root, yet none was made: no cgroup v1 cpuacct hierarchy mounted, or /sys/fs/cgroup read-only (a container)']);
    const noMemory = cgroupsOf({ ...THIS_VM, treeCgroups: { memory: null, cpu: 'cpuacct-cgroup-v1', moveRefused: [] } });
    expect(noMemory).toMatchObject({ status: 'warn', summary: 'a CPU cgroup (cgroup v1 cpuacct.usage) but no memory cgroup can be made here (root): peaks are sampled', fix: 'grep cgroup /proc/self/mountinfo' });
    expect(noMemory.details.at(-1)).toBe('root, yet none was made: no memory hierarchy mounted (cgroup v1 memory, or v2 with memory.peak, kernel 5.19 and later), or /sys/fs/cgroup read-only (a container)');
  });

  // A QA pass: the probe moved nothing, so cgroups the kernel lets a user make but not enter read `ok`
  it('warns where the cgroups are made but the kernel refuses a process in one, naming it and what the run loses', () => {
    const refusal = "the kernel refused the program's pid in the new cgroup's cgroup.procs: on cgroup v2 the writer needs the cgroup.procs of the common ancestor of the cgroup it leaves and the one it enters too; else a security module (SELinux, AppArmor) refused it";
    expect(cgroupsOf({ ...THIS_VM, uid: 1000, treeCgroups: { memory: 'memory-cgroup-v2', cpu: 'cpu-stat-cgroup-v2', moveRefused: ['memory', 'cpu'] } })).toEqual({
      check: 'tree-cgroups',
      status: 'warn',
      summary: "perfcell run and compare make the memory cgroup (cgroup v2 memory.peak) and the CPU cgroup (cgroup v2 cpu.stat, the memory cgroup's own) here but cannot move a process into them (uid 1000): peaks are sampled, and CPU may leave out children",
      details: [sampled, waited, refusal],
      fix: 'run perfcell as root: sudo perfcell run -- PROG',
    });
    const cpuOnly = cgroupsOf({ ...THIS_VM, treeCgroups: { memory: 'memory-cgroup-v1', cpu: 'cpuacct-cgroup-v1', moveRefused: ['cpu'] } });
    expect(cpuOnly).toEqual({
      check: 'tree-cgroups',
      status: 'warn',
      summary: 'perfcell run and compare make the CPU cgroup (cgroup v1 cpuacct.usage) here but cannot move a process into it (root): CPU may leave out children',
      details: ["peak RAM: the process tree's high-water mark, which the kernel keeps: exact, with no polling", waited, refusal],
      fix: 'dmesg | grep -i -e denied -e cgroup',
    });
  });

  it('leaves the overall result to the counters: cgroups only warn', () => {
    const without = diagnose({ ...INTEL_METAL, treeCgroups: { memory: null, cpu: null, moveRefused: [] } });
    expect(byCheck(without, 'hardware-counting')).toMatchObject({ status: 'ok' });
  });
});
