import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gcKindOf, noGc, type GcKind, type GcReport } from './gc.ts';

/** The program's fd on which the preload writes its one line (the exec gate's own are 3 and 4). */
export const NODE_GC_FD = 5;

/** Whether `run` reports a program's GC by default: its basename is `node` (or it is this very node). */
export function isNodeProgram(file: string): boolean {
  const name = basename(file);
  return name === 'node' || name === 'nodejs' || file === process.execPath;
}

/** Node's options that take the next word as their value (`-r mod`, `-e code`): that word is no script's name. */
const NODE_VALUE_OPTIONS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-e', '--eval', '-p', '--print', '-C', '--conditions', '--title', '--input-type', '--allow-fs-read', '--allow-fs-write', '--env-file', '--redirect-warnings', '--diagnostic-dir', '--icu-data-dir', '--openssl-config']);

/**
 * Whether a Node program runs under Node's permission model (`--experimental-permission`, Node 22's
 * `--permission`), among Node's own options (those before the script's name, or any `--`) or in its
 * NODE_OPTIONS: it may read only the files it is allowed, and the GC preload, not among them, stops
 * it before its first line ('Access to this API has been restricted', exit 1). The script's own
 * arguments are its: `node prog.js --permission` runs with the preload, which it had gone without.
 * @example usesPermissionModel(['--experimental-permission', '--allow-fs-read=/app', '/app/main.js']) // true
 * @example usesPermissionModel(['/app/main.js', '--permission']) // false
 */
export function usesPermissionModel(args: readonly string[], nodeOptions: string | undefined): boolean {
  const own: string[] = [];
  for (let at = 0; at < args.length; at++) {
    const arg = args[at]!;
    if (arg === '--' || !arg.startsWith('-') || arg === '-') break;
    own.push(arg);
    if (NODE_VALUE_OPTIONS.has(arg)) at++;
  }
  return [...own, ...(nodeOptions ?? '').split(/\s+/)].some((arg) => arg === '--experimental-permission' || arg === '--permission');
}

/** The preload shipped in dist (session/gc-preload.cts compiled to .cjs). */
export function gcPreloadPath(from: string = fileURLToPath(import.meta.url)): string {
  const sibling = join(dirname(from), 'gc-preload.cjs');
  if (existsSync(sibling)) return sibling;
  // Running from src/ (tests): the build's copy.
  return join(dirname(from), '..', '..', 'dist', 'src', 'session', 'gc-preload.cjs');
}

/** The variables `full` sets or changes against this process's environment (what a spawn with `full` adds). */
export function addedEnvironment(full: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(full).filter((entry): entry is [string, string] => entry[1] !== undefined && process.env[entry[0]] !== entry[1]));
}

/**
 * The program's environment: the preload added to NODE_OPTIONS, and where to write. Where there was
 * no NODE_OPTIONS, PERFCELL_GC_NO_NODE_OPTIONS tells the preload to take the variable out again, not
 * leave it empty: the program and its children had seen NODE_OPTIONS='' where they run bare without one.
 */
export function nodeGcEnvironment(env: NodeJS.ProcessEnv = process.env, preload: string = gcPreloadPath()): NodeJS.ProcessEnv {
  const require = `--require ${JSON.stringify(preload)}`;
  return {
    ...env,
    NODE_OPTIONS: [env['NODE_OPTIONS'] ?? '', require].join(' ').trim(),
    PERFCELL_GC_FD: String(NODE_GC_FD),
    PERFCELL_GC_PRELOAD: preload,
    ...(env['NODE_OPTIONS'] === undefined ? { PERFCELL_GC_NO_NODE_OPTIONS: '1' } : {}),
  };
}

interface TypeTotals {
  readonly count: number;
  readonly costUs: number;
  readonly longestUs: number;
  readonly reclaimedBytes: number;
}

/**
 * The preload's line → the report's GcReport; null for any other line.
 * @example parseNodeGcLine('{"perfcellGc":1,"byType":{"Scavenge":{"count":3,"costUs":1500,"longestUs":700,"reclaimedBytes":4096}}}')
 *   // { counts: { minor: 3, major: 0, incremental: 0, weak: 0 }, collections: 3, pauseTotalMs: 1.5, pauseLongestMs: 0.7, reclaimedBytes: 4096 }
 */
export function parseNodeGcLine(line: string): GcReport | null {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return null;
  }
  const byType = (data as { perfcellGc?: unknown; byType?: unknown } | null)?.byType;
  if ((data as { perfcellGc?: unknown }).perfcellGc !== 1 || typeof byType !== 'object' || byType === null) return null;
  const report = noGc();
  const counts: Record<GcKind, number> = { ...report.counts };
  let collections = 0;
  let pauseTotalMs = 0;
  let pauseLongestMs = 0;
  let reclaimedBytes = 0;
  for (const [gcType, totals] of Object.entries(byType as Record<string, TypeTotals>)) {
    counts[gcKindOf(gcType)] += totals.count;
    collections += totals.count;
    pauseTotalMs += totals.costUs / 1000;
    pauseLongestMs = Math.max(pauseLongestMs, totals.longestUs / 1000);
    reclaimedBytes += totals.reclaimedBytes;
  }
  return { counts, collections, pauseTotalMs, pauseLongestMs, reclaimedBytes };
}

/**
 * Listens on the program's GC pipe; the returned function, called once the program has ended,
 * resolves with its GC (null when the program wrote none: it was not Node, or died by a signal).
 * The line is written at the program's exit, so it is in the pipe by then: the wait is for this
 * process to read it, or for the pipe's end, at most `graceMs`.
 */
export function listenForNodeGc(stream: Readable): (graceMs?: number) => Promise<GcReport | null> {
  let text = '';
  let found: GcReport | null = null;
  let wake: () => void = () => undefined;
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    text += chunk;
    const newline = text.indexOf('\n');
    if (newline !== -1 && found === null) {
      found = parseNodeGcLine(text.slice(0, newline));
      wake();
    }
  });
  stream.on('error', () => undefined);
  const ended = new Promise<void>((resolve) => stream.once('end', resolve));
  return async (graceMs = 2000) => {
    if (found !== null) return found;
    // The pipe ends once the program and the gate have closed it (soon after the exit); the grace
    // is for a descendant that keeps it open. A timer that fires first on a busy machine gets one
    // more turn of the event loop, in which a line already in the pipe is read.
    await Promise.race([new Promise<void>((resolve) => (wake = resolve)), ended, new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref())]);
    if (found === null) await new Promise<void>((resolve) => setImmediate(resolve));
    stream.destroy();
    return found;
  };
}
