import { describe, expect, it } from 'vitest';
import { buildCompareDocument } from '../../src/experiment/compare-document.ts';
import { renderHyperfineJson, type HyperfineResult } from '../../src/render/compare-hyperfine.ts';
import { rowColDocument, scanDocument } from './compare-fixture.ts';

const results = (json: string): HyperfineResult[] => (JSON.parse(json) as { results: HyperfineResult[] }).results;

describe("renderHyperfineJson: hyperfine's --export-json of a comparison", () => {
  it("has each alternative's runs and their statistics in seconds, not the noise floor", () => {
    const document = rowColDocument();
    const [row, col, ...rest] = results(renderHyperfineJson(document));
    expect(rest).toEqual([]);
    const runs = document.alternatives[1]?.runs ?? [];
    const times = runs.map((run) => run['durationS']);
    expect(col?.command).toBe('./rowcol col 1024 20');
    expect(col?.times).toEqual(times);
    expect(col?.mean).toBeCloseTo(times.reduce((sum: number, time) => sum + (time ?? 0), 0) / times.length, 12);
    expect([col?.min, col?.max]).toEqual([Math.min(...(times as number[])), Math.max(...(times as number[]))]);
    // user from the runs' user CPU; the fixture has no system CPU: null, not 0
    expect(col?.user).toBeCloseTo(runs.reduce((sum, run) => sum + (run['userCpuS'] ?? 0), 0) / runs.length, 12);
    expect(col?.system).toBeNull();
    expect(row?.memory_usage_byte).toEqual(document.alternatives[0]?.runs.map((run) => run['peakRssBytes']));
    expect(row?.parameters).toBeUndefined();
  });

  it("gives a run kept under -i its exit code (128 + n for signal n, as hyperfine writes it; null for a cell that threw), and a scan's values as hyperfine's parameters", () => {
    const document = rowColDocument();
    const failing = buildCompareDocument({
      ...document,
      alternatives: [
        document.alternatives[0]!,
        { ...document.alternatives[1]!, failures: [{ phase: 'warmup', round: 1, exitCode: 9, signal: null }, { phase: 'measure', round: 2, exitCode: 3, signal: null }, { phase: 'measure', round: 5, exitCode: null, signal: 'SIGKILL' }, { phase: 'measure', round: 7, exitCode: null, signal: null }] },
      ],
    });
    // a QA pass: a signal's run read null, where hyperfine writes 137 for SIGKILL
    expect(results(renderHyperfineJson(failing))[1]?.exit_codes).toEqual([0, 3, 0, 0, 137, 0, null, 0, 0, 0]);
    expect(results(renderHyperfineJson(scanDocument())).map((result) => result.parameters)).toEqual([{ n: '256' }, { n: '256' }, { n: '2048' }, { n: '2048' }]);
  });
});
