import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
// the bin the global setup built (npm run build: its tsc too)
const bin = cliPath;

describe('perfcell parse --summary on hybrid captures', () => {
  it('folds cpu_core/cpu_atom rows into one event with the per-PMU split (real capture: lkml-2024-jclark-hybrid-not-counted-before)', async () => {
    const result = await execa(process.execPath, [bin, 'parse', '--summary', '--json', 'samples/perf/lkml-2024-jclark-hybrid-not-counted-before.json.txt'], {
      cwd: root, reject: false, timeout: 30_000, env: { NO_COLOR: '1' },
    });
    expect(result.exitCode).toBe(0);
    const document = JSON.parse(result.stdout) as { events: { event: string; total: number; pmus: { pmu: string; status: string }[] }[] };
    expect(document.events).toHaveLength(1);
    expect(document.events[0]).toMatchObject({ event: 'branch-misses', total: 6326 });
    expect(document.events[0]?.pmus.map((pmu) => [pmu.pmu, pmu.status])).toEqual([['cpu_atom', 'not counted'], ['cpu_core', 'counted']]);
  });
});
