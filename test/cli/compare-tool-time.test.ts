import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { leakedPerfPids, perfPidsNow } from '../support/leaked-perf.ts';
import { runsWithPerf } from '../support/perf.ts';

// perf counts its tool event duration_time in ns and says so (`1830655,ns,duration_time,…` in
// perf 6.1's CSV). compare showed it as a plain count ('31,009,070', JSON unit 'count'). Real perf
// here: the text, the JSON, the CSV and the markdown carry it as a time. (user_time and
// system_time read <not counted> under perf 6.1's -I, which compare runs perf with; their
// rendering is tested in test/render/compare-tool-time.test.ts.)

let dir = '';
const perfBefore = perfPidsNow();
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'perfcell-tool-time-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  expect(leakedPerfPids(perfBefore)).toEqual([]);
});

interface Result {
  readonly metric: { readonly key: string; readonly unit: string; readonly label: string };
}
interface Document {
  readonly results: readonly Result[];
  readonly alternatives: readonly { readonly name: string; readonly runs: readonly Record<string, number>[] }[];
}

describe.runIf(runsWithPerf('compare -e duration_time with real perf'))('compare -e duration_time (real perf)', () => {
  it('shows duration_time as a time in ms, unit ns in the JSON and CSV, and the values still in ns', async () => {
    const [json, csv, markdown] = ['c.json', 'c.csv', 'c.md'].map((name) => join(dir, name)) as [string, string, string];
    const result = await execa(
      process.execPath,
      [cliPath, 'compare', '-e', 'duration_time,page-faults', '--runs', '3', '--warmup', '0', '-v', '--export-json', json, '--export-csv', csv, '--export-markdown', markdown, '--', 'sleep 0.02', 'sleep 0.04'],
      { reject: false, env: { NO_COLOR: '1', COLUMNS: '120' }, cwd: dir, timeout: 120_000, forceKillAfterDelay: 1_000 },
    );
    expect(result.exitCode, result.stderr).toBe(0);

    const block = result.stdout.split('\n\n').find((part) => part.startsWith('duration_time ')) ?? '';
    // a time per row: "  sleep 0.02   31.9 ms  0.926 ms  32.3 ms  30.9 ms  32.6 ms  3"
    expect(block).toMatch(/^ {2}sleep 0\.02 +\d+(\.\d+)? ms +\d+(\.\d+)? [mµ]s +\d+(\.\d+)? ms +\d+(\.\d+)? ms +\d+(\.\d+)? ms +3$/m);
    expect(block).not.toMatch(/\d,\d{3},\d{3}/);
    const rate = result.stdout.split('\n\n').find((part) => part.startsWith('duration_time per s ')) ?? '';
    expect(rate).toMatch(/^ {2}sleep 0\.04 +\d+(\.\d+)? m?s\/s /m);

    const document = JSON.parse(readFileSync(json, 'utf8')) as Document;
    expect(document.results.find((entry) => entry.metric.key === 'duration_time')?.metric.unit).toBe('ns');
    expect(document.results.find((entry) => entry.metric.key === 'duration_time/s')?.metric.unit).toBe('ns-per-s');
    // the run values keep their key and perf's ns: sleep 0.02 lasts at least 20 ms = 2e7 ns
    const first = document.alternatives.find((alternative) => alternative.name === 'sleep 0.02');
    expect(first?.runs).toHaveLength(3);
    for (const run of first?.runs ?? []) expect(run['duration_time']).toBeGreaterThanOrEqual(2e7);

    const csvRow = readFileSync(csv, 'utf8').split('\n').find((line) => line.startsWith('duration_time,duration_time,'));
    expect(csvRow?.split(',')[2]).toBe('ns');
    expect(readFileSync(markdown, 'utf8')).toMatch(/### duration_time\n\n\| Command \| Mean \[ms\] \| Min \[ms\] \| Max \[ms\] \| Relative \|/);
  });
});
