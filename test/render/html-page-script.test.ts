import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { ChartSpec } from '../../src/render/html-data.ts';
import { CHART_SCRIPT } from '../../src/render/html-page-script.ts';

type Format = (u: null, ...args: unknown[]) => unknown;
interface ChartOptions {
  readonly axes: readonly { readonly values?: Format }[];
  readonly series: readonly { readonly value?: Format }[];
}

/** The options the page script hands uPlot for each chart, the script run as the page runs it, over a stand-in DOM and uPlot. */
function chartOptions(specs: readonly ChartSpec[]): ChartOptions[] {
  const made: ChartOptions[] = [];
  const element = (text: string) => ({ textContent: text, clientWidth: 560 });
  runInNewContext(CHART_SCRIPT, {
    document: {
      documentElement: { setAttribute: () => {} },
      getElementById: (id: string) => element(id === 'perfcell-charts' ? JSON.stringify(specs) : ''),
      querySelectorAll: () => [],
    },
    window: { devicePixelRatio: 1 },
    setTimeout: () => {},
    uPlot: function uPlot(options: ChartOptions) {
      made.push(options);
    },
  });
  return made;
}

// uPlot writes its ticks and hovered values with Intl's default of 3 decimals at most: a miss
// ratio's axis from 0 to 0.0034 read 0, 0.001, 0.001, 0.002 …, and a hovered 0.0004 read 0.
describe('the page script: numbers on the charts', () => {
  const spread: ChartSpec = {
    type: 'spread', title: 'miss ratio', yLabel: '', names: ['a', 'b'], runs: [[0.0031, 0.0032], [0.0033, 0.0034]],
    spread: [{ mean: 0.00315, stdDev: 0.00007, min: 0.0031, max: 0.0032 }, { mean: 0.00335, stdDev: 0.00007, min: 0.0033, max: 0.0034 }],
  };
  const line: ChartSpec = { type: 'line', title: 'task-clock', xLabel: 's', yLabel: 'msec', x: [0.1, 0.2], series: [{ label: 'task-clock', values: [0.000412, 1_234_567] }] };

  it('gives each tick the decimals of the step between ticks', () => {
    const [spreadChart, lineChart] = chartOptions([spread, line]);
    expect(spreadChart?.axes[1]?.values?.(null, [0, 0.0005, 0.001, 0.0015], 1, 50, 0.0005)).toEqual(['0', '0.0005', '0.001', '0.0015']);
    expect(lineChart?.axes[1]?.values?.(null, [0, 250_000, 500_000], 1, 50, 250_000)).toEqual(['0', '250,000', '500,000']);
    expect(lineChart?.axes[0]?.values?.(null, [0.1, 0.125, 0.15], 0, 50, 0.025)).toEqual(['0.1', '0.125', '0.15']);
  });

  it('gives a hovered value three significant digits at least', () => {
    const value = chartOptions([line])[0]?.series[1]?.value;
    expect([0.000412, 0.0000012345, 1.20703125, 1_234_567, 0].map((number) => value?.(null, number, 1, 0))).toEqual(['0.000412', '0.00000123', '1.207', '1,234,567', '0']);
  });
});
