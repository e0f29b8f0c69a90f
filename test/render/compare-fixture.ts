import { buildCompareDocument, type CompareDocument } from '../../src/experiment/compare-document.ts';
import { seededRandom } from '../support/seeded-random.ts';

/**
 * A comparison of two commands the way compare records one: 10 runs each of `./rowcol row` and
 * `./rowcol col` (col 2.3× slower, 1.5× more page-faults, the same peak RSS and cycles within
 * 0.1%) and the noise floor `true`.
 */
export function rowColDocument(): CompareDocument {
  const random = seededRandom(11);
  const jitter = (value: number, spread: number) => value * (1 + spread * (random() - 0.5));
  const runs = (timeS: number, faults: number, rssBytes: number) =>
    Array.from({ length: 10 }, () => ({
      durationS: jitter(timeS, 0.06),
      peakRssBytes: Math.round(jitter(rssBytes, 0.002)),
      'page-faults': Math.round(jitter(faults, 0.01)),
      cycles: Math.round(jitter(41_000_000, 0.0002)),
      'page-faults/s': Math.round(faults / timeS),
      userCpuS: jitter(timeS * 0.9, 0.1),
    }));
  return buildCompareDocument({
    createdAt: '2026-12-01T14:00:00.000Z',
    machine: { hostname: 'box', cpuModel: 'Test CPU', cpuCount: 2, kernel: '6.1.0', perfVersion: '6.1', node: 'v20.19.0' },
    settings: { source: 'commands', file: null, shell: false, backend: 'perf', events: null, perf: true, intervalMs: 100, warmup: 1, rounds: 10, roundsRerun: 0, minTimeS: null, order: 'interleaved' },
    alternatives: [
      { name: './rowcol row 1024 20', command: ['./rowcol', 'row', '1024', '20'], runs: runs(0.0121, 2114, 9_650_176) },
      { name: './rowcol col 1024 20', command: ['./rowcol', 'col', '1024', '20'], runs: runs(0.0279, 3170, 9_650_176) },
    ],
    noiseFloor: { name: 'noise floor', command: ['true'], runs: runs(0.0011, 49, 1_200_000) },
    warnings: [],
  });
}

/**
 * A comparison of two commands `a` and `b` from the given runs (each a record of metric values),
 * with the noise floor `true` when `floor` is given; `rounds` is the longest side's run count.
 */
export function documentOfRuns(runsA: readonly Record<string, number>[], runsB: readonly Record<string, number>[], floor?: readonly Record<string, number>[]): CompareDocument {
  return buildCompareDocument({
    createdAt: '2026-12-01T14:00:00.000Z',
    machine: { hostname: 'box', cpuModel: 'Test CPU', cpuCount: 2, kernel: '6.1.0', perfVersion: '6.1', node: 'v20.19.0' },
    settings: { source: 'commands', file: null, shell: false, backend: 'perf', events: null, perf: true, intervalMs: 100, warmup: 0, rounds: Math.max(runsA.length, runsB.length), roundsRerun: 0, minTimeS: null, order: 'interleaved' },
    alternatives: [
      { name: 'a', command: ['a'], runs: runsA },
      { name: 'b', command: ['b'], runs: runsB },
    ],
    noiseFloor: floor === undefined ? null : { name: 'noise floor', command: ['true'], runs: floor },
    warnings: [],
  });
}

/**
 * A parameter scan as `compare -L n 256,2048 -- "./rowcol row {n}" "./rowcol col {n}"` records one:
 * 8 runs each, row and col the same at n = 256 (10 ms), col 3× row at n = 2048 (100 against 300
 * ms), and the noise floor `true`.
 */
export function scanDocument(): CompareDocument {
  const runs = (timeS: number) => Array.from({ length: 8 }, (_, index) => ({ durationS: timeS * (1 + (index % 4) * 0.01) }));
  return buildCompareDocument({
    createdAt: '2026-12-01T14:00:00.000Z',
    machine: { hostname: 'box', cpuModel: 'Test CPU', cpuCount: 2, kernel: '6.1.0', perfVersion: '6.1', node: 'v20.19.0' },
    settings: { source: 'commands', file: null, shell: false, backend: 'perf', events: null, perf: false, intervalMs: 100, warmup: 1, rounds: 8, roundsRerun: 0, minTimeS: null, order: 'interleaved' },
    alternatives: [
      { name: 'row (n = 256)', command: ['./rowcol', 'row', '256'], parameters: { n: '256' }, runs: runs(0.01) },
      { name: 'col (n = 256)', command: ['./rowcol', 'col', '256'], parameters: { n: '256' }, runs: runs(0.01) },
      { name: 'row (n = 2048)', command: ['./rowcol', 'row', '2048'], parameters: { n: '2048' }, runs: runs(0.1) },
      { name: 'col (n = 2048)', command: ['./rowcol', 'col', '2048'], parameters: { n: '2048' }, runs: runs(0.3) },
    ],
    noiseFloor: { name: 'noise floor', command: ['true'], runs: runs(0.001) },
    warnings: [],
  });
}

/**
 * Three commands as `compare -- "./sleepms 5" "./sleepms 10" "./sleepms 5"` records them: 8 runs
 * each, the second 2× the first in time, the third the first again (named `#2`, as compare names
 * a command given twice); the same peak RSS everywhere.
 */
export function threeCommandsDocument(): CompareDocument {
  const runs = (timeS: number) => Array.from({ length: 8 }, (_, index) => ({ durationS: timeS * (1 + (index % 4) * 0.01), peakRssBytes: 1_250_000 + (index % 3) * 4096 }));
  return buildCompareDocument({
    createdAt: '2026-12-01T14:00:00.000Z',
    machine: { hostname: 'box', cpuModel: 'Test CPU', cpuCount: 2, kernel: '6.1.0', perfVersion: '6.1', node: 'v20.19.0' },
    settings: { source: 'commands', file: null, shell: false, backend: 'perf', events: null, perf: false, intervalMs: 100, warmup: 1, rounds: 8, roundsRerun: 0, minTimeS: null, order: 'interleaved' },
    alternatives: [
      { name: './sleepms 5', command: ['./sleepms', '5'], runs: runs(0.005) },
      { name: './sleepms 10', command: ['./sleepms', '10'], runs: runs(0.01) },
      { name: './sleepms 5 #2', command: ['./sleepms', '5'], runs: runs(0.005) },
    ],
    noiseFloor: null,
    warnings: [],
  });
}
