import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { perfAmountText, perfRateText } from '../../src/render/metric-units.ts';
import { formatCount } from '../../src/render/units.ts';
import { cliPath } from '../support/fixtures.ts';

// perf counts its tool event duration_time in ns; run's report printed it raw
// ('1,014,514,590 ns/s  total 256,239,648 ns'), where compare shows it as a time since 3e6e2ae.
// Real perf: duration_time counts on this VM.
describe("run's report of perf's ns events", () => {
  it('prints duration_time as a time, its rate as time per second, its samples as times', async () => {
    const result = await execa(process.execPath, [cliPath, 'run', '-e', 'duration_time,page-faults', '--', 'sleep', '0.25'], { reject: false, env: { NO_COLOR: '1' } });
    expect(result.exitCode, result.stderr).toBe(0);
    const line = result.stderr.split('\n').find((text) => /^\s*duration_time\s/.test(text)) ?? '';
    const match = /duration_time\s+([\d.]+) s\/s\s+total ([\d.]+) ms\s+\(\d+ samples?: ([\d.]+ms(?: [\d.]+ms)*)\)/.exec(line);
    expect(match, line).not.toBeNull();
    // about one second of wall time per second, over the 0.25 s sleep
    expect(Number(match?.[1])).toBeGreaterThan(0.9);
    expect(Number(match?.[1])).toBeLessThan(1.2);
    expect(Number(match?.[2])).toBeGreaterThan(240);
    expect(Number(match?.[2])).toBeLessThan(400);
    // other units as perf gives them
    expect(result.stderr).toMatch(/^\s*page-faults\s+[\d,]+\/s\s+total [\d,]+ /m);
  });

  it('keeps other units as perf gives them, and an unknown total as ?', () => {
    expect(perfAmountText(2.04, 'msec', formatCount)).toBe('2.04 msec');
    expect(perfAmountText(1200, '', formatCount)).toBe('1,200');
    expect(perfAmountText(null, 'ns', formatCount)).toBe('? ns');
    expect(perfAmountText(256_239_648, 'ns', formatCount)).toBe('256 ms');
    expect(perfRateText(1_014_514_590, 'ns', formatCount)).toBe('1.01 s/s');
    expect(perfRateText(8.08, 'msec', formatCount)).toBe('8.08 msec/s');
  });
});
