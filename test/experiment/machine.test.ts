import { describe, expect, it } from 'vitest';
import { machineDifferences, perfVersionText } from '../../src/experiment/machine.ts';
import { systemDefaultEventSources, type DefaultEventSources } from '../../src/perf/default-events.ts';
import { perfUsable } from '../support/perf.ts';

/** The system's sources with the cache file in memory and the perf binary named as the test says. */
function sourcesWith(binary: string, files: Map<string, string>): DefaultEventSources {
  return {
    ...systemDefaultEventSources,
    cacheDir: () => '/cache',
    identify: () => binary,
    readText: (path) => files.get(path) ?? null,
    writeText: (path, text) => void files.set(path, text),
  };
}

describe.runIf(perfUsable)("perf's version for compare's document (real perf)", () => {
  it('asks perf once per binary and keeps the answer; the same binary later reads it back, another asks again', async () => {
    const files = new Map<string, string>();
    const asked = await perfVersionText(sourcesWith('/usr/bin/perf@1', files));
    expect(asked).toMatch(/^perf version \d/);
    expect(JSON.parse(files.get('/cache/perf-version.json') ?? '{}')).toEqual({ binary: '/usr/bin/perf@1', text: asked });
    // what the cache says for this binary is the answer (a version real perf would never print proves it)
    files.set('/cache/perf-version.json', JSON.stringify({ binary: '/usr/bin/perf@1', text: 'perf version 9.9.9\n' }));
    expect(await perfVersionText(sourcesWith('/usr/bin/perf@1', files))).toBe('perf version 9.9.9\n');
    // another binary (perf upgraded: a new mtime) is asked again
    expect(await perfVersionText(sourcesWith('/usr/bin/perf@2', files))).toBe(asked);
    expect(JSON.parse(files.get('/cache/perf-version.json') ?? '{}').binary).toBe('/usr/bin/perf@2');
  });
});

describe('machineDifferences: what a baseline from another machine differs in', () => {
  const lab = { hostname: 'lab1', cpuModel: 'AMD EPYC 7B13', cpuCount: 2, kernel: '6.1.0', perfVersion: '6.1.76', node: 'v20.19.0' };
  it('names each figure that differs, and one not read as unknown, not null (a QA pass: "cpuModel null → AMD EPYC")', () => {
    expect(machineDifferences(lab, lab)).toEqual([]);
    expect(machineDifferences({ ...lab, cpuModel: null, kernel: '6.5.0' }, { ...lab, perfVersion: null })).toEqual([
      'cpuModel (unknown) → AMD EPYC 7B13', 'kernel 6.5.0 → 6.1.0', 'perfVersion 6.1.76 → (unknown)',
    ]);
  });
});
