import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventsOverview } from '../../src/render/events-text.ts';
import { renderEventsText } from '../../src/render/events-text.ts';
import { perfUsable } from '../support/perf.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = `${root}dist/app/cli.cjs`;

/** What perf itself says of one event over `true`: 'counted' or the <status> it printed. */
function perfSays(event: string): string {
  const result = spawnSync('perf', ['stat', '-x,', '-e', event, '--', 'true'], { encoding: 'utf8', timeout: 10_000, env: { ...process.env, LC_ALL: 'C' } });
  const line = (result.stderr ?? '').split('\n').find((text) => text.includes(`,${event},`)) ?? '';
  return /^\d/.test(line) ? 'counted' : (/^<([^>]+)>/.exec(line)?.[1] ?? 'no row');
}

beforeAll(() => {
  // test/global-setup.ts builds once (or fails the run); each file only checks the bin is there.
  expect(existsSync(bin), `${bin} is missing: run npm run build (vitest's global setup builds it)`).toBe(true);
});

describe.runIf(perfUsable)('perfcell events (real perf)', () => {
  it('--json lists each preset with what perf says of its events here, and the default set', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'perfcell-events-'));
    const result = await execa(process.execPath, [bin, 'events', '--json'], { reject: false, timeout: 60_000, env: { NO_COLOR: '1', XDG_CACHE_HOME: cache } });
    expect(result.exitCode).toBe(0);
    const overview = JSON.parse(result.stdout) as EventsOverview;
    expect(overview.presets.map((preset) => preset.name)).toEqual(['cache', 'ipc', 'tlb', 'branch']);
    const ipc = overview.presets.find((preset) => preset.name === 'ipc');
    expect(ipc?.events.map((probe) => probe.event)).toEqual(['instructions', 'cycles']);
    expect(ipc?.events.find((probe) => probe.event === 'cycles')?.status).toBe(perfSays('cycles'));
    expect(overview.software.find((probe) => probe.event === 'page-faults')?.status).toBe('counted');
    const hardware = perfSays('cycles') === 'counted';
    expect(overview.defaultEvents).toEqual(hardware ? ['cache-misses', 'cache-references', 'instructions', 'cycles', 'page-faults'] : ['page-faults', 'context-switches']);
  });

  it('prints one line per preset on stdout, nothing on stderr', async () => {
    const result = await execa(process.execPath, [bin, 'events'], { reject: false, timeout: 60_000, env: { NO_COLOR: '1' } });
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n').slice(0, 5).map((line) => line.split(/\s+/)[0])).toEqual(['cache', 'ipc', 'tlb', 'branch', 'software']);
  });
});

describe('renderEventsText', () => {
  it('says per preset what counts and what not', () => {
    const text = renderEventsText({
      presets: [
        { name: 'ipc', counts: 'all', events: [{ event: 'instructions', status: 'counted', count: 1 }, { event: 'cycles', status: 'not counted', count: null }] },
        { name: 'tlb', counts: 'some', events: [{ event: 'dTLB-loads', status: 'counted', count: 1 }, { event: 'iTLB-load-misses', status: 'not supported', count: null }] },
      ],
      software: [{ event: 'page-faults', status: 'counted', count: 40 }],
      defaultEvents: ['cache-misses'],
      defaultNote: null,
      problem: null,
    });
    expect(text.split('\n').slice(0, 5)).toEqual([
      'ipc       counts here  instructions, cycles',
      'tlb       partly       dTLB-loads; iTLB-load-misses: not supported',
      'software  counts here  page-faults',
      '',
      'without -e: cache-misses',
    ]);
  });
});
