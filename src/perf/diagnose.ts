import type { CapabilityFacts, EventProbe, PreloadSwitch } from './capabilities.ts';
import { HARDWARE_EVENTS } from './capabilities.ts';
import { readsZeroForUser } from './default-events.ts';
import { noRoomFix, noRoomText } from '../temp-room.ts';
import { treeCgroups } from './tree-cgroups-verdict.ts';

export type CheckId =
  | 'perf'
  | 'privilege'
  | 'paranoid'
  | 'pmu'
  | 'hybrid'
  | 'nmi-watchdog'
  | 'events'
  | 'cache-misses'
  | 'valgrind'
  | 'hand-over'
  | 'perf-output'
  | 'tree-cgroups'
  | 'hardware-counting';

/** `fail` stops hardware counting, `warn` degrades it, `info` explains, `ok` is fine. */
export type VerdictStatus = 'ok' | 'info' | 'warn' | 'fail';

/** One finding of `perfcell doctor`. */
export interface Verdict {
  readonly check: CheckId;
  readonly status: VerdictStatus;
  /** One line: what was found. */
  readonly summary: string;
  /** Further lines: what it means here. */
  readonly details: readonly string[];
  /** The exact command that fixes a `fail` or `warn`; null when there is nothing to run. */
  readonly fix: string | null;
}

/** True when at least one hardware event (cycles, instructions, cache-*) was counted for real. */
export function canCountHardware(facts: CapabilityFacts): boolean {
  return facts.events.some((probe) => HARDWARE_EVENTS.includes(probe.event) && probe.status === 'counted');
}

/** True when at least one software event (task-clock, page-faults, ...) was counted for real. */
export function canCountSoftware(facts: CapabilityFacts): boolean {
  return facts.events.some((probe) => !HARDWARE_EVENTS.includes(probe.event) && probe.status === 'counted');
}

/** Hardware PMUs the kernel registers: x86 `cpu` (hybrid `cpu_core`/`cpu_atom`), ARM `armv8_*`, s390 `cpum_cf`. */
export function isHardwarePmu(name: string): boolean {
  return /^(cpu|cpu_core|cpu_atom|cpu_lowpower|armv[78]_\w+|arm_cortex_\w+|apple_\w+_pmu|cpum_cf)$/.test(name);
}

/** Everything `perfcell doctor` says about these facts, in screen order, ending with the overall verdict. */
export function diagnose(facts: CapabilityFacts): Verdict[] {
  const checks = [perf, privilege, paranoid, pmu, hybrid, nmiWatchdog, events, cacheMisses, valgrind, handOver, perfOutput, treeCgroups].map((check) => check(facts));
  return [...checks, hardwareCounting(facts, checks)];
}

const isPrivileged = (facts: CapabilityFacts): boolean => facts.hasCapPerfmon || facts.hasCapSysAdmin;
const hardwarePmus = (facts: CapabilityFacts): string[] => facts.eventSources.filter(isHardwarePmu);

function verdict(check: CheckId, status: VerdictStatus, summary: string, details: readonly string[] = [], fix: string | null = null): Verdict {
  return { check, status, summary, details, fix };
}

/** The command inside a message's `(run: …)`, up to the first `, or` alternative. */
function runCommandOf(message: string): string | null {
  return /\(run: (.+?)(?:, or .*)?\)$/.exec(message)?.[1] ?? null;
}

function installCommand(facts: CapabilityFacts, packages: { apt: string; dnf: string; other: string }): string {
  const ids = facts.distroIds;
  if (ids.includes('ubuntu') || ids.includes('debian')) return `sudo apt-get install ${packages.apt}`;
  if (['fedora', 'rhel', 'centos'].some((id) => ids.includes(id))) return `sudo dnf install ${packages.dnf}`;
  return packages.other;
}

/** How to get a working perf: the package a wrapper script named, else the distribution's. */
function perfFix(facts: CapabilityFacts): string {
  const problem = facts.perfProblem;
  const fromMessage = problem === null ? null : runCommandOf(problem.message);
  if (problem?.code === 'PERF_NOT_FOUND' && fromMessage !== null && !fromMessage.includes(' on Debian')) return fromMessage;
  // a perf that PERFCELL_PERF names but that does not run: the variable is the thing to fix
  if (facts.perfFromEnv) return 'unset PERFCELL_PERF';
  return installCommand(facts, {
    apt: facts.distroIds.includes('ubuntu') ? `linux-tools-${facts.kernelRelease}` : 'linux-perf',
    dnf: 'perf',
    other: 'install perf with your package manager (linux-perf, linux-tools-$(uname -r) or perf)',
  });
}

/** Which perf: its file, and PERFCELL_PERF where that named it (the perf every command runs). */
function perfOrigin(facts: CapabilityFacts): string {
  return facts.perfFromEnv ? `${facts.perfPath}, from PERFCELL_PERF` : facts.perfPath;
}

/** How to run that perf by hand: `perf`, or the path PERFCELL_PERF gave. */
function perfCommand(facts: CapabilityFacts): string {
  return facts.perfFromEnv ? facts.perfPath : 'perf';
}

function perf(facts: CapabilityFacts): Verdict {
  if (facts.perfVersion !== null) return verdict('perf', 'ok', `perf ${facts.perfVersion} (${perfOrigin(facts)})`);
  const details = facts.perfProblem === null ? [] : [facts.perfProblem.message];
  const summary = facts.perfFromEnv ? `perf is not usable (${perfOrigin(facts)})` : 'perf is not usable';
  return verdict('perf', 'fail', summary, details, perfFix(facts));
}

function privilege(facts: CapabilityFacts): Verdict {
  const caps = [facts.hasCapPerfmon && 'CAP_PERFMON', facts.hasCapSysAdmin && 'CAP_SYS_ADMIN'].filter(Boolean).join(' and ');
  const who = facts.uid === 0 ? 'root' : `uid ${facts.uid}`;
  if (isPrivileged(facts)) return verdict('privilege', 'ok', `${who} with ${caps}: perf_event_paranoid does not apply`);
  if (facts.uid === 0) {
    return verdict(
      'privilege',
      'warn',
      'root without CAP_PERFMON or CAP_SYS_ADMIN (a container?): the kernel treats perfcell as unprivileged',
      ['containers drop these capabilities by default, and the default seccomp profile then blocks perf_event_open'],
      'restart the container with: docker run --cap-add PERFMON ... (podman run takes the same option)',
    );
  }
  return verdict('privilege', 'info', `${who}, unprivileged: kernel.perf_event_paranoid decides what perf may count`, [
    'to let perf count without root, give it CAP_PERFMON: sudo setcap cap_perfmon=ep "$(command -v perf)"',
  ]);
}

const PARANOID_LEVELS: readonly string[] = [
  '-1  every event, for every user',
  ' 0  no raw or ftrace tracepoints for unprivileged users',
  ' 1  unprivileged: own processes only, kernel included',
  ' 2  unprivileged: user space of own processes (default)',
  ' 3  Debian/Ubuntu kernels: no perf for unprivileged users',
  ' 4  Ubuntu kernels, their default: stricter still',
  '    (a vanilla kernel treats 3 and 4 like 2)',
];

function paranoid(facts: CapabilityFacts): Verdict {
  const level = facts.paranoidLevel;
  if (level === null) {
    return verdict(
      'paranoid',
      'fail',
      'kernel.perf_event_paranoid is missing: this kernel has no perf events (CONFIG_PERF_EVENTS)',
      [],
      'boot a kernel built with CONFIG_PERF_EVENTS=y',
    );
  }
  const setting = `kernel.perf_event_paranoid=${level}`;
  if (isPrivileged(facts)) return verdict('paranoid', 'ok', `${setting}, which does not apply to this process`, PARANOID_LEVELS);
  if (level >= 3) {
    if (facts.eventsProblem === null && facts.events.some((probe) => probe.status === 'counted')) {
      return verdict('paranoid', 'ok', `${setting}, but this kernel let perf count anyway (it treats ${level} like 2)`, PARANOID_LEVELS);
    }
    return verdict('paranoid', 'fail', `${setting}: unprivileged perf is refused`, PARANOID_LEVELS, 'sudo sysctl kernel.perf_event_paranoid=1');
  }
  const note =
    level === 2 ? ['kernel work is not counted (perf adds :u); to count it too: sudo sysctl kernel.perf_event_paranoid=1'] : [];
  return verdict('paranoid', 'ok', `${setting}: perfcell may count its own processes`, [...note, ...PARANOID_LEVELS]);
}

function pmu(facts: CapabilityFacts): Verdict {
  const found = hardwarePmus(facts);
  if (found.length > 0) {
    const virtual = facts.isVirtualMachine ? ['a virtual PMU passed through by the hypervisor'] : [];
    return verdict('pmu', 'ok', `hardware PMU: ${found.join(', ')}`, virtual);
  }
  const sources = facts.eventSources.length > 0 ? facts.eventSources.join(', ') : 'none';
  const summary = `no hardware PMU: the kernel's event sources are ${sources}`;
  if (facts.isVirtualMachine) {
    return verdict(
      'pmu',
      'fail',
      summary,
      [
        'this is a virtual machine (hypervisor cpu flag) whose hypervisor gives it no PMU: cycles, instructions and cache-misses cannot be counted here; software events still count',
        // perfcell's backend, not valgrind's bare command: `valgrind --tool=cachegrind ./script.sh`
        // counts the shell alone (no --trace-children=yes; 2,477 D1 misses of a script whose
        // python child had some 2 million), and from valgrind 3.21 simulates no cache (no --cache-sim=yes)
        'without a PMU, perfcell run --backend cachegrind -- PROG can simulate the caches instead (its children too)',
      ],
      'on the host: qemu -cpu host,pmu=on (libvirt: <pmu state="on"/>, VMware: "virtualize CPU performance counters")',
    );
  }
  return verdict('pmu', 'fail', summary, ['the kernel registered no PMU driver for this cpu'], "sudo dmesg | grep -i 'performance events'");
}

function hybrid(facts: CapabilityFacts): Verdict {
  const found = hardwarePmus(facts);
  if (!(found.includes('cpu_core') && found.includes('cpu_atom'))) {
    const summary = found.length === 0 ? 'no hardware PMU, so no core types to tell apart' : 'one core type';
    return verdict('hybrid', 'ok', summary);
  }
  const cpusOf = (name: string): string => facts.pmuCpus[name] ?? 'unknown';
  const performance = facts.pmuCpus['cpu_core'];
  return verdict(
    'hybrid',
    'warn',
    `hybrid cpu: performance cores (cpu_core, cpus ${cpusOf('cpu_core')}) and efficiency cores (cpu_atom, cpus ${cpusOf('cpu_atom')})`,
    [
      'each core type has its own PMU: perf reports every event twice (cpu_core/cycles/, cpu_atom/cycles/), and a program that moves between core types has its counts split between them',
    ],
    `taskset -c ${performance ?? '<performance cpus>'} perfcell run -- ./prog`,
  );
}

function nmiWatchdog(facts: CapabilityFacts): Verdict {
  if (facts.nmiWatchdog === null) return verdict('nmi-watchdog', 'ok', 'no NMI watchdog setting here');
  if (hardwarePmus(facts).length === 0) return verdict('nmi-watchdog', 'info', `NMI watchdog ${facts.nmiWatchdog === 0 ? 'off' : 'on'} (no hardware counter here for it to hold)`);
  if (facts.nmiWatchdog === 0) return verdict('nmi-watchdog', 'ok', 'NMI watchdog off: every hardware counter is free');
  return verdict(
    'nmi-watchdog',
    'warn',
    'NMI watchdog on: it holds one hardware counter, so perf multiplexes one event sooner',
    [],
    'sudo sysctl kernel.nmi_watchdog=0',
  );
}

function describeProbe(probe: EventProbe): string {
  const count = probe.count === null ? '' : ` (${probe.count}${probe.unit === undefined ? '' : ` ${probe.unit}`} over \`true\`)`;
  const zero = readsZeroForUser(probe) ? ', but always 0 for this user (user space only; it happens in the kernel)' : '';
  return `${probe.event.padEnd(18)}${probe.status}${count}${zero}`;
}

function events(facts: CapabilityFacts): Verdict {
  const lines = facts.events.map(describeProbe);
  if (facts.perfVersion === null) return verdict('events', 'fail', 'not tried: perf is not usable', [], perfFix(facts));
  if (facts.eventsProblem !== null) {
    const fix = runCommandOf(facts.eventsProblem.message) ?? `LC_ALL=C ${perfCommand(facts)} stat -v -e ${facts.events.map((probe) => probe.event).join(',')} -- true`;
    return verdict('events', 'fail', `perf stat failed: ${facts.eventsProblem.message}`, lines, fix);
  }
  // perf opens a kernel-only event with :u for a user it counts in user space only: it "counts",
  // but always 0, so it is named apart rather than among the events counted
  const readsZero = facts.events.filter((probe) => probe.status === 'counted' && readsZeroForUser(probe)).map((probe) => probe.event);
  const counted = facts.events.filter((probe) => probe.status === 'counted' && !readsZero.includes(probe.event));
  const missing = facts.events.filter((probe) => probe.status !== 'counted').map((probe) => probe.event);
  const zeroText = readsZero.length === 0 ? '' : `; always 0 for this user (user space only): ${readsZero.join(', ')}`;
  if (missing.length === 0) {
    if (readsZero.length === 0) return verdict('events', 'ok', 'every default event counts', lines);
    return verdict('events', 'info', `counted: ${counted.map((probe) => probe.event).join(', ')}${zeroText}`, lines);
  }
  // perf -v prints the kernel's reason for each event it could not open.
  const explain = `LC_ALL=C ${perfCommand(facts)} stat -v -e ${missing.join(',')} -- true`;
  if (counted.length === 0) return verdict('events', 'fail', 'no default event counts', lines, explain);
  const summary = `counted: ${counted.map((probe) => probe.event).join(', ')}${zeroText}; not: ${missing.join(', ')}`;
  const onlyHardwareMissing = missing.every((event) => HARDWARE_EVENTS.includes(event));
  if (onlyHardwareMissing && hardwarePmus(facts).length === 0) {
    return verdict('events', 'info', `${summary} (no hardware PMU, see above)`, lines);
  }
  return verdict('events', 'warn', summary, lines, explain);
}

function cacheMisses(facts: CapabilityFacts): Verdict {
  const counts = facts.events.some((probe) => probe.event === 'cache-misses' && probe.status === 'counted');
  const meaning = describeCacheMisses(facts.cpuVendor, facts.cpuFamily);
  const here = counts ? [] : ['(not countable on this machine)'];
  return verdict('cache-misses', 'info', meaning.summary, [...meaning.details, ...here]);
}

/**
 * What the generic `cache-misses` event counts on this CPU: the kernel's PMU driver maps it to a
 * vendor event (arch/x86/events/intel/core.c, amd/core.c, arm64 armv8_pmuv3_perf_map).
 */
export function describeCacheMisses(vendor: string | null, family: number | null): { summary: string; details: string[] } {
  if (vendor === 'GenuineIntel') {
    return {
      summary: 'on Intel, cache-misses counts last-level cache misses',
      details: [
        'the kernel maps it to LONGEST_LAT_CACHE.MISS (event 0x2e umask 0x41): references that missed every cache level; cache-references is LONGEST_LAT_CACHE.REFERENCE (0x2e umask 0x4f)',
      ],
    };
  }
  if ((vendor === 'AuthenticAMD' && family !== null && family >= 0x17) || vendor === 'HygonGenuine') {
    return {
      summary: 'on AMD Zen, cache-misses counts L2 misses, not last-level (L3) misses as on Intel',
      details: [
        'the kernel maps it to event 0x64 umask 0x09 (data-cache reads and instruction fetches that missed L2), and cache-references to 0x60 umask 0xff (all L2 requests)',
        'so compare cache-misses only between machines of one vendor; L3 misses come from the separate amd_l3 PMU',
      ],
    };
  }
  if (vendor === 'AuthenticAMD') {
    return {
      summary: 'on AMD before Zen, cache-misses counts L2 misses (event 0x7e), not last-level misses',
      details: ['cache-references is L2 requests (event 0x7d)'],
    };
  }
  if (vendor?.startsWith('arm:') === true) {
    return {
      summary: 'on ARM, cache-misses counts L1 data-cache refills (L1D_CACHE_REFILL), not last-level misses',
      details: ['cache-references is L1 data-cache accesses (L1D_CACHE)'],
    };
  }
  return { summary: 'cache-misses counts whatever this cpu\'s PMU driver maps it to (vendor unknown)', details: [] };
}

function valgrind(facts: CapabilityFacts): Verdict {
  if (facts.valgrindVersion !== null) {
    return verdict('valgrind', 'ok', `valgrind ${facts.valgrindVersion}: the simulated-cache backend (cachegrind) can run`);
  }
  const fix = installCommand(facts, { apt: 'valgrind', dnf: 'valgrind', other: 'install valgrind with your package manager' });
  return verdict('valgrind', 'warn', 'valgrind not found: no simulated-cache backend', [], fix);
}

/** What each switch of PRELOAD_SWITCHES turns off. */
const SWITCHED_OFF: Readonly<Record<PreloadSwitch, string>> = {
  'PERFCELL_HOLD_PERF=0': "run's perf is started only once run has read its options",
  'PERFCELL_PERF_NUDGE=0': "a window's last counts wait for perf's next tick",
};

/**
 * Whether perfcell's library goes into perf (README, `perfcell run`): what a perf that cannot take
 * it costs is time, never counts, so this is `info` at worst.
 */
function handOver(facts: CapabilityFacts): Verdict {
  const plan = facts.perfPreload;
  const slower = "a window's last counts wait for perf's next tick (cells and REPL lines about 1 ms more each, BENCHMARKS.md), and `run` starts perf only once it has read its options; the counts are the same";
  if (facts.perfVersion === null) return verdict('hand-over', 'info', 'no perf to hand over to (see perf above)');
  if (plan === null) return verdict('hand-over', 'info', "perfcell's exec gate (native/perfcell-exec.c) is not built here, nor can it be: perf is spawned by Node", [slower, '`perfcell run` says why once']);
  if (plan.file === null) {
    const why = plan.reason ?? 'unknown';
    const details = [`${facts.perfPath}: ${why}`, slower];
    if (why.startsWith('file capabilities')) details.push('the loader ignores LD_PRELOAD for a program with file capabilities (a secure exec); kernel.perf_event_paranoid, not setcap, is how to let a user count without root');
    return verdict('hand-over', 'info', "perfcell's library cannot go into perf's LD_PRELOAD", details);
  }
  const details = [
    ...(plan.viaUbuntuWrapper ? [`${facts.perfPath} is Ubuntu's perf script: perfcell execs the perf it would, ${plan.file}, itself`] : []),
    ...facts.preloadSwitchedOff.map((setting) => `but ${setting} is set here: ${SWITCHED_OFF[setting]}`),
  ];
  return verdict('hand-over', facts.preloadSwitchedOff.length > 0 ? 'info' : 'ok', `perf takes perfcell's library (${plan.file}): started ahead and held by run, nudged for each window's last counts`, details);
}

/**
 * Whether perf's output file has room (output-file.ts): a full TMPDIR took the file, not perf's
 * lines, and every command's perf then read as one that never answers, while the other checks said ok.
 */
function perfOutput(facts: CapabilityFacts): Verdict {
  const { folder, refused, temporary } = facts.perfOutput;
  const fix = (code: string): string => noRoomFix(code);
  if (folder === null) {
    const [first, ...others] = refused;
    if (first === undefined) return verdict('perf-output', 'fail', 'no folder for perf\'s output (no TMPDIR, no /dev/shm)', [], 'point TMPDIR at a folder that can be written');
    const also = others.length === 0 ? '' : `, and so is ${others.map((entry) => entry.folder).join(' and ')}`;
    return verdict('perf-output', 'fail', `no room for perf's counts: ${noRoomText(first.folder, first.code, temporary)}${also}`, ['commands measure RAM, time and CPU only, and say why once'], fix(first.code));
  }
  const named = folder === temporary ? `TMPDIR (${folder})` : folder;
  const passed = refused.find((entry) => entry.folder === temporary);
  if (passed === undefined) return verdict('perf-output', 'ok', `perf's output goes to ${named}, which has room`);
  return verdict('perf-output', 'warn', `${noRoomText(passed.folder, passed.code, temporary)}: perf's output goes to ${named} instead`, ['--backend cachegrind writes there, and fails'], fix(passed.code));
}

function hardwareCounting(facts: CapabilityFacts, checks: readonly Verdict[]): Verdict {
  if (canCountHardware(facts)) return verdict('hardware-counting', 'ok', 'hardware counting works here');
  const cause = checks.find((check) => check.status === 'fail' && check.fix !== null) ?? checks.find((check) => check.status === 'fail');
  // the software events that count for real here: not one perf can count only in user space where it happens in the kernel
  const counting = facts.events
    .filter((probe) => !HARDWARE_EVENTS.includes(probe.event) && probe.status === 'counted' && !readsZeroForUser(probe))
    .map((probe) => probe.event);
  const software = canCountSoftware(facts)
    ? [`software events (${counting.join(', ')}) do count`]
    : ['software events do not count either'];
  const why = cause === undefined ? [] : [`cause: ${cause.summary}`];
  return verdict('hardware-counting', 'fail', 'hardware counting does not work here', [...why, ...software], cause?.fix ?? null);
}
