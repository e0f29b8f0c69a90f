import { describe, expect, it } from 'vitest';
import { renderCompareAsciidoc } from '../../src/render/compare-asciidoc.ts';
import { renderCompareMarkdown } from '../../src/render/compare-markdown.ts';
import { renderCompareOrgmode } from '../../src/render/compare-orgmode.ts';
import { displayScale } from '../../src/render/metric-units.ts';
import { documentOfRuns, rowColDocument } from './compare-fixture.ts';

describe('renderCompareMarkdown', () => {
  it("puts time in the unit -u gives (hyperfine's --time-unit), the other metrics as they were", () => {
    const markdown = renderCompareMarkdown(rowColDocument(), { timeUnit: 'microsecond' });
    expect(markdown).toContain('| Command | Mean [µs] | Min [µs] | Max [µs] | Relative |\n|:---|---:|---:|---:|---:|\n| `./rowcol row 1024 20` | 12,055 ± 208 | 11,755 | 12,351 | 1.00 |');
    expect(markdown).toContain('| Command | Mean [MiB] |');
    expect(renderCompareMarkdown(rowColDocument(), { timeUnit: 'second' })).toContain('| `./rowcol row 1024 20` | 0.012 ± 0.000 | 0.012 | 0.012 | 1.00 |');
  });

  it('writes a hyperfine-style table per metric in human units with a Relative column', () => {
    expect(renderCompareMarkdown(rowColDocument())).toMatchInlineSnapshot(`
      "10 interleaved runs of each alternative after 1 warm-up round(s), backend perf, on box (Test CPU, kernel 6.1.0, node v20.19.0). Relative: the ratio to the first alternative (of geometric means where every value is positive, as the tests take them), ± half its confidence interval, or the interval itself (low–high) where it is lopsided around the ratio or a significant ratio’s ± would read as reaching 1: 95% for time, wider for the other metrics after Holm’s correction; rates get no verdict, they mirror time.

      ### time

      | Command | Mean [ms] | Min [ms] | Max [ms] | Relative |
      |:---|---:|---:|---:|---:|
      | \`./rowcol row 1024 20\` | 12.1 ± 0.2 | 11.8 | 12.4 | 1.00 |
      | \`./rowcol col 1024 20\` | 27.6 ± 0.4 | 27.1 | 28.3 | 2.29 ± 0.03 |
      | noise floor | 1.1 ± 0.0 | 1.1 | 1.1 |  |

      ./rowcol col 1024 20 is 2.29× ± 0.03 slower; p < 0.001.

      ### peak RSS

      | Command | Mean [MiB] | Min [MiB] | Max [MiB] | Relative |
      |:---|---:|---:|---:|---:|
      | \`./rowcol row 1024 20\` | 9.20 ± 0.01 | 9.19 | 9.21 | 1.00 |
      | \`./rowcol col 1024 20\` | 9.20 ± 0.00 | 9.19 | 9.21 | 1.000 ± 0.001 |
      | noise floor | 1.14 ± 0.00 | 1.14 | 1.15 |  |

      ./rowcol col 1024 20 against ./rowcol row 1024 20: no significant difference (p = 0.95).

      ### page-faults

      | Command | Mean | Min | Max | Relative |
      |:---|---:|---:|---:|---:|
      | \`./rowcol row 1024 20\` | 2,116 ± 4 | 2,109 | 2,121 | 1.00 |
      | \`./rowcol col 1024 20\` | 3,174 ± 8 | 3,156 | 3,184 | 1.500 ± 0.004 |
      | noise floor | 49 ± 0 | 49 | 49 |  |

      ./rowcol col 1024 20 has 1.500× ± 0.004 more page-faults; p < 0.001.

      ### cycles

      | Command | Mean [millions] | Min [millions] | Max [millions] | Relative |
      |:---|---:|---:|---:|---:|
      | \`./rowcol row 1024 20\` | 41.0 ± 0.0 | 41.0 | 41.0 | 1.00 |
      | \`./rowcol col 1024 20\` | 41.0 ± 0.0 | 41.0 | 41.0 | 1.0000 ± 0.0001 |
      | noise floor | 41.0 ± 0.0 | 41.0 | 41.0 |  |

      ./rowcol col 1024 20 against ./rowcol row 1024 20: no significant difference (p = 0.85).

      ### page-faults per s

      | Command | Mean [thousands/s] | Min [thousands/s] | Max [thousands/s] | Relative |
      |:---|---:|---:|---:|---:|
      | \`./rowcol row 1024 20\` | 175 ± 0 | 175 | 175 | 1.00 |
      | \`./rowcol col 1024 20\` | 114 ± 0 | 114 | 114 | 0.65 |
      | noise floor | 45 ± 0 | 45 | 45 |  |

      ### user CPU

      | Command | Mean [ms] | Min [ms] | Max [ms] | Relative |
      |:---|---:|---:|---:|---:|
      | \`./rowcol row 1024 20\` | 10.9 ± 0.2 | 10.7 | 11.3 | 1.00 |
      | \`./rowcol col 1024 20\` | 25.2 ± 0.6 | 24.2 | 26.3 | 2.31 ± 0.06 |
      | noise floor | 1.0 ± 0.0 | 0.9 | 1.0 |  |

      ./rowcol col 1024 20 has 2.31× ± 0.06 more user CPU time; p < 0.001.
      "
    `);
  });
});

// A QA pass: under --backend cachegrind the exports' time tables held valgrind's runs, 20-100×
// the program's, with only `backend cachegrind` above them; the text and the page said whose time it is.
describe('the exports of a cachegrind comparison', () => {
  it("say the time is valgrind's, not the program's, as the text report does", () => {
    const perf = rowColDocument();
    const cachegrind = { ...perf, settings: { ...perf.settings, backend: 'cachegrind' as const } };
    const said = "backend cachegrind (simulated counters; each run under valgrind: its time is valgrind's, not the program's), on box";
    for (const render of [renderCompareMarkdown, renderCompareAsciidoc, renderCompareOrgmode]) {
      expect(render(cachegrind)).toContain(said);
      expect(render(perf)).toContain('backend perf, on box');
    }
  });
});

describe('displayScale', () => {
  it('picks ms, MiB, thousands and millions from the smallest mean', () => {
    expect(displayScale('s', 0.0121)).toEqual({ label: 'ms', divisor: 1e-3 });
    expect(displayScale('s', 2.5)).toEqual({ label: 's', divisor: 1 });
    expect(displayScale('bytes', 9_650_176)).toEqual({ label: 'MiB', divisor: 1024 ** 2 });
    expect(displayScale('count', 2114)).toEqual({ label: '', divisor: 1 });
    expect(displayScale('per-s', 2114)).toEqual({ label: 'per s', divisor: 1 });
    expect(displayScale('count', 41_000_000)).toEqual({ label: 'millions', divisor: 1e6 });
    expect(displayScale('count', 52_000)).toEqual({ label: 'thousands', divisor: 1e3 });
    expect(displayScale('per-s', 174_711)).toEqual({ label: 'thousands/s', divisor: 1e3 });
    expect(displayScale('ratio', 0.5)).toEqual({ label: '', divisor: 1 });
    // perf's clock events are in msec: shown as a time; their ms per second as CPUs
    expect(displayScale('ms', 1.84)).toEqual({ label: 'ms', divisor: 1 });
    expect(displayScale('ms', 0.742)).toEqual({ label: 'µs', divisor: 1e-3 });
    expect(displayScale('ms', 2500)).toEqual({ label: 's', divisor: 1000 });
    expect(displayScale('ms-per-s', 867)).toEqual({ label: 'CPUs', divisor: 1000 });
  });
});

describe('renderCompareMarkdown: the noise floor row', () => {
  // A QA pass: compare cmp.ts --cells rows cols printed the empty cell's floor as 5.20 µs ± 2.49 µs,
  // and --export-markdown, in the alternatives' ms at one decimal, as "0.0 ± 0.0 | 0.0 | 0.0"
  it('writes a floor far below the alternatives with digits of its own, not as 0', () => {
    const times = (values: readonly number[]) => values.map((durationS) => ({ durationS }));
    const document = documentOfRuns(times([0.028, 0.026, 0.031, 0.027]), times([0.052, 0.049, 0.055, 0.051]), times([5.2e-6, 2.1e-6, 8.9e-6, 4.6e-6]));
    const lines = renderCompareMarkdown(document).split('\n');
    expect(lines.find((line) => line.startsWith('| `a`'))).toBe('| `a` | 28.0 ± 2.2 | 26.0 | 31.0 | 1.00 |');
    expect(lines.find((line) => line.startsWith('| noise floor'))).toBe('| noise floor | 0.0052 ± 0.0028 | 0.0021 | 0.0089 |  |');
  });
});

describe('renderCompareMarkdown: a column of zeros', () => {
  // A QA pass: compare -- true 'sleep 0.001' headed its system CPU, 0 in every run of both, [ns],
  // the smallest step there is, and read the noise floor's 80 µs as "80,400.00 ± 179,779.87"
  it('is headed by its kind’s own unit, seconds for a time, not by the smallest step', () => {
    const runs = (systemCpuS: readonly number[]) => systemCpuS.map((cpu, index) => ({ durationS: 0.001 * (1 + index / 10), systemCpuS: cpu }));
    const document = documentOfRuns(runs([0, 0, 0, 0]), runs([0, 0, 0, 0]), runs([0, 0.000402, 0, 0]));
    const section = renderCompareMarkdown(document).split('### system CPU')[1]!;
    expect(section).toContain('| Command | Mean [s] | Min [s] | Max [s] | Relative |');
    expect(section).toContain('| `a` | 0.00 ± 0.00 | 0.00 | 0.00 | 1.00 |');
    expect(section).toContain('| noise floor | 0.00010 ± 0.00020 | 0.00000 | 0.00040 |  |');
  });

  it('is in the unprefixed unit of each kind', () => {
    expect(displayScale('s', 0)).toEqual({ label: 's', divisor: 1 });
    expect(displayScale('ms', 0)).toEqual({ label: 's', divisor: 1000 });
    expect(displayScale('ns', 0)).toEqual({ label: 's', divisor: 1e9 });
    expect(displayScale('ns-per-s', 0)).toEqual({ label: 's/s', divisor: 1e9 });
    expect(displayScale('bytes', 0)).toEqual({ label: 'B', divisor: 1 });
    expect(displayScale('count', 0)).toEqual({ label: '', divisor: 1 });
    expect(displayScale('per-s', 0)).toEqual({ label: 'per s', divisor: 1 });
  });
});

describe('renderCompareMarkdown: the Relative column', () => {
  it('gives a lopsided interval as low–high, not as a ± that runs below its low end', () => {
    // wide log-normal-ish spread: the log-scale interval is far from symmetric once exponentiated
    const durations = (scale: number) => [1, 3, 0.4, 2.2, 0.7].map((factor) => ({ durationS: 0.01 * scale * factor }));
    const document = documentOfRuns(durations(1), durations(4));
    const { ratio } = document.results[0]!.comparisons[0]!;
    const { low, high } = ratio.interval!;
    // the case at hand: r ± h would put the low end off by more than 10% of h
    expect(Math.abs(ratio.ratio! - (high - low) / 2 - low)).toBeGreaterThan(0.1 * ((high - low) / 2));
    const row = renderCompareMarkdown(document)
      .split('\n')
      .find((line) => line.startsWith('| `b`'))!;
    expect(row.endsWith(`| ${ratio.ratio!.toFixed(2)} (${low.toPrecision(3)}–${high.toPrecision(3)}) |`)).toBe(true);
    expect(row.split(' | ').at(-1)).not.toContain('±');
  });

  // A QA pass: `compare -r 4 -- "sleep 0.005" "sleep 0.0052"` recorded these times (s) and said
  // "is 1.02× ± 0.02 slower; p = 0.046" and "1.03× ± 0.03 slower; p = 0.028", and the Relative
  // column "1.02 ± 0.02" and "1.03 ± 0.03": each printed ± reached back to 1.00, which the
  // intervals (1.0005–1.038, 1.0051–1.057) do not
  it('gives a significant ratio a ± that, printed, stays clear of 1, with a digit more or else its interval', () => {
    const times = (values: readonly number[]) => values.map((durationS) => ({ durationS }));
    const first = documentOfRuns(times([0.005767762, 0.005739168, 0.005756682, 0.005618032]), times([0.005849826, 0.00583589, 0.00585209, 0.005775046]));
    const second = documentOfRuns(times([0.005775006, 0.005645914, 0.005580121, 0.005568108]), times([0.00582501, 0.005877578, 0.005770157, 0.005784734]));
    const relative = (document: typeof first) => renderCompareMarkdown(document).split('\n').find((line) => line.startsWith('| `b`'))!.split(' | ').at(-1);
    expect(first.results[0]!.comparisons[0]!.verdict).toBe('b is 1.02× (95% CI 1.0005–1.04) slower; p = 0.046');
    expect(relative(first)).toBe('1.02 (1.0005–1.04) |');
    expect(second.results[0]!.comparisons[0]!.verdict).toBe('b is 1.031× ± 0.026 slower; p = 0.028');
    expect(relative(second)).toBe('1.031 ± 0.026 |');
  });

  // A QA pass (a simulation of compare's figures): times 0.12% apart, significant (p = 0.006),
  // printed their ratio 1.0012 as "1.00 (1.0004–1.002)", a ratio below its own interval's low end,
  // the figure the ratio line had been mended of ('1.00× (95% CI 1.004–1.01)')
  it('gives a ratio beside an interval clear of 1 the digits that keep it from reading 1.00', () => {
    const times = (scale: number) => [1, 1.001, 0.999, 1.0005, 0.9995, 1, 1.0008, 0.9992].map((value) => ({ durationS: value * scale }));
    const document = documentOfRuns(times(1), times(1.0012));
    const { ratio, isSignificant } = document.results[0]!.comparisons[0]!;
    expect(isSignificant).toBe(true);
    expect(ratio.interval!.low).toBeGreaterThan(1);
    const relative = renderCompareMarkdown(document).split('\n').find((line) => line.startsWith('| `b`'))!.split(' | ').at(-1);
    expect(relative).toBe('1.001 (1.0004–1.002) |');
  });

  // A QA pass: `compare --backend cachegrind -- "./stride 1 8" "./stride 64 8"` (a program that
  // touches one byte every 1 or 64 bytes of 8 MiB) counted 526,011 and 526,007 D1 misses in every
  // run, a ratio 0.99999240 with an interval of no width, significant; the Relative column of the
  // markdown, AsciiDoc and Org tables read "0.9999923955962898 (0.99999–0.99999)", to the 16
  // decimals that printed the ratio inside its interval's exact ends, where --verbose reads
  // "0.99999× (99.55% CI 0.99999–0.99999)"
  it('gives a ratio beside an interval of no width the digits of its printed ends, not 16 decimals', () => {
    const misses = (count: number) => [0.74, 0.88, 0.55].map((durationS) => ({ durationS, 'cache-misses': count }));
    const document = documentOfRuns(misses(526011), misses(526007));
    const comparison = document.results.find((result) => result.metric.key === 'cache-misses')!.comparisons[0]!;
    expect(comparison.isSignificant).toBe(true);
    expect(comparison.ratio.interval!.halfWidth).toBe(0);
    const section = renderCompareMarkdown(document).split('### cache-misses')[1]!;
    expect(section.split('\n').find((line) => line.startsWith('| `b`'))!.split(' | ').at(-1)).toBe('0.99999 (0.99999–0.99999) |');
  });

  // A QA pass: `compare -r 5 -- 'sleep 0.2' true` recorded these times (s); true's Relative read
  // "0.00 (0.000838–0.0108)" for a ratio 0.00301, and "0.002 ± 0.000" for 0.00193 within 0.00165–0.00225
  // (scipy: exp of the difference of log means ± t(0.975, Welch df)·se gives the same ratios and ends)
  it('gives a ratio far below 1 the digits that keep it inside its interval, and its ± above 0', () => {
    const times = (values: readonly number[]) => values.map((durationS) => ({ durationS }));
    const lopsided = documentOfRuns(times([0.200717083, 0.208842201, 0.201307709, 0.200706794, 0.20071527]), times([0.000424796, 0.00382817, 0.000385001, 0.000330268, 0.000408996]));
    const narrow = documentOfRuns(times([0.200747971, 0.200668762, 0.200678881, 0.20067831, 0.200702055]), times([0.000454891, 0.00032549, 0.000382146, 0.000367588, 0.000415749]));
    const relative = (document: typeof lopsided) => renderCompareMarkdown(document).split('\n').find((line) => line.startsWith('| `b`'))!.split(' | ').at(-1);
    expect(lopsided.results[0]!.comparisons[0]!.ratio.ratio).toBeCloseTo(0.003014135, 8);
    expect(relative(lopsided)).toBe('0.0030 (0.000838–0.0108) |');
    expect(narrow.results[0]!.comparisons[0]!.ratio.interval!.halfWidth).toBeCloseTo(0.000303929, 8);
    expect(relative(narrow)).toBe('0.0019 ± 0.0003 |');
  });

  // A QA pass saw a ratio of 0.0053 beside its interval 0.00197–0.0142 read "0.01": two decimals put
  // it inside the interval, and 88% off the ratio. It gets two significant digits, as its ± form does.
  it('gives a ratio far below 1 beside its interval two significant digits, not the two decimals that round it away', () => {
    const times = (values: readonly number[]) => values.map((durationS) => ({ durationS }));
    const document = documentOfRuns(times([0.2, 0.2008, 0.2001, 0.2003, 0.2]), times([0.0005, 0.004, 0.0004, 0.0016, 0.0009]));
    const ratio = document.results[0]!.comparisons[0]!.ratio;
    const line = renderCompareMarkdown(document).split('\n').find((text) => text.startsWith('| `b`'))!.split(' | ').at(-1)!;
    const [printed, low, high] = line.match(/^([\d.]+) \(([\d.]+)–([\d.]+)\) \|$/)!.slice(1).map(Number);
    expect(Math.abs(printed! - ratio.ratio!) / ratio.ratio!).toBeLessThan(0.05);
    expect(printed).toBeGreaterThanOrEqual(low!);
    expect(printed).toBeLessThanOrEqual(high!);
    expect(line).toBe(`${ratio.ratio!.toFixed(4)} (${low}–${high}) |`);
  });

  // A review of 19f15ed: the ratio line left out the point ratio where A's mean is not clear of 0,
  // as the verdict does, and the Relative column still printed it: '125.00' above 'no factor', and
  // '10.00' above 'at least 3.07×' (markdown, asciidoc and orgmode share the column)
  it("leaves out the point ratio the verdict leaves out, where the first's mean is not clear of 0", () => {
    const switches = (values: readonly number[]) => values.map((value, index) => ({ durationS: 0.01 + (index % 3) * 1e-4, 'context-switches': value }));
    const relative = (document: ReturnType<typeof documentOfRuns>) => {
      const section = renderCompareMarkdown(document).split('### context-switches')[1]!;
      return section.split('\n').find((line) => line.startsWith('| `b`'))!.split(' | ').at(-1);
    };
    const noFactor = documentOfRuns(switches([-1000, 1000, 0, 500, -300]), switches([5000, 5100, 4900, 5000, 5000]));
    expect(noFactor.results[1]!.comparisons[0]!.verdict).toBe("b has more context-switches than a (a's mean context-switches is not clear of 0: no factor); p < 0.001");
    expect(relative(noFactor)).toBe('– |');
    const atLeast = documentOfRuns(switches([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), switches([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
    expect(atLeast.results[1]!.comparisons[0]!.verdict).toBe("b has at least 3.07× more context-switches (95% CI 3.07–∞: a's mean context-switches is not clear of 0); p < 0.001");
    expect(relative(atLeast)).toBe('– |');
  });

  it('gives the first no 1.00 where it has no mean (no run of it gave a value)', () => {
    const runs = (switches: number | undefined) => [0, 1, 2, 3, 4].map((index) => ({ durationS: 0.01 + index * 1e-4, ...(switches === undefined ? {} : { 'context-switches': switches + index }) }));
    const document = documentOfRuns(runs(undefined), runs(5));
    const section = renderCompareMarkdown(document).split('### context-switches')[1]!;
    expect(section.split('\n').find((line) => line.startsWith('| `a`'))).toMatch(/\| – \|$/);
  });
});
