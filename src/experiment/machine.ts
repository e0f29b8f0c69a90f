import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { systemDefaultEventSources, type DefaultEventSources } from '../perf/default-events.ts';

/** The machine a comparison ran on, saved with its runs so a later comparison can tell if it moved. */
export interface MachineInfo {
  readonly hostname: string;
  /** `model name` of /proc/cpuinfo's first CPU; null when it has none (some ARM kernels). */
  readonly cpuModel: string | null;
  readonly cpuCount: number;
  /** uname -r */
  readonly kernel: string;
  /** `perf version 6.1.76`'s version; null when perf does not run. */
  readonly perfVersion: string | null;
  /** e.g. v20.19.0 */
  readonly node: string;
}

export interface MachineSources {
  readonly readCpuinfo?: () => string;
}

/**
 * `perf --version`'s text, read without blocking (null when perf does not run): started early, it
 * costs nothing at the end, where the synchronous read took some 10 ms (perf's start-up) before
 * compare's report. Asked once per perf binary; kept in the cache folder after that.
 */
export function perfVersionText(sources: DefaultEventSources = systemDefaultEventSources): Promise<string | null> {
  // Kept per perf binary (its path on PATH and mtime) in the cache folder: the spawn holds compare's
  // event loop some 4 ms while its runs' gate and perfs start.
  const binary = sources.identify('perf');
  const cachePath = join(sources.cacheDir(), 'perf-version.json');
  const known = knownPerfVersion(sources.readText(cachePath), binary);
  if (known !== null) return Promise.resolve(known);
  return new Promise((resolve) => {
    execFile('perf', ['--version'], { encoding: 'utf8', timeout: 5_000 }, (error, stdout) => {
      if (error === null && binary.includes('/')) sources.writeText(cachePath, `${JSON.stringify({ binary, text: stdout })}\n`);
      resolve(error === null ? stdout : null);
    });
  });
}

/** The version text the cache file holds for this perf binary, else null. */
function knownPerfVersion(text: string | null, binary: string): string | null {
  try {
    const entry = JSON.parse(text ?? '') as { binary?: unknown; text?: unknown };
    return entry.binary === binary && typeof entry.text === 'string' ? entry.text : null;
  } catch {
    return null;
  }
}

/**
 * Reads hostname, CPU model, kernel and Node version; perf's from `perfText` (perfVersionText's).
 * @example readMachineInfo(await perfVersionText()) // { hostname: 'lab1', cpuModel: 'AMD EPYC 7B13', cpuCount: 2, kernel: '6.1.0-18-amd64', perfVersion: '6.1.76', node: 'v20.19.0' }
 */
export function readMachineInfo(perfText: string | null, sources: MachineSources = {}): MachineInfo {
  const readCpuinfo = sources.readCpuinfo ?? (() => readFileSync('/proc/cpuinfo', 'utf8'));
  let cpuinfo = '';
  try {
    cpuinfo = readCpuinfo();
  } catch {
    // Not Linux, or /proc not mounted: the model stays unknown.
  }
  return {
    hostname: os.hostname(),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? null,
    cpuCount: os.cpus().length,
    kernel: os.release(),
    perfVersion: perfText === null ? null : (/version\s+(\S+)/.exec(perfText)?.[1] ?? perfText.trim()),
    node: process.version,
  };
}

/**
 * What differs between two machines, for a warning: `kernel 6.1.0 → 6.5.0`; empty when none that
 * matters. A figure not read (no model name in /proc/cpuinfo, no perf) is said so, not `null`.
 */
export function machineDifferences(saved: MachineInfo, current: MachineInfo): string[] {
  const keys = ['hostname', 'cpuModel', 'cpuCount', 'kernel', 'perfVersion', 'node'] as const;
  const text = (value: string | number | null): string => (value === null ? '(unknown)' : String(value));
  return keys.filter((key) => saved[key] !== current[key]).map((key) => `${key} ${text(saved[key])} → ${text(current[key])}`);
}
