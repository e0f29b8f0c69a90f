import { InvalidArgumentError } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { closestNames } from '../closest-names.ts';
import { UsageError } from '../errors.ts';
import { toolEventProblem } from '../perf/tool-events.ts';
import { parseEventList, parseIntervalMs } from './options.ts';

/**
 * Defaults a person sets once instead of on every command line. Precedence: a flag, then the
 * environment (PERFCELL_EVENTS, PERFCELL_INTERVAL), then the nearest `.perfcellrc.json` or
 * `"perfcell"` key of a package.json (from the working folder up), then perfcell's own defaults.
 */
export interface Defaults {
  /**
   * Raw `-e` text, e.g. "cache,page-faults"; parsed like the flag. `source` names where it was set
   * as a fix names it: `PERFCELL_EVENTS`, or `"events" in /path/.perfcellrc.json`.
   */
  readonly events?: DefaultSetting;
  readonly intervalMs?: DefaultSetting;
}

export function readDefaults(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Defaults {
  const file = findConfigFile(cwd);
  const fromFile = file === null ? {} : readConfig(file);
  const events = env.PERFCELL_EVENTS ? { value: env.PERFCELL_EVENTS, source: 'PERFCELL_EVENTS' } : fromFile.events;
  const intervalMs = env.PERFCELL_INTERVAL ? { value: env.PERFCELL_INTERVAL, source: 'PERFCELL_INTERVAL' } : fromFile.intervalMs;
  return { ...(events === undefined ? {} : { events }), ...(intervalMs === undefined ? {} : { intervalMs }) };
}

/** A default setting: its text, and where it was set, as a fix names it. */
export interface DefaultSetting {
  readonly value: string;
  readonly source: string;
}

/**
 * A default's events as -e reads them (presets expanded); a problem, a perf tool event among them
 * too, is a UsageError that names the source: `PERFCELL_EVENTS=duration_time` was refused later,
 * in -e's words, with no word of where the event came from.
 */
export function parseDefaultEvents({ value, source }: DefaultSetting): string[] {
  return fromSource(() => {
    const events = parseEventList(value);
    const problem = toolEventProblem(events);
    if (problem !== null) throw new InvalidArgumentError(problem);
    return events;
  }, source);
}

/** A default's interval as -I reads it; a problem is a UsageError that names the source. */
export function parseDefaultIntervalMs({ value, source }: DefaultSetting): number {
  return fromSource(() => parseIntervalMs(value), source);
}

function fromSource<T>(parse: () => T, source: string): T {
  try {
    return parse();
  } catch (error: unknown) {
    if (error instanceof InvalidArgumentError) throw new UsageError(`${source}: ${error.message}`);
    throw error;
  }
}

interface ConfigFile {
  readonly path: string;
  /** The perfcell settings object inside it. */
  readonly settings: unknown;
}

function findConfigFile(start: string): ConfigFile | null {
  let dir = start;
  for (;;) {
    const rc = join(dir, '.perfcellrc.json');
    if (existsSync(rc)) return { path: rc, settings: parseJson(rc) };
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const json = parseJson(pkg) as { perfcell?: unknown } | null;
      if (json !== null && typeof json === 'object' && json.perfcell !== undefined) return { path: `${pkg} ("perfcell" key)`, settings: json.perfcell };
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function parseJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error: unknown) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message} (fix the JSON or remove the file)`);
  }
}

function readConfig({ path, settings }: ConfigFile): Defaults {
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
    throw new UsageError(`${path}: perfcell settings must be an object like {"events": "page-faults", "interval": 100}`);
  }
  refuseUnknownSettings(settings, path);
  const { events, interval } = settings as { events?: unknown; interval?: unknown };
  const out: { events?: { value: string; source: string }; intervalMs?: { value: string; source: string } } = {};
  if (events !== undefined) {
    const source = `"events" in ${path}`;
    if (typeof events === 'string') out.events = { value: events, source };
    else if (Array.isArray(events) && events.every((event) => typeof event === 'string')) out.events = { value: events.join(','), source };
    else throw new UsageError(`${path}: "events" must be a string or a list of strings, e.g. "cache,page-faults"`);
  }
  if (interval !== undefined) {
    if (typeof interval !== 'number' && typeof interval !== 'string') throw new UsageError(`${path}: "interval" must be a number of milliseconds, e.g. 100`);
    out.intervalMs = { value: String(interval), source: `"interval" in ${path}` };
  }
  return out;
}

const SETTINGS = ['events', 'interval'] as const;

/**
 * A key perfcell does not read is refused, the one meant named where one is close, as the
 * library's options are (known-options.ts): `{"intervl": 50}` was passed over without a word, and
 * every command measured at the default 100 ms.
 */
function refuseUnknownSettings(settings: object, path: string): void {
  // JSON's conventions for what no program reads: a "//" comment (npm's), an editor's "$schema"
  const unknown = Object.keys(settings).find((key) => !(SETTINGS as readonly string[]).includes(key) && !key.startsWith('//') && key !== '$schema');
  if (unknown === undefined) return;
  const meant = closestNames(unknown, SETTINGS)[0];
  const fix = meant === undefined ? `remove it: perfcell's settings are ${SETTINGS.map((key) => `"${key}"`).join(' and ')}` : `did you mean "${meant}"?`;
  throw new UsageError(`${path}: unknown setting "${unknown}" (${fix})`);
}
