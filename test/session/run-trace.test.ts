import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { flushRunTrace, startRunTrace } from '../../src/session/run-trace.ts';
import { cliPath } from '../support/fixtures.ts';
import { runsWithPerf } from '../support/perf.ts';

/** perfcell run with PERFCELL_TRACE_RUN=1, and the marks it wrote: each with its stderr line's index. */
async function traced(argv: readonly string[]) {
  const result = await execa(process.execPath, [cliPath, ...argv], {
    reject: false,
    env: { NO_COLOR: '1', PERFCELL_TRACE_RUN: '1' },
    timeout: 60_000,
  });
  const lines = result.stderr.split('\n');
  const marks = lines.flatMap((line, index) => {
    const [, run, stage, ms] = line.split(' ');
    return line.startsWith('trace-run ') ? [{ index, run: Number(run), stage: stage ?? '', ms: Number(ms) }] : [];
  });
  return { result, lines, marks };
}

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
    const { result, lines, marks } = await traced(['run', '--', 'true']);
    expect(result.exitCode).toBe(0);
    const report = lines.findIndex((line) => /^true peaked .* RAM .* in /.test(line));
    expect(report).toBeGreaterThanOrEqual(0);
    expect(marks.map((mark) => mark.stage)).toEqual(expect.arrayContaining(['run', 'go', 'ended', 'report']));
    expect(marks.every((mark) => mark.index > report)).toBe(true);
    const at = (stage: string) => marks.find((mark) => mark.stage === stage)?.ms ?? Number.NaN;
    expect(at('run')).toBeLessThan(at('go'));
    expect(at('go')).toBeLessThan(at('ended'));
    expect(at('ended')).toBeLessThanOrEqual(at('report'));
  });

  // program-server.ts: Node's spawn of a perf holds it 10-15 ms; the first warm-up's program runs
  // meanwhile, rather than after it (BENCHMARKS.md, Pace notes, 2026-12-05 10:10)
  it.runIf(runsWithPerf('compare of programs'))("compare's perfs start once the first warm-up program is released, and the counted runs are counted", async () => {
    const { result, marks } = await traced(['compare', '--json', '-e', 'page-faults', '--warmup', '1', '--runs', '2', '--', 'true', 'true']);
    expect(result.exitCode, result.stderr).toBe(0);
    const at = (run: number, stage: string) => marks.find((mark) => mark.run === run && mark.stage === stage)?.ms ?? Number.NaN;
    // run 1 is the first warm-up (no window: no enable); the perfs start after its release, once
    expect(marks.filter((mark) => mark.stage === 'perfs-start').map((mark) => mark.run), JSON.stringify(marks)).toEqual([1]);
    expect(at(1, 'go')).toBeLessThanOrEqual(at(1, 'perfs-start'));
    expect(Number.isNaN(at(1, 'perf-enabled'))).toBe(true);
    // the counted runs (a window each: an enable) come after, and count
    const enabled = marks.filter((mark) => mark.stage === 'perf-enabled');
    expect(enabled).toHaveLength(6);
    for (const mark of enabled) expect(mark.ms).toBeGreaterThan(at(1, 'perfs-start'));
    const document = JSON.parse(result.stdout) as { alternatives: Array<{ runs: Array<Record<string, number>> }> };
    for (const run of document.alternatives.flatMap((alternative) => alternative.runs)) expect(run['page-faults'], result.stdout).toBeGreaterThan(20);
  });

  // program-server.ts, readTailWhileRunning: a run's last tick is read while the next program runs,
  // once perf has printed it, not in the hand-over after that program's end (BENCHMARKS.md, Pace
  // notes, 2026-12-05 15:55). A program of 60 ms is many ticks long; the noise floor's `true` ends
  // before the tick, so the tail before it is read at its end, as before.
  it.runIf(runsWithPerf('compare of programs'))("a served run's tail is read while the next program runs, and the runs count as before", async () => {
    const { result, marks } = await traced(['compare', '--json', '-e', 'page-faults', '--warmup', '0', '--runs', '3', '--', 'sleep 0.06', 'sleep 0.061']);
    expect(result.exitCode, result.stderr).toBe(0);
    const at = (run: number, stage: string) => marks.find((mark) => mark.run === run && mark.stage === stage)?.ms ?? Number.NaN;
    const counted = [...new Set(marks.filter((mark) => mark.stage === 'perf-enabled').map((mark) => mark.run))].sort((a, b) => a - b);
    expect(counted, JSON.stringify(marks)).toHaveLength(9);
    // each counted run whose own program lasted 50 ms or more (all but the noise floor's `true` and
    // the first): the tail of the run before it is read while it runs
    const long = counted.slice(1).filter((run) => at(run, 'ended') - at(run, 'go') >= 50);
    expect(long.length, JSON.stringify(marks)).toBeGreaterThanOrEqual(5);
    for (const run of long) {
      const before = counted[counted.indexOf(run) - 1]!;
      expect(at(before, 'tail-read'), `run ${before}'s tail, run ${run}: ${JSON.stringify(marks.filter((mark) => mark.run === run || mark.run === before))}`).toBeGreaterThan(at(run, 'go'));
      expect(at(before, 'tail-read')).toBeLessThan(at(run, 'ended'));
    }
    const document = JSON.parse(result.stdout) as { alternatives: Array<{ runs: Array<Record<string, number>> }>; noiseFloor: { runs: Array<Record<string, number>> } };
    for (const run of [...document.alternatives.flatMap((alternative) => alternative.runs), ...document.noiseFloor.runs]) expect(run['page-faults'], result.stdout).toBeGreaterThan(20);
  });
});
