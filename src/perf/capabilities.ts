// fs.promises, not node:fs/promises: Node loads it at its first use, not at every command's start
import { promises as fsPromises } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { execa } from 'execa';
import { classifyPerfStderr, type PerfProblem } from '../../parsers/perf-errors.ts';
import { EVENT_PRESETS } from '../../parsers/event-list.ts';
import { parsePerfStat } from '../../parsers/perf-stat.ts';
import { parsePreloadPlan, type PreloadPlan } from '../../parsers/preload-plan.ts';
import { findProgram } from './default-events.ts';
import { execHelper } from './die-with-perfcell.ts';
import { probePerfOutputFolder, type RefusedFolder } from './output-file.ts';
import { probeTreeCgroups, type TreeCgroups } from '../session/cgroup-probe.ts';

/** The events perfcell counts by default, hardware first, as `perf stat -e` names them. */
export const DEFAULT_EVENTS = [
  'cache-misses',
  'cache-references',
  'instructions',
  'cycles',
  'page-faults',
  'task-clock',
  'context-switches',
] as const;

/** Events a hardware PMU counts; the rest are the kernel's software events. */
export const HARDWARE_EVENTS: readonly string[] = ['cache-misses', 'cache-references', 'instructions', 'cycles'];

export type EventStatus = 'counted' | 'not counted' | 'not supported' | 'unknown' | 'refused';

/** One event tried for real with `perf stat -x, -e EVENT -- true`. */
export interface EventProbe {
  readonly event: string;
  readonly status: EventStatus;
  /** The count over `true`; null unless counted. */
  readonly count: number | null;
  /** The count's unit as perf printed it (`msec` for task-clock); absent for a plain count. */
  readonly unit?: string;
  /** perf counted it in this user's user space only (it printed `:u`: kernel.perf_event_paranoid ≥ 2, unprivileged); a kernel-only event such as context-switches then reads 0. */
  readonly userOnly?: boolean;
}

/** The perf perfcell runs: PERFCELL_PERF where set (a path, or a name looked up on PATH), else `perf` on PATH. */
export function perfcellPerfPath(env: NodeJS.ProcessEnv = process.env): string {
  return env['PERFCELL_PERF'] || 'perf';
}

/** What perfcell's doctor learns about this machine. Null where a source was missing. */
export interface CapabilityFacts {
  readonly kernelRelease: string;
  /** `ID` and `ID_LIKE` of /etc/os-release, e.g. `['ubuntu', 'debian']`. */
  readonly distroIds: readonly string[];
  /** The perf perfcell runs, as the file found (`/usr/bin/perf`), or as named where there is none. */
  readonly perfPath: string;
  /** perfPath comes from PERFCELL_PERF, not from PATH. */
  readonly perfFromEnv: boolean;
  readonly perfVersion: string | null;
  /** Why `perf --version` failed; null when it ran. */
  readonly perfProblem: PerfProblem | null;
  readonly paranoidLevel: number | null;
  readonly uid: number;
  /** CapEff of this process in hex, as /proc/self/status prints it. */
  readonly capEffHex: string | null;
  readonly hasCapPerfmon: boolean;
  readonly hasCapSysAdmin: boolean;
  /** Names under /sys/bus/event_source/devices: `cpu`, `cpu_core`, `software`, `msr`, ... */
  readonly eventSources: readonly string[];
  /** For core PMUs with a `cpus` file (hybrid CPUs): PMU name → cpu list, e.g. `cpu_core` → `0-15`. */
  readonly pmuCpus: Readonly<Record<string, string>>;
  readonly nmiWatchdog: number | null;
  /** `GenuineIntel`, `AuthenticAMD`, `HygonGenuine`, or `arm:0x41` from the ARM implementer. */
  readonly cpuVendor: string | null;
  readonly cpuFamily: number | null;
  readonly cpuModelName: string | null;
  /** The `hypervisor` cpu flag: this is a virtual machine. */
  readonly isVirtualMachine: boolean;
  readonly events: readonly EventProbe[];
  /** Why perf refused the whole probe; null when it ran. */
  readonly eventsProblem: PerfProblem | null;
  readonly valgrindVersion: string | null;
  /**
   * Whether perfcell's library goes into perf's LD_PRELOAD, so that `run` starts perf ahead and
   * holds it, and a window's last counts are nudged out of it (perfcell-exec --preload-plan);
   * null where perfcell-exec is not built, or did not answer.
   */
  readonly perfPreload: PreloadPlan | null;
  /** Those of PRELOAD_SWITCHES set here, each turning part of that off. */
  readonly preloadSwitchedOff: readonly PreloadSwitch[];
  /** Where a shared perf's output file goes (output-file.ts), the folders passed over on the way, and TMPDIR. */
  readonly perfOutput: PerfOutputFolder;
  /** Which cgroups `run` and compare's commands can make here for the program's tree: exact peaks, every child's CPU. */
  readonly treeCgroups: TreeCgroups;
}

/** Where perf's output goes: `folder` null where no folder takes a page; `refused` with each one's errno code. */
export interface PerfOutputFolder {
  readonly folder: string | null;
  readonly refused: readonly RefusedFolder[];
  /** os.tmpdir(): TMPDIR, or /tmp. */
  readonly temporary: string;
}

/** The settings that turn parts of perfcell's library in perf off: the hold (`run`) and the nudge. */
export const PRELOAD_SWITCHES = ['PERFCELL_HOLD_PERF=0', 'PERFCELL_PERF_NUDGE=0'] as const;
export type PreloadSwitch = (typeof PRELOAD_SWITCHES)[number];

export interface RunResult {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The spawn error code (`ENOENT` when the program is not on PATH), else null. */
  readonly spawnError: string | null;
}

/** Where facts come from; tests pass fakes. */
export interface CapabilitySources {
  readonly readText: (path: string) => Promise<string | null>;
  readonly listDir: (path: string) => Promise<readonly string[] | null>;
  readonly run: (file: string, args: readonly string[]) => Promise<RunResult>;
  readonly uid: () => number;
  readonly kernelRelease: () => string;
  /** The file a program name runs (a path as is, a bare name on PATH); null when there is none. */
  readonly locate: (name: string) => string | null;
}

export const systemSources: CapabilitySources = {
  readText: (path) => fsPromises.readFile(path, 'utf8').catch(() => null),
  listDir: (path) => fsPromises.readdir(path).catch(() => null),
  run: async (file, args) => {
    // LC_ALL=C: perf's messages and number format must not follow the user's locale.
    const result = await execa(file, args, { reject: false, timeout: 10_000, env: { LC_ALL: 'C' }, stdin: 'ignore' });
    const spawnError = typeof result.code === 'string' ? result.code : null;
    return { exitCode: result.exitCode ?? null, stdout: result.stdout, stderr: result.stderr, spawnError };
  },
  uid: () => process.getuid?.() ?? -1,
  kernelRelease: release,
  locate: (name) => findProgram(name)?.path ?? null,
};

const CAP_SYS_ADMIN = 21n;
const CAP_PERFMON = 38n;

/**
 * Reads everything the doctor needs; a few perf runs of `true`, well under a second. `perfPath` is
 * the perf every other command runs (PERFCELL_PERF, else perf on PATH), so the doctor's answer is theirs.
 */
export async function gatherFacts(
  sources: CapabilitySources = systemSources,
  perfPath: string = perfcellPerfPath(),
  helper: string | null = execHelper(),
  env: NodeJS.ProcessEnv = process.env,
  probeOutput: () => PerfOutputFolder = () => ({ ...probePerfOutputFolder(), temporary: tmpdir() }),
  probeCgroups: () => Promise<TreeCgroups> = probeTreeCgroups,
): Promise<CapabilityFacts> {
  // first: its moves wait out the kernel's grace period (cgroup v1, 8-16 ms here) while perf's checks run
  const treeCgroups = probeCgroups();
  const [osRelease, paranoid, status, cpuinfo, watchdog, eventSources] = await Promise.all([
    sources.readText('/etc/os-release'),
    sources.readText('/proc/sys/kernel/perf_event_paranoid'),
    sources.readText('/proc/self/status'),
    sources.readText('/proc/cpuinfo'),
    sources.readText('/proc/sys/kernel/nmi_watchdog'),
    sources.listDir('/sys/bus/event_source/devices'),
  ]);
  const perfFromEnv = perfPath !== 'perf';
  const perf = await probePerfVersion(sources, perfPath, perfFromEnv);
  const probe = perf.perfVersion === null ? { events: [], eventsProblem: perf.perfProblem } : await probeEvents(sources, perfPath);
  const capEffHex = /^CapEff:\s*([0-9a-f]+)$/im.exec(status ?? '')?.[1] ?? null;
  const capEff = capEffHex === null ? 0n : BigInt(`0x${capEffHex}`);
  const cpu = readCpuInfo(cpuinfo ?? '');
  const sourcesList = [...(eventSources ?? [])].sort();
  return {
    kernelRelease: sources.kernelRelease(),
    distroIds: readDistroIds(osRelease ?? ''),
    perfPath: sources.locate(perfPath) ?? perfPath,
    perfFromEnv,
    ...perf,
    paranoidLevel: readInteger(paranoid),
    uid: sources.uid(),
    capEffHex,
    hasCapPerfmon: ((capEff >> CAP_PERFMON) & 1n) === 1n,
    hasCapSysAdmin: ((capEff >> CAP_SYS_ADMIN) & 1n) === 1n,
    eventSources: sourcesList,
    pmuCpus: await readPmuCpus(sources, sourcesList),
    nmiWatchdog: readInteger(watchdog),
    ...cpu,
    ...probe,
    valgrindVersion: await probeValgrind(sources),
    perfPreload: helper === null ? null : parsePreloadPlan((await sources.run(helper, ['--preload-plan', perfPath])).stdout),
    preloadSwitchedOff: PRELOAD_SWITCHES.filter((setting) => {
      const [name = '', value] = setting.split('=');
      return env[name] === value;
    }),
    perfOutput: probeOutput(),
    treeCgroups: await treeCgroups,
  };
}

/**
 * Runs `perfPath --version`. A perf that PERFCELL_PERF names (`fromEnv`) and that is missing or
 * cannot be run is named with the variable, since the fix is there, not in installing perf.
 */
export async function probePerfVersion(
  sources: CapabilitySources,
  perfPath = 'perf',
  fromEnv = perfPath !== 'perf',
): Promise<Pick<CapabilityFacts, 'perfVersion' | 'perfProblem'>> {
  const result = await sources.run(perfPath, ['--version']);
  const version = /^perf version (\S+)/m.exec(result.stdout)?.[1];
  if (result.exitCode === 0 && version !== undefined) return { perfVersion: version, perfProblem: null };
  const fix = 'run: unset PERFCELL_PERF, or point it at a perf binary: export PERFCELL_PERF=/path/to/perf';
  if (fromEnv && result.spawnError === 'ENOENT') {
    return { perfVersion: null, perfProblem: { code: 'PERF_NOT_FOUND', message: `perf not found at ${perfPath}, which PERFCELL_PERF names (${fix})` } };
  }
  if (fromEnv && result.spawnError === 'EACCES') {
    return { perfVersion: null, perfProblem: { code: 'PERF_NOT_FOUND', message: `${perfPath}, which PERFCELL_PERF names, cannot be run: permission denied (${fix})` } };
  }
  const text = result.spawnError === 'ENOENT' ? 'spawn perf ENOENT' : `${result.stderr}\n${result.stdout}`;
  // A program that ran and succeeded but is not perf (PERFCELL_PERF=/bin/true) did not fail:
  // saying 'failed with exit code 0' sent the user looking for an error it never had.
  if (result.exitCode === 0) {
    const printed = result.stdout.trim() === '' ? 'printed nothing' : `printed '${firstLine(result.stdout)}'`;
    const message = fromEnv
      ? `${perfPath}, which PERFCELL_PERF names, is not perf: its --version ${printed}, not 'perf version …' (${fix})`
      : `the perf on PATH (${sources.locate(perfPath) ?? perfPath}) is not perf: its --version ${printed}, not 'perf version …' (put linux perf first on PATH, or export PERFCELL_PERF=/path/to/perf)`;
    return { perfVersion: null, perfProblem: { code: 'PERF_FAILED', message } };
  }
  const problem = classifyPerfStderr(text) ?? {
    code: 'PERF_FAILED',
    message: fromEnv
      ? `${perfPath} --version, the perf PERFCELL_PERF names, failed with exit code ${result.exitCode ?? 'none'} (run it by hand to see why, or unset PERFCELL_PERF)`
      : `perf --version failed with exit code ${result.exitCode ?? 'none'} (run it by hand to see why)`,
  };
  return { perfVersion: null, perfProblem: problem };
}

/**
 * Tries the default events in one perf call. An event this perf does not know makes perf
 * refuse the whole list, so it is marked `unknown` and the rest tried again.
 */
async function probeEvents(sources: CapabilitySources, perfPath: string): Promise<Pick<CapabilityFacts, 'events' | 'eventsProblem'>> {
  const probed = await probeEventList(sources, DEFAULT_EVENTS, perfPath);
  return { events: order(probed.events), eventsProblem: probed.eventsProblem };
}

/**
 * Tries `events` for real in one `perf stat -x, -e EVENTS -- true` (again without any event this
 * perf does not know, which makes it refuse the whole list); probes in the order asked.
 */
export async function probeEventList(
  sources: CapabilitySources,
  events: readonly string[],
  perfPath = 'perf',
): Promise<Pick<CapabilityFacts, 'events' | 'eventsProblem'>> {
  const unknown: EventProbe[] = [];
  let remaining: string[] = [...events];
  const inOrder = (probes: readonly EventProbe[]): EventProbe[] => [...probes].sort((a, b) => events.indexOf(a.event) - events.indexOf(b.event));
  while (remaining.length > 0) {
    const result = await sources.run(perfPath, ['stat', '-x,', '-e', remaining.join(','), '--', 'true']);
    const problem = result.exitCode === 0 ? undefined : classifyPerfStderr(result.stderr, { events: remaining });
    if (problem?.code === 'PERF_UNKNOWN_EVENT' && problem.event !== undefined && remaining.includes(problem.event)) {
      unknown.push({ event: problem.event, status: 'unknown', count: null });
      remaining = remaining.filter((event) => event !== problem.event);
      continue;
    }
    if (result.exitCode !== 0) {
      const refused = remaining.map((event): EventProbe => ({ event, status: 'refused', count: null }));
      const fallback = { code: 'PERF_FAILED' as const, message: `perf stat failed: ${firstLine(result.stderr)} (run: LC_ALL=C ${perfPath} stat -e task-clock -- true)` };
      return { events: inOrder([...unknown, ...refused]), eventsProblem: problem ?? fallback };
    }
    const rows = readStatCsv(result.stderr);
    const probes = remaining.map((event) => rows.find((row) => row.event === event) ?? { event, status: 'not counted' as const, count: null });
    return { events: inOrder([...unknown, ...probes]), eventsProblem: null };
  }
  return { events: inOrder(unknown), eventsProblem: null };
}

/** One `-e` preset and how its events fare on this machine. */
export interface PresetProbe {
  readonly name: string;
  readonly events: readonly EventProbe[];
  /** 'all' when every event counts ('counted' or 'not counted' over `true`), 'none' when none does. */
  readonly counts: 'all' | 'some' | 'none';
}

/** Whether perf has the counter here: counted, or existing but not scheduled over `true`. */
export function eventCounts(probe: EventProbe): boolean {
  return probe.status === 'counted' || probe.status === 'not counted';
}

/**
 * Which `-e` presets (cache, ipc, tlb, branch) count here: all their events tried in one perf call.
 * @example
 * await probePresets(systemSources) // → [{ name: 'cache', counts: 'none', events: [...] }, ...] on a VM
 */
export async function probePresets(
  sources: CapabilitySources = systemSources,
  perfPath = 'perf',
): Promise<{ presets: PresetProbe[]; problem: PerfProblem | null }> {
  const all = [...new Set(Object.values(EVENT_PRESETS).flat())];
  const probed = await probeEventList(sources, all, perfPath);
  const presets = Object.entries(EVENT_PRESETS).map(([name, members]): PresetProbe => {
    const events = members.map((event) => probed.events.find((probe) => probe.event === event) ?? { event, status: 'refused' as const, count: null });
    const counting = events.filter(eventCounts).length;
    return { name, events, counts: counting === events.length ? 'all' : counting === 0 ? 'none' : 'some' };
  });
  return { presets, problem: probed.eventsProblem };
}

/**
 * Reads `perf stat -x,` output with the project's perf stat parser, one probe per event.
 * Hybrid rows (`cpu_core/cycles/`) and the `:u` perf adds under paranoid 2 fold into the plain
 * event name; any counted row counts.
 * @example
 * readStatCsv('<not supported>,,cycles,0,100.00,,\n0.64,msec,task-clock,641594,100.00,0.404,CPUs utilized')
 * // → [{ event: 'cycles', status: 'not supported', count: null }, { event: 'task-clock', status: 'counted', count: 0.64, unit: 'msec' }]
 */
export function readStatCsv(text: string): EventProbe[] {
  const byEvent = new Map<string, EventProbe>();
  for (const record of parsePerfStat(text, { format: 'csv', separator: ',' }).records) {
    const event = record.event.replace(/^[\w.-]+\/([^/]+)\/$/, '$1').replace(/:[a-zA-Z]+$/, '');
    const seen = byEvent.get(event);
    if (seen === undefined || (seen.status !== 'counted' && record.status === 'counted')) {
      const counted: EventProbe = { event, status: record.status, count: record.value };
      const probe = record.status === 'counted' && record.unit !== '' ? { ...counted, unit: record.unit } : counted;
      byEvent.set(event, record.event.endsWith(':u') ? { ...probe, userOnly: true } : probe);
    }
  }
  return [...byEvent.values()];
}

/** The vendor, family and model of the first cpu in /proc/cpuinfo, and whether it runs under a hypervisor. */
export function readCpuInfo(text: string): Pick<CapabilityFacts, 'cpuVendor' | 'cpuFamily' | 'cpuModelName' | 'isVirtualMachine'> {
  const field = (name: string): string | undefined => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const implementer = field('CPU implementer');
  const family = field('cpu family');
  return {
    cpuVendor: field('vendor_id') ?? (implementer === undefined ? null : `arm:${implementer}`),
    cpuFamily: family === undefined ? null : Number(family),
    cpuModelName: field('model name') ?? null,
    isVirtualMachine: /^flags\s*:.*\bhypervisor\b/m.test(text),
  };
}

function readDistroIds(osRelease: string): string[] {
  const value = (key: string): string => new RegExp(`^${key}=(.*)$`, 'm').exec(osRelease)?.[1]?.replace(/["']/g, '') ?? '';
  return [...value('ID').split(' '), ...value('ID_LIKE').split(' ')].filter((id) => id !== '');
}

async function readPmuCpus(sources: CapabilitySources, names: readonly string[]): Promise<Record<string, string>> {
  const cpus: Record<string, string> = {};
  for (const name of names.filter((pmu) => pmu.startsWith('cpu_'))) {
    const list = await sources.readText(`/sys/bus/event_source/devices/${name}/cpus`);
    if (list !== null) cpus[name] = list.trim();
  }
  return cpus;
}

async function probeValgrind(sources: CapabilitySources): Promise<string | null> {
  const result = await sources.run('valgrind', ['--version']);
  return result.exitCode === 0 ? (/valgrind-(\S+)/.exec(result.stdout)?.[1] ?? null) : null;
}

function readInteger(text: string | null): number | null {
  const value = text === null ? NaN : Number.parseInt(text.trim(), 10);
  return Number.isNaN(value) ? null : value;
}

function order(probes: readonly EventProbe[]): EventProbe[] {
  return [...probes].sort((a, b) => DEFAULT_EVENTS.indexOf(a.event as never) - DEFAULT_EVENTS.indexOf(b.event as never));
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'no message';
}
