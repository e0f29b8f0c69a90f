import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { flushRunTrace, startRunTrace } from '../../src/session/run-trace.ts';
import { cliPath } from '../support/fixtures.ts';

describe('run trace (PERFCELL_TRACE_RUN=1)', () => {
  it('writes nothing while marks are made, then every run’s marks in order at flush', () => {
    const written: string[] = [];
    const first = startRunTrace({ PERFCELL_TRACE_RUN: '1' }, (text) => written.push(text));
    const second = startRunTrace({ PERFCELL_TRACE_RUN: '1' }, (text) => written.push(text));
    first.mark('run');
    second.mark('run');
    first.mark('report');
    expect(written).toEqual([]);
    flushRunTrace();
    const lines = written.join('').trimEnd().split('\n');
    expect(lines.map((line) => line.replace(/ [\d.]+$/, ''))).toEqual([
      expect.stringMatching(/^trace-run \d+ run$/),
      expect.stringMatching(/^trace-run \d+ run$/),
      expect.stringMatching(/^trace-run \d+ report$/),
    ]);
    const [firstRun, secondRun, lastRun] = lines.map((line) => Number(line.split(' ')[1]));
    expect(secondRun).toBe((firstRun ?? 0) + 1);
    expect(lastRun).toBe(firstRun);
    const times = lines.map((line) => Number(line.split(' ')[3]));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // held marks are written once
    flushRunTrace();
    expect(written).toHaveLength(1);
  });

  it('is silent unless asked for', () => {
    const written: string[] = [];
    startRunTrace({}, (text) => written.push(text)).mark('run');
    flushRunTrace();
    expect(written).toEqual([]);
  });

  it('a real run writes its stages at exit, after its report', async () => {
    const result = await execa(process.execPath, [cliPath, 'run', '--', 'true'], {
      reject: false,
      env: { NO_COLOR: '1', PERFCELL_TRACE_RUN: '1' },
      timeout: 60_000,
    });
    expect(result.exitCode).toBe(0);
    const lines = result.stderr.split('\n');
    const report = lines.findIndex((line) => /^true peaked .* RAM .* in /.test(line));
    const marks = lines.flatMap((line, index) => (line.startsWith('trace-run ') ? [{ index, stage: line.split(' ')[2], ms: Number(line.split(' ')[3]) }] : []));
    expect(report).toBeGreaterThanOrEqual(0);
    expect(marks.map((mark) => mark.stage)).toEqual(expect.arrayContaining(['run', 'go', 'ended', 'report']));
    expect(marks.every((mark) => mark.index > report)).toBe(true);
    const at = (stage: string) => marks.find((mark) => mark.stage === stage)?.ms ?? Number.NaN;
    expect(at('run')).toBeLessThan(at('go'));
    expect(at('go')).toBeLessThan(at('ended'));
    expect(at('ended')).toBeLessThanOrEqual(at('report'));
  });
});
