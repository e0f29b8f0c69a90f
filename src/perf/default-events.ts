import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parsePerfStat } from '../../parsers/perf-stat.ts';
import { cacheDir } from '../cache-dir.ts';
import { makeFolders } from '../make-folders.ts';
import { runPerfSync } from './run-perf-sync.ts';
import type { CounterStatus } from '../../parsers/perf-stat-types.ts';

/** The counters perfcell asks for when none are named: cache behaviour first, then the basics. */
export const HARDWARE_DEFAULT_EVENTS: readonly string[] = ['cache-misses', 'cache-references', 'instructions', 'cycles', 'page-faults'];

/** The default on a machine whose perf counts no hardware event (a VM without a PMU): kernel software events. */
export const SOFTWARE_DEFAULT_EVENTS: readonly string[] = ['page-faults', 'context-switches'];

/** Events that happen only inside the kernel: counted in user space only (`:u`), they always read 0. */
const KERNEL_ONLY_EVENTS: ReadonlySet<string> = new Set(['context-switches', 'cs', 'cpu-migrations', 'migrations']);

/** True for a software event that happens only in the kernel (`context-switches`), so reads 0 when counted with `:u`. */
export function isKernelOnlyEvent(event: string): boolean {
  return KERNEL_ONLY_EVENTS.has(event);
}

/** A probed event perf opened with `:u` for a user it counts in user space only, and that happens in the kernel: it always reads 0. */
export function readsZeroForUser(probe: { readonly event: string; readonly userOnly?: boolean }): boolean {
  return probe.userOnly === true && isKernelOnlyEvent(probe.event);
}

/** One default event as perf counted it over `true`. */
export interface DefaultEventProbe {
  readonly event: string;
  readonly status: CounterStatus;
  /** perf printed it with `:u`: it counts this user's user space only (kernel.perf_event_paranoid ≥ 2, unprivileged). */
  readonly userOnly?: boolean;
}

/** The default set for this machine, and the one line that says why when it is not the usual one. */
export interface DefaultEventChoice {
  readonly events: readonly string[];
  /** Why the set differs from HARDWARE_DEFAULT_EVENTS, and how to get hardware counts; null when it does not. */
  readonly note: string | null;
}

/** The words of the default set's note before its events (isDefaultEventsNote finds the note by them). */
const DEFAULT_EVENTS_ARE = ', so the default events are ';

/**
 * Picks the default events from a probe of HARDWARE_DEFAULT_EVENTS: those perf can count, or the
 * software set when it counts no hardware event; null probes (perf could not be asked) keep the
 * usual set, so perf's own error is reported as before.
 * @example
 * chooseDefaultEvents([{ event: 'cache-misses', status: 'not supported' }, ...])
 * // → { events: ['page-faults', 'context-switches'], note: 'no hardware counters here (...' }
 */
export function chooseDefaultEvents(probes: readonly DefaultEventProbe[] | null): DefaultEventChoice {
  if (probes === null) return { events: HARDWARE_DEFAULT_EVENTS, note: null };
  const usable = (event: string): boolean => {
    const status = probes.find((probe) => probe.event === event)?.status;
    // 'not counted' over `true`: the counter exists, perf just had no time slice for it
    return status === 'counted' || status === 'not counted';
  };
  const hardware = HARDWARE_DEFAULT_EVENTS.filter((event) => event !== 'page-faults');
  const missing = hardware.filter((event) => !usable(event));
  if (missing.length === 0) return { events: HARDWARE_DEFAULT_EVENTS, note: null };
  if (missing.length === hardware.length) {
    // perf that counts user space only (it printed ':u') would read 0 for context-switches on every command
    const isUserOnly = probes.some((probe) => probe.userOnly === true);
    const events = isUserOnly ? SOFTWARE_DEFAULT_EVENTS.filter((event) => !isKernelOnlyEvent(event)) : SOFTWARE_DEFAULT_EVENTS;
    const left = SOFTWARE_DEFAULT_EVENTS.filter((event) => !events.includes(event));
    const leftOut =
      left.length === 0
        ? ''
        : ` (not ${left.join(', ')}: perf counts only this user's user space here, kernel.perf_event_paranoid ≥ 2, where ${left.length === 1 ? 'it always reads' : 'they always read'} 0; run as root, or: sudo sysctl kernel.perf_event_paranoid=1)`;
    return {
      events,
      note:
        `no hardware counters here (perf counts none of ${hardware.join(', ')}: no PMU exposed, as in most VMs)${DEFAULT_EVENTS_ARE}` +
        `${events.join(', ')}${leftOut}; for hardware counts see perfcell doctor${DEFAULT_NOTE_CACHEGRIND}`,
    };
  }
  const events = HARDWARE_DEFAULT_EVENTS.filter((event) => usable(event));
  return {
    events,
    note: `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not counted by perf here${DEFAULT_EVENTS_ARE}${events.join(', ')} (perfcell doctor says why)`,
  };
}

/**
 * Whether a report's warning is chooseDefaultEvents' note, which a process says once, under its
 * first report of that set (not that report's alone): compare keeps it from a run it does not show
 * (session/perf-gave-up.ts), and names no alternative for it (cli/alternative-notes.ts).
 */
export function isDefaultEventsNote(warning: string): boolean {
  return warning.includes(DEFAULT_EVENTS_ARE);
}


/** The default-events note's pointer to simulated caches, left out by commands without --backend (attach). */
export const DEFAULT_NOTE_CACHEGRIND = ', or use --backend cachegrind (simulated caches)';

/** Where the probe comes from; tests pass fakes. */
export interface DefaultEventSources {
  readonly readText: (path: string) => string | null;
  readonly writeText: (path: string, text: string) => void;
  /** Runs `perf stat -x, -e EVENTS -- true` (LC_ALL=C); its stderr and exit code, null when it could not start. */
  readonly probe: (perfPath: string, events: readonly string[]) => { exitCode: number | null; stderr: string } | null;
  readonly cacheDir: () => string;
  readonly uid: () => number;
  /** The binary `perfPath` names (searched on PATH) and its mtime, so another perf (a test double first on PATH) gets its own answer. */
  readonly identify: (perfPath: string) => string;
}

export const systemDefaultEventSources: DefaultEventSources = {
  readText: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  },
  writeText: (path, text) => {
    try {
      if (!makeFolders(join(path, '..'))) return;
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, text);
      renameSync(temporary, path);
    } catch {
      // an unwritable cache only costs the probe again next time
    }
  },
  probe: (perfPath, events) => {
    const result = runPerfSync(perfPath, ['stat', '-x,', '-e', events.join(','), '--', 'true'], 10_000);
    if (result.error !== undefined) return null;
    return { exitCode: result.status, stderr: result.stderr };
  },
  cacheDir: () => cacheDir(),
  uid: () => process.getuid?.() ?? -1,
  identify: (perfPath) => {
    const found = findProgram(perfPath);
    return found === null ? perfPath : `${found.path}@${Math.round(found.mtimeMs)}`;
  },
};

/**
 * The file a program name runs, as a shell finds it: a name with a `/` is that path, a bare name
 * the first file of that name on PATH; null when there is none.
 * @example findProgram('perf') // → { path: '/usr/bin/perf', mtimeMs: 1733126400000 }
 */
export function findProgram(name: string, path: string = process.env['PATH'] ?? ''): { path: string; mtimeMs: number } | null {
  const candidates = name.includes('/') ? [name] : path.split(delimiter).filter((dir) => dir !== '').map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      const stat = statSync(candidate);
      if (stat.isFile()) return { path: candidate, mtimeMs: stat.mtimeMs };
    } catch {
      // not here: the next directory of PATH
    }
  }
  return null;
}

interface CacheFile {
  /** 2 since probes say whether perf counted user space only (1's entries would keep context-switches:u until a reboot). */
  readonly version: 2;
  /** key (boot id, perf path, uid, paranoid level) → the probe */
  readonly entries: Record<string, readonly DefaultEventProbe[]>;
}

const memo = new Map<string, DefaultEventChoice>();
let noteSaid = false;
let pendingNote: { readonly text: string; readonly events: readonly string[] } | null = null;

/**
 * The default events for this machine: perf is asked once per boot (per perf binary as found on
 * PATH and its mtime, user and kernel.perf_event_paranoid level) which of HARDWARE_DEFAULT_EVENTS it counts, and the answer kept
 * in `$XDG_CACHE_HOME/perfcell/default-events.json` (else `~/.cache/perfcell/`). Costs one
 * `perf stat -- true` (about 20 ms) the first time after a boot, a file read after that.
 */
export function defaultEventChoice(perfPath = 'perf', sources: DefaultEventSources = systemDefaultEventSources): DefaultEventChoice {
  // a process keeps its answer: the REPL resolves its options before every command
  let byPath = perProcess.get(sources);
  if (byPath === undefined) perProcess.set(sources, (byPath = new Map()));
  const decided = byPath.get(perfPath);
  if (decided !== undefined) return decided;
  const choice = decideDefaultEvents(perfPath, sources);
  byPath.set(perfPath, choice);
  return choice;
}

const perProcess = new WeakMap<DefaultEventSources, Map<string, DefaultEventChoice>>();

function decideDefaultEvents(perfPath: string, sources: DefaultEventSources): DefaultEventChoice {
  const bootId = sources.readText('/proc/sys/kernel/random/boot_id')?.trim() ?? 'unknown-boot';
  const paranoid = sources.readText('/proc/sys/kernel/perf_event_paranoid')?.trim() ?? '?';
  const key = `${bootId} ${sources.identify(perfPath)} uid=${sources.uid()} paranoid=${paranoid}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  const cachePath = join(sources.cacheDir(), 'default-events.json');
  const cache = readCache(sources.readText(cachePath));
  let probes = cache.entries[key] ?? null;
  if (probes === null) {
    probes = probeDefaultEvents(perfPath, sources);
    // only this boot's entries are kept: the file never grows past a few keys
    const entries = Object.fromEntries(Object.entries(cache.entries).filter(([entry]) => entry.startsWith(`${bootId} `)));
    if (probes !== null) sources.writeText(cachePath, `${JSON.stringify({ version: 2, entries: { ...entries, [key]: probes } } satisfies CacheFile)}\n`);
  }
  const choice = chooseDefaultEvents(probes);
  memo.set(key, choice);
  return choice;
}

/** Asks perf which default events it counts; null when perf did not run or refused the list. */
export function probeDefaultEvents(perfPath: string, sources: DefaultEventSources): DefaultEventProbe[] | null {
  const result = sources.probe(perfPath, HARDWARE_DEFAULT_EVENTS);
  if (result === null || result.exitCode !== 0) return null;
  const records = parsePerfStat(result.stderr, { format: 'csv', separator: ',' }).records;
  if (records.length === 0) return null;
  return HARDWARE_DEFAULT_EVENTS.map((event): DefaultEventProbe => {
    // hybrid rows (cpu_core/cycles/) and the :u perf adds under paranoid 2 name the same event
    const rows = records.filter((record) => record.event.replace(/^[\w.-]+\/([^/]+)\/$/, '$1').replace(/:[a-zA-Z]+$/, '') === event);
    const status: CounterStatus = rows.some((row) => row.status === 'counted')
      ? 'counted'
      : rows.some((row) => row.status === 'not counted')
        ? 'not counted'
        : 'not supported';
    return rows.some((row) => row.event.endsWith(':u')) ? { event, status, userOnly: true } : { event, status };
  });
}

function readCache(text: string | null): CacheFile {
  try {
    const parsed = JSON.parse(text ?? '') as Partial<CacheFile>;
    if (parsed.version === 2 && typeof parsed.entries === 'object' && parsed.entries !== null) return { version: 2, entries: parsed.entries };
  } catch {
    // a missing, damaged or older cache is probed again
  }
  return { version: 2, entries: {} };
}

/** Remembers that a measurement used a default set that needs saying (see takeDefaultEventsNote). */
export function noteDefaultEvents(choice: DefaultEventChoice): void {
  if (choice.note !== null && !noteSaid) pendingNote = { text: choice.note, events: choice.events };
}

/**
 * The default set's note, the first time a report of that set can carry it in this process; null
 * after (said once), and for a report of other events: a REPL whose next line was armed with the
 * defaults before `.events` named others said "the default events are …" under a line that counted
 * the ones named (a QA pass).
 */
export function takeDefaultEventsNote(counted: readonly string[]): string | null {
  const note = pendingNote;
  if (note === null || counted.length !== note.events.length || counted.some((event, index) => event !== note.events[index])) return null;
  noteSaid = true;
  pendingNote = null;
  return note.text;
}

let corePmus: number | undefined;

/**
 * How many core PMUs print each generic event: 2 on a hybrid CPU (`cpu_core`, `cpu_atom` under
 * /sys/bus/event_source/devices), else 1. Read once per process.
 */
export function corePmuCount(listDir: (path: string) => readonly string[] = readdirSync): number {
  if (corePmus !== undefined) return corePmus;
  try {
    corePmus = Math.max(1, listDir('/sys/bus/event_source/devices').filter((name) => /^cpu_[a-z]+$/.test(name)).length);
  } catch {
    corePmus = 1;
  }
  return corePmus;
}
