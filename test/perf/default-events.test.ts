import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  chooseDefaultEvents, defaultEventChoice, HARDWARE_DEFAULT_EVENTS, noteDefaultEvents, probeDefaultEvents, SOFTWARE_DEFAULT_EVENTS,
  systemDefaultEventSources, takeDefaultEventsNote, type DefaultEventSources,
} from '../../src/perf/default-events.ts';
import { perfUsable } from '../support/perf.ts';

// perf 6.1's answer on this VM (no PMU), as `perf stat -x, -e cache-misses,cache-references,instructions,cycles,page-faults -- true` prints it
const VM_ANSWER = [
  '<not supported>,,cache-misses,0,100.00,,', '<not supported>,,cache-references,0,100.00,,',
  '<not supported>,,instructions,0,100.00,,', '<not supported>,,cycles,0,100.00,,', '50,,page-faults,558620,100.00,89.506,K/sec',
].join('\n');
// a hybrid machine's answer: every hardware event on both core PMUs, the process ran on cpu_core only
const HYBRID_ANSWER = [
  '3310,,cpu_core/cache-misses/,401234,100.00,,', '<not counted>,,cpu_atom/cache-misses/,0,0.00,,',
  '9120,,cpu_core/cache-references/,401234,100.00,,', '<not counted>,,cpu_atom/cache-references/,0,0.00,,',
  '512004,,cpu_core/instructions/,401234,100.00,,', '<not counted>,,cpu_atom/instructions/,0,0.00,,',
  '601233,,cpu_core/cycles/,401234,100.00,,', '<not counted>,,cpu_atom/cycles/,0,0.00,,', '52,,page-faults,401234,100.00,,',
].join('\n');

function fakeSources(answer: string | null, files = new Map<string, string>()): DefaultEventSources & { probes: number } {
  const sources = {
    probes: 0,
    readText: (path: string) => files.get(path) ?? (path.endsWith('boot_id') ? 'boot-1\n' : path.endsWith('paranoid') ? '2\n' : null),
    writeText: (path: string, text: string) => void files.set(path, text),
    probe: () => {
      sources.probes += 1;
      return answer === null ? null : { exitCode: 0, stderr: answer };
    },
    cacheDir: () => '/cache/perfcell',
    uid: () => 1000,
    identify: (perfPath: string) => perfPath,
  };
  return sources;
}

describe('the adaptive default event set', () => {
  it('is the software set, with one line that says why and how to get hardware counts, where no hardware event counts', () => {
    const choice = chooseDefaultEvents(probeDefaultEvents('perf', fakeSources(VM_ANSWER)));
    expect(choice.events).toEqual(SOFTWARE_DEFAULT_EVENTS);
    expect(choice.note).toBe(
      'no hardware counters here (perf counts none of cache-misses, cache-references, instructions, cycles: no PMU exposed, as in most VMs), ' +
        'so the default events are page-faults, context-switches; for hardware counts see perfcell doctor, or use --backend cachegrind (simulated caches)',
    );
  });

  // A QA pass: a REPL whose next line was armed with the defaults before `.events cycles,page-faults`
  // said "so the default events are page-faults, context-switches" under that line's cycles and page-faults.
  it('says its note under a report of the default set only, once', () => {
    const choice = chooseDefaultEvents(probeDefaultEvents('perf', fakeSources(VM_ANSWER)));
    noteDefaultEvents(choice);
    expect(takeDefaultEventsNote(['cycles', 'page-faults'])).toBeNull();
    expect(takeDefaultEventsNote([...SOFTWARE_DEFAULT_EVENTS])).toBe(choice.note);
    expect(takeDefaultEventsNote([...SOFTWARE_DEFAULT_EVENTS])).toBeNull();
  });

  it('leaves out context-switches where perf counts user space only (it printed :u), since it would always read 0', () => {
    // the same VM's answer for an unprivileged user at kernel.perf_event_paranoid=2
    const userOnly = VM_ANSWER.replace(/,,([a-z-]+),/g, ',,$1:u,');
    const probes = probeDefaultEvents('perf', fakeSources(userOnly));
    expect(probes?.every((probe) => probe.userOnly === true)).toBe(true);
    const choice = chooseDefaultEvents(probes);
    expect(choice.events).toEqual(['page-faults']);
    expect(choice.note).toBe(
      'no hardware counters here (perf counts none of cache-misses, cache-references, instructions, cycles: no PMU exposed, as in most VMs), ' +
        "so the default events are page-faults (not context-switches: perf counts only this user's user space here, kernel.perf_event_paranoid ≥ 2, " +
        'where it always reads 0; run as root, or: sudo sysctl kernel.perf_event_paranoid=1); for hardware counts see perfcell doctor, or use --backend cachegrind (simulated caches)',
    );
  });

  it('probes again over a cache written before probes said whether perf counts user space only', () => {
    const files = new Map([['/cache/perfcell/default-events.json', JSON.stringify({ version: 1, entries: { 'boot-1 /opt/perf-old uid=1000 paranoid=2': [{ event: 'page-faults', status: 'counted' }] } })]]);
    const sources = fakeSources(VM_ANSWER.replace(/,,([a-z-]+),/g, ',,$1:u,'), files);
    expect(defaultEventChoice('/opt/perf-old', sources).events).toEqual(['page-faults']);
    expect(sources.probes).toBe(1);
  });

  it('keeps the hardware set where it counts, hybrid rows included', () => {
    expect(chooseDefaultEvents(probeDefaultEvents('perf', fakeSources(HYBRID_ANSWER)))).toEqual({ events: HARDWARE_DEFAULT_EVENTS, note: null });
    expect(chooseDefaultEvents(null)).toEqual({ events: HARDWARE_DEFAULT_EVENTS, note: null });
  });

  it('drops only what is missing where some hardware events count', () => {
    const answer = VM_ANSWER.replace('<not supported>,,instructions', '1000,,instructions').replace('<not supported>,,cycles', '900,,cycles');
    const choice = chooseDefaultEvents(probeDefaultEvents('perf', fakeSources(answer)));
    expect(choice.events).toEqual(['instructions', 'cycles', 'page-faults']);
    expect(choice.note).toBe('cache-misses, cache-references are not counted by perf here, so the default events are instructions, cycles, page-faults (perfcell doctor says why)');
  });

  it('asks perf once per boot and perf binary, and keeps the answer in the cache file', () => {
    const files = new Map<string, string>();
    const first = fakeSources(VM_ANSWER, files);
    expect(defaultEventChoice('/opt/perf-a', first).events).toEqual(SOFTWARE_DEFAULT_EVENTS);
    expect(first.probes).toBe(1);
    const cached = JSON.parse(files.get('/cache/perfcell/default-events.json') ?? '{}') as { entries: Record<string, unknown> };
    expect(Object.keys(cached.entries)).toEqual(['boot-1 /opt/perf-a uid=1000 paranoid=2']);
    // a fresh process (no memo) with the same boot reads the file instead of running perf
    const again = fakeSources(HYBRID_ANSWER, files);
    expect(defaultEventChoice('/opt/perf-b', again).events).toEqual(HARDWARE_DEFAULT_EVENTS);
    expect(again.probes).toBe(1);
    const third = fakeSources(HYBRID_ANSWER, files);
    expect(defaultEventChoice('/opt/perf-c', { ...third, readText: (path) => (path.endsWith('boot_id') ? 'boot-2\n' : third.readText(path)) }).events).toEqual(HARDWARE_DEFAULT_EVENTS);
    const rewritten = JSON.parse(files.get('/cache/perfcell/default-events.json') ?? '{}') as { entries: Record<string, unknown> };
    expect(Object.keys(rewritten.entries)).toEqual(['boot-2 /opt/perf-c uid=1000 paranoid=2']);
  });

  it.runIf(perfUsable)('real perf on this machine: the probe matches what perf counts here, and the cache file is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-cache-'));
    try {
      const sources = { ...systemDefaultEventSources, cacheDir: () => dir };
      const probes = probeDefaultEvents('perf', sources);
      expect(probes?.find((probe) => probe.event === 'page-faults')?.status).toBe('counted');
      const choice = defaultEventChoice('perf', sources);
      const hardwareCounts = probes?.some((probe) => probe.event === 'cycles' && probe.status === 'counted') === true;
      console.log(`default events on this machine: ${choice.events.join(',')} (${hardwareCounts ? 'hardware PMU' : 'no hardware PMU'})`);
      expect(choice.events).toEqual(hardwareCounts ? HARDWARE_DEFAULT_EVENTS : SOFTWARE_DEFAULT_EVENTS);
      const file = readFileSync(join(dir, 'default-events.json'), 'utf8');
      expect(file).toContain('"page-faults"');
      // keyed by the perf binary found on PATH, so a test double first on PATH gets its own entry
      expect(file).toMatch(/ \/\S*\/perf@\d+ uid=/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
