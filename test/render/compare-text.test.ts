import { describe, expect, it } from 'vitest';
import { compareWithBaseline } from '../../src/experiment/analyze.ts';
import { renderCompareText } from '../../src/render/compare-text.ts';
import { fitTable, wrapLine } from '../../src/render/compare-fit.ts';
import { documentOfRuns, rowColDocument, threeCommandsDocument } from './compare-fixture.ts';

const widest = (text: string) => Math.max(...text.split('\n').map((line) => [...line].length));

describe('renderCompareText', () => {
  const document = rowColDocument();

  it('summarises like hyperfine at 60 columns: time per alternative, the meaningful verdicts', () => {
    const text = renderCompareText(document, { width: 60 });
    expect(text).toMatchInlineSnapshot(`
      "Benchmark 1: ./rowcol row 1024 20
        Time (mean ± σ):    12.1 ms  ±  0.208 ms
        Range (min … max):  11.8 ms  …   12.4 ms    10 runs

      Benchmark 2: ./rowcol col 1024 20
        Time (mean ± σ):    27.6 ms  ±  0.375 ms
        Range (min … max):  27.1 ms  …   28.3 ms    10 runs

      Noise floor (\`true\`): 1.10 ms ± 0.018 ms, 10 runs

      Summary (against ./rowcol row 1024 20)
        ./rowcol col 1024 20 is 2.29× ± 0.03 slower; p < 0.001
        ./rowcol col 1024 20 has 1.500× ± 0.004 more page-faults;
          p < 0.001
        ./rowcol col 1024 20 has 2.31× ± 0.06 more user CPU time;
          p < 0.001
        2 more metrics: no meaningful difference (see --verbose)"
    `);
    expect(widest(text)).toBeLessThanOrEqual(60);
  });

  it("prints the summary's times in the unit -u gives (hyperfine's --time-unit), σ too", () => {
    const text = renderCompareText(document, { width: 60, timeUnit: 'microsecond' });
    expect(text.split('\n').slice(0, 3).join('\n')).toBe([
      'Benchmark 1: ./rowcol row 1024 20',
      '  Time (mean ± σ):    12055 µs  ±    208 µs',
      '  Range (min … max):  11755 µs  …  12351 µs    10 runs',
    ].join('\n'));
    expect(text).toContain('Noise floor (`true`): 1100 µs ± 17.5 µs, 10 runs');
    expect(renderCompareText(document, { width: 60, timeUnit: 'second' })).toContain('Time (mean ± σ):    0.012 s  ±  0.000 s');
  });

  it("prints --verbose's time table in the unit -u gives, its other tables as they were", () => {
    const text = renderCompareText(document, { width: 120, verbose: true, timeUnit: 'microsecond' });
    const rowLine = text.split('\n').find((line) => line.startsWith('  ./rowcol row 1024 20 '));
    expect(rowLine?.split(/ {2,}/).slice(2, 7)).toEqual(['12055 µs', '208 µs', expect.stringMatching(/^\d{5} µs$/), '11755 µs', '12351 µs']);
    expect(text).toMatch(/^ {2}noise floor +1100 µs +17\.5 µs/m);
    // peak RSS stays in MiB
    expect(text).toMatch(/^ {2}\.\/rowcol row 1024 20 +9\.20 MiB/m);
    expect(renderCompareText(document, { width: 120, verbose: true })).toMatch(/^ {2}\.\/rowcol row 1024 20 +12\.1 ms/m);
  });

  it('summarises at 120 columns', () => {
    const text = renderCompareText(document, { width: 120 });
    expect(text).toMatchInlineSnapshot(`
      "Benchmark 1: ./rowcol row 1024 20
        Time (mean ± σ):    12.1 ms  ±  0.208 ms
        Range (min … max):  11.8 ms  …   12.4 ms    10 runs

      Benchmark 2: ./rowcol col 1024 20
        Time (mean ± σ):    27.6 ms  ±  0.375 ms
        Range (min … max):  27.1 ms  …   28.3 ms    10 runs

      Noise floor (\`true\`): 1.10 ms ± 0.018 ms, 10 runs

      Summary (against ./rowcol row 1024 20)
        ./rowcol col 1024 20 is 2.29× ± 0.03 slower; p < 0.001
        ./rowcol col 1024 20 has 1.500× ± 0.004 more page-faults; p < 0.001
        ./rowcol col 1024 20 has 2.31× ± 0.06 more user CPU time; p < 0.001
        2 more metrics: no meaningful difference (see --verbose)"
    `);
    expect(widest(text)).toBeLessThanOrEqual(120);
    // hyperfine prints 11 lines for two commands; this adds the noise floor and the other metrics' verdicts.
    expect(text.split('\n').length).toBeLessThanOrEqual(15);
  });

  it('shows every metric with --verbose, fitted to 60 columns by dropping columns and breaking at spaces', () => {
    const text = renderCompareText(document, { width: 60, verbose: true });
    expect(text).toMatchInlineSnapshot(`
      "10 runs of each, interleaved (./rowcol row 1024 20 ./rowcol
        col 1024 20 ./rowcol row 1024 20 ./rowcol col 1024 20 …),
        after 1 warm-up round; counters from perf
      noise floor: \`true\`, measured the same way

      time                       mean         σ      max   n
        ./rowcol row 1024 20  12.1 ms  0.208 ms  12.4 ms  10
        ./rowcol col 1024 20  27.6 ms  0.375 ms  28.3 ms  10
        noise floor           1.10 ms  0.018 ms  1.12 ms  10
        ./rowcol col 1024 20 / ./rowcol row 1024 20: 2.29× (95% CI
          2.26–2.32), p < 0.001: ./rowcol col 1024 20 is 2.29× ±
          0.03 slower

      peak RSS                    mean          σ       max   n
        ./rowcol row 1024 20  9.20 MiB  0.006 MiB  9.21 MiB  10
        ./rowcol col 1024 20  9.20 MiB  0.005 MiB  9.21 MiB  10
        noise floor           1.14 MiB  0.001 MiB  1.15 MiB  10
        ./rowcol col 1024 20 / ./rowcol row 1024 20: 1.00× (97.5%
          CI 0.999–1.001), p = 0.95: no significant difference

      page-faults              mean     σ    min    max   n
        ./rowcol row 1024 20  2,116  4.29  2,109  2,121  10
        ./rowcol col 1024 20  3,174  7.57  3,156  3,184  10
        noise floor              49     0     49     49  10
        ./rowcol col 1024 20 / ./rowcol row 1024 20: 1.50× (98.75%
          CI 1.496–1.504), p < 0.001: ./rowcol col 1024 20 has
          1.500× ± 0.004 more page-faults

      cycles                        mean      σ         max   n
        ./rowcol row 1024 20  41,000,826  1,572  41,003,917  10
        ./rowcol col 1024 20  41,000,653  2,369  41,003,972  10
        noise floor           40,999,478  2,286  41,002,520  10
        ./rowcol col 1024 20 / ./rowcol row 1024 20: 1.00× (97.5%
          CI 0.9999–1.0001), p = 0.85: no significant difference

      page-faults per s            mean    σ        max   n
        ./rowcol row 1024 20  174,711/s  0/s  174,711/s  10
        ./rowcol col 1024 20  113,620/s  0/s  113,620/s  10
        noise floor            44,545/s  0/s   44,545/s  10
        ./rowcol col 1024 20 / ./rowcol row 1024 20: 0.650×: no
          verdict of its own (a rate: the total ÷ time; see both)

      user CPU                   mean         σ      max   n
        ./rowcol row 1024 20  10.9 ms  0.183 ms  11.3 ms  10
        ./rowcol col 1024 20  25.2 ms  0.625 ms  26.3 ms  10
        noise floor            977 µs   33.9 µs  1.03 ms  10
        ./rowcol col 1024 20 / ./rowcol row 1024 20: 2.31× (98.33%
          CI 2.25–2.37), p < 0.001: ./rowcol col 1024 20 has 2.31×
          ± 0.06 more user CPU time

      verdicts (against ./rowcol row 1024 20; time at 95%, the
        other metrics Holm-corrected, rates none of their own)
        time: ./rowcol col 1024 20 is 2.29× ± 0.03 slower; p <
          0.001
        peak RSS: no significant difference (p = 0.95)
        page-faults: ./rowcol col 1024 20 has 1.500× ± 0.004 more
          page-faults; p < 0.001
        cycles: no significant difference (p = 0.85)
        page-faults per s: no verdict of its own (a rate: the
          total ÷ time; see both)
        user CPU: ./rowcol col 1024 20 has 2.31× ± 0.06 more user
          CPU time; p < 0.001"
    `);
    expect(widest(text)).toBeLessThanOrEqual(60);
  });

  it('shows every metric with --verbose at 120 columns', () => {
    const text = renderCompareText(document, { width: 120, verbose: true });
    expect(text).toMatchInlineSnapshot(`
      "10 runs of each, interleaved (./rowcol row 1024 20 ./rowcol col 1024 20 ./rowcol row 1024 20 ./rowcol col 1024 20 …),
        after 1 warm-up round; counters from perf
      noise floor: \`true\`, measured the same way

      time                       mean         σ   median      min      max   n
        ./rowcol row 1024 20  12.1 ms  0.208 ms  12.1 ms  11.8 ms  12.4 ms  10
        ./rowcol col 1024 20  27.6 ms  0.375 ms  27.6 ms  27.1 ms  28.3 ms  10
        noise floor           1.10 ms  0.018 ms  1.10 ms  1.07 ms  1.12 ms  10
        ./rowcol col 1024 20 / ./rowcol row 1024 20: 2.29× (95% CI 2.26–2.32), p < 0.001: ./rowcol col 1024 20 is 2.29× ± 0.03
          slower

      peak RSS                    mean          σ    median       min       max   n
        ./rowcol row 1024 20  9.20 MiB  0.006 MiB  9.20 MiB  9.19 MiB  9.21 MiB  10
        ./rowcol col 1024 20  9.20 MiB  0.005 MiB  9.20 MiB  9.19 MiB  9.21 MiB  10
        noise floor           1.14 MiB  0.001 MiB  1.14 MiB  1.14 MiB  1.15 MiB  10
        ./rowcol col 1024 20 / ./rowcol row 1024 20: 1.00× (97.5% CI 0.999–1.001), p = 0.95: no significant difference

      page-faults              mean     σ  median    min    max   n
        ./rowcol row 1024 20  2,116  4.29   2,116  2,109  2,121  10
        ./rowcol col 1024 20  3,174  7.57   3,174  3,156  3,184  10
        noise floor              49     0      49     49     49  10
        ./rowcol col 1024 20 / ./rowcol row 1024 20: 1.50× (98.75% CI 1.496–1.504), p < 0.001: ./rowcol col 1024 20 has 1.500×
          ± 0.004 more page-faults

      cycles                        mean      σ      median         min         max   n
        ./rowcol row 1024 20  41,000,826  1,572  41,000,684  40,998,504  41,003,917  10
        ./rowcol col 1024 20  41,000,653  2,369  41,000,690  40,996,629  41,003,972  10
        noise floor           40,999,478  2,286  40,999,459  40,995,941  41,002,520  10
        ./rowcol col 1024 20 / ./rowcol row 1024 20: 1.00× (97.5% CI 0.9999–1.0001), p = 0.85: no significant difference

      page-faults per s            mean    σ     median        min        max   n
        ./rowcol row 1024 20  174,711/s  0/s  174,711/s  174,711/s  174,711/s  10
        ./rowcol col 1024 20  113,620/s  0/s  113,620/s  113,620/s  113,620/s  10
        noise floor            44,545/s  0/s   44,545/s   44,545/s   44,545/s  10
        ./rowcol col 1024 20 / ./rowcol row 1024 20: 0.650×: no verdict of its own (a rate: the total ÷ time; see both)

      user CPU                   mean         σ   median      min      max   n
        ./rowcol row 1024 20  10.9 ms  0.183 ms  10.9 ms  10.7 ms  11.3 ms  10
        ./rowcol col 1024 20  25.2 ms  0.625 ms  25.0 ms  24.2 ms  26.3 ms  10
        noise floor            977 µs   33.9 µs   964 µs   941 µs  1.03 ms  10
        ./rowcol col 1024 20 / ./rowcol row 1024 20: 2.31× (98.33% CI 2.25–2.37), p < 0.001: ./rowcol col 1024 20 has 2.31× ±
          0.06 more user CPU time

      verdicts (against ./rowcol row 1024 20; time at 95%, the other metrics Holm-corrected, rates none of their own)
        time               ./rowcol col 1024 20 is 2.29× ± 0.03 slower; p < 0.001
        peak RSS           no significant difference (p = 0.95)
        page-faults        ./rowcol col 1024 20 has 1.500× ± 0.004 more page-faults; p < 0.001
        cycles             no significant difference (p = 0.85)
        page-faults per s  no verdict of its own (a rate: the total ÷ time; see both)
        user CPU           ./rowcol col 1024 20 has 2.31× ± 0.06 more user CPU time; p < 0.001"
    `);
    expect(widest(text)).toBeLessThanOrEqual(120);
  });
});

describe('renderCompareText with no width (a pipe, a file)', () => {
  const document = rowColDocument();

  it('leaves every line whole, so that grep finds a verdict with its p-value', () => {
    const summary = renderCompareText(document).split('\n');
    expect(summary).toContain('  ./rowcol col 1024 20 has 1.500× ± 0.004 more page-faults; p < 0.001');
    expect(summary).toContain('  ./rowcol col 1024 20 has 2.31× ± 0.06 more user CPU time; p < 0.001');
    const verbose = renderCompareText(document, { verbose: true }).split('\n');
    expect(verbose[0]).toBe('10 runs of each, interleaved (./rowcol row 1024 20 ./rowcol col 1024 20 ./rowcol row 1024 20 ./rowcol col 1024 20 …), after 1 warm-up round; counters from perf');
    expect(verbose).toContain('  ./rowcol col 1024 20 / ./rowcol row 1024 20: 2.29× (95% CI 2.26–2.32), p < 0.001: ./rowcol col 1024 20 is 2.29× ± 0.03 slower');
    expect(verbose).toContain('verdicts (against ./rowcol row 1024 20; time at 95%, the other metrics Holm-corrected, rates none of their own)');
    // every column of every table, none dropped for a width
    expect(verbose).toContain('time                       mean         σ   median      min      max   n');
  });
});

describe('wrapLine', () => {
  it('breaks at spaces with a hanging indent, never inside a word that fits a line', () => {
    expect(wrapLine('  col is 2.31× ± 0.08 slower; p < 0.001', 24)).toEqual(['  col is 2.31× ± 0.08', '    slower; p < 0.001']);
    expect(wrapLine('short', 24)).toEqual(['short']);
  });

  it('cuts a word longer than the line at the width, as fold does, each piece under the hanging indent', () => {
    expect(wrapLine('a /a/very/long/path/that/cannot/break b', 10)).toEqual(['a', '  /a/very/', '  long/pat', '  h/that/c', '  annot/br', '  eak b']);
    expect(wrapLine(`Benchmark 1: ${'x'.repeat(30)}`, 20)).toEqual(['Benchmark 1:', `  ${'x'.repeat(18)}`, `  ${'x'.repeat(12)}`]);
  });
});

describe('fitTable', () => {
  const rows = [
    ['time', 'mean', 'σ', 'median', 'min', 'max', 'n'],
    ['  a rather long alternative name', '12.1 ms', '0.4 ms', '12.0 ms', '11.6 ms', '13.0 ms', '10'],
  ];

  it('drops median, then min and max, and then puts names on their own line', () => {
    expect(fitTable(rows, 80, [3, 4, 5])).toHaveLength(2);
    expect(fitTable(rows, 62, [3, 4, 5])[0]).toBe('time                                 mean       σ      max   n');
    expect(fitTable(rows, 40, [3, 4, 5])).toEqual(['time', '       mean       σ   n', '  a rather long alternative name', '    12.1 ms  0.4 ms  10']);
  });

  it('says under the noise floor what it cost, when the document has a cost block', () => {
    const text = renderCompareText({ ...rowColDocument(), cost: { totalS: 1.3, alternativesS: { a: 0.6, b: 0.58 }, noiseFloorS: 0.12 } }, { width: 60 });
    expect(text).toContain("Noise floor (`true`): 1.10 ms ± 0.018 ms, 10 runs\n  Cost: 120 ms, 9% of the runs' 1.30 s\n\nSummary");
  });
});

describe('renderCompareText: lopsided intervals', () => {
  const durations = (scale: number) => [1, 3, 0.4, 2.2, 0.7].map((factor) => ({ durationS: 0.01 * scale * factor }));
  const document = documentOfRuns(durations(1), durations(4));
  const { ratio } = document.results[0]!.comparisons[0]!;
  const bounds = `${ratio.interval!.low.toPrecision(3)}–${ratio.interval!.high.toPrecision(3)}`;

  it('gives the interval in the verdict of the summary, not a ± that runs below its low end', () => {
    const text = renderCompareText(document, { width: 120 });
    expect(text).toContain(`b is ${ratio.ratio!.toPrecision(3)}× (95% CI ${bounds}) slower; p = `);
    expect(text).not.toMatch(/× ±/);
  });

  it('says the interval once in a --verbose comparison line', () => {
    const text = renderCompareText(document, { width: 200, verbose: true });
    const line = text.split('\n').find((candidate) => candidate.startsWith('  b / a: '))!;
    expect(line.split('CI').length - 1).toBe(1);
    expect(line).toMatch(new RegExp(`^  b / a: ${ratio.ratio!.toPrecision(3)}× \\(95% CI ${bounds}\\), p = 0\\.\\d+: b is ${ratio.ratio!.toPrecision(3)}× slower$`));
  });
});

describe('renderCompareText: metrics that could not be tested', () => {
  it('with one run each, says too few runs to tell for the other metrics, and gives the noise floor without a σ', () => {
    const run = (durationS: number) => [{ durationS, peakRssBytes: 3_000_000, 'page-faults': 500, userCpuS: durationS / 2 }];
    const document = documentOfRuns(run(0.0034), run(0.0084), run(0.000999));
    const text = renderCompareText(document, { width: 120 });
    const secondary = document.results.filter((result) => result.metric.role === 'secondary');
    expect(secondary.every((result) => result.comparisons[0]!.welch === null)).toBe(true);
    expect(text).toContain(`  ${secondary.length} more metrics: too few runs to tell (see --verbose)`);
    expect(text).not.toContain('no meaningful difference');
    expect(text).toContain('Noise floor (`true`): 999 µs, 1 run\n');
    expect(text).not.toMatch(/± *-/);
    expect(text).toContain('  Time (mean):        3.40 ms\n  Range (min … max):  3.40 ms  …  3.40 ms    1 run\n');
  });

  it('counts the metrics it tested apart from those it could not', () => {
    // page-faults: tested, the same on both sides; cycles: in one run of each only, so untested
    const runs = (durationS: number) => [0.9, 1, 1.1].map((factor, index) => ({ durationS: durationS * factor, 'page-faults': 500 + index, ...(index === 0 ? { cycles: 1_000_000 } : {}) }));
    const text = renderCompareText(documentOfRuns(runs(0.01), runs(0.03)), { width: 120 });
    expect(text).toContain('  2 more metrics: no meaningful difference in 1, too few runs to tell for 1 (see --verbose)');
  });
});

// A QA pass: with three commands, --verbose's verdicts read `time: ./sleepms 10 is 1.90× ± 0.07
// slower` and then `time: no significant difference (p = 0.99)`, which did not say it was about
// ./sleepms 5 #2.
describe('renderCompareText: three alternatives', () => {
  it('names the alternative of each --verbose verdict that does not start with its name', () => {
    const text = renderCompareText(threeCommandsDocument(), { width: 120, verbose: true });
    expect(text.slice(text.indexOf('\nverdicts (') + 1)).toMatchInlineSnapshot(`
      "verdicts (against ./sleepms 5; time at 95%, the other metrics Holm-corrected, rates none of their own)
        time      ./sleepms 10 is 2.00× ± 0.03 slower; p < 0.001
        time      ./sleepms 5 #2 against ./sleepms 5: no significant difference (p = 1.00)
        peak RSS  ./sleepms 10 against ./sleepms 5: no significant difference (p = 1.00)
        peak RSS  ./sleepms 5 #2 against ./sleepms 5: no significant difference (p = 1.00)"
    `);
  });
});

// A new-user pass: `compare --baseline` printed `  sleep 0.01: time  sleep 0.01 (now) is 1.70× (95%
// CI 1.02–2.82) slower; p = 0.046`, a double space and the alternative's name twice.
describe('renderCompareText: against a baseline', () => {
  it('names each alternative once, then the metric, then its verdict of now against the baseline', () => {
    const now = threeCommandsDocument();
    // saved when the 10 ms command took 5 ms: now it is twice as slow, the others as they were
    const saved = now.alternatives.map((alternative) => ({
      name: alternative.name,
      runs: alternative.runs.map((run) => (alternative.name === './sleepms 10' ? { ...run, durationS: run['durationS']! / 2 } : run)),
    }));
    const document = { ...now, baseline: { file: '.perfcell/before.json', createdAt: '2026-11-30T10:00:00.000Z', machine: now.machine, comparisons: compareWithBaseline(now.alternatives, saved.slice(0, 2)) } };
    const baselineBlock = (text: string): string => text.slice(text.indexOf('\nagainst the baseline') + 1);
    expect(baselineBlock(renderCompareText(document, { width: 120 }))).toBe(
      [
        'against the baseline .perfcell/before.json (2026-11-30T10:00:00.000Z)',
        '  ./sleepms 5, time: no significant difference (p = 1.00)',
        '  ./sleepms 10, time: now is 2.00× ± 0.03 slower; p < 0.001',
      ].join('\n'),
    );
    // --verbose: every metric, the verdicts one under another
    expect(baselineBlock(renderCompareText(document, { width: 120, verbose: true }))).toBe(
      [
        'against the baseline .perfcell/before.json (2026-11-30T10:00:00.000Z)',
        '  ./sleepms 5, time:     no significant difference (p = 1.00)',
        '  ./sleepms 5, peak RSS: no significant difference (p = 1.00)',
        '  ./sleepms 10, time:     now is 2.00× ± 0.03 slower; p < 0.001',
        '  ./sleepms 10, peak RSS: no significant difference (p = 1.00)',
      ].join('\n'),
    );
  });
});
