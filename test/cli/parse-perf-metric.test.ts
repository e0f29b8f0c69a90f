import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
// the bin the global setup built (npm run build: its tsc too)
const bin = cliPath;

interface Metric {
  readonly value: number;
  readonly unit: string;
}

async function parse(args: readonly string[]): Promise<string> {
  const result = await execa(process.execPath, [bin, 'parse', ...args], { cwd: root, reject: false, timeout: 30_000, env: { NO_COLOR: '1' } });
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return result.stdout;
}

/** Each event's perfMetric in parse --summary's NDJSON and --json, which must agree. */
async function summaryMetrics(capture: string): Promise<Map<string, Metric | undefined>> {
  const path = `samples/perf/${capture}`;
  const lines = (await parse(['--summary', path])).trimEnd().split('\n').slice(1).map((line) => JSON.parse(line) as { event: string; perfMetric?: Metric });
  const document = JSON.parse(await parse(['--summary', '--json', path])) as { events: { event: string; perfMetric?: Metric }[] };
  expect(document.events.map((event) => [event.event, event.perfMetric])).toEqual(lines.map((event) => [event.event, event.perfMetric]));
  return new Map(lines.map((event) => [event.event, event.perfMetric]));
}

/**
 * The README's window value, Σ count / Σ (count / metric), from a `-x,` capture's own columns
 * (`[time,]count,unit,event,runtime,pct,metric,metric-unit`): a K/M/G rate folded into /sec.
 */
function windowMetricsFromCsv(capture: string): Map<string, Metric> {
  const sums = new Map<string, { counts: number; denominator: number; unit: string }>();
  for (const line of readFileSync(`${root}samples/perf/${capture}`, 'utf8').split('\n')) {
    const fields = line.trim().split(',');
    if (/^\d+\.\d{9}$/.test(fields[0] ?? '')) fields.shift();
    const [count, , event, , , metric, printedUnit] = fields;
    if (event === undefined || metric === undefined || metric === '' || printedUnit === undefined) continue;
    const prefix = /^([KMG])\/sec$/.exec(printedUnit)?.[1];
    const value = Number(metric) * (prefix === undefined ? 1 : { K: 1e3, M: 1e6, G: 1e9 }[prefix]!);
    if (!(Number(count) > 0) || !(value > 0)) continue;
    const sum = sums.get(event) ?? { counts: 0, denominator: 0, unit: prefix === undefined ? printedUnit : '/sec' };
    sum.counts += Number(count);
    sum.denominator += Number(count) / value;
    sums.set(event, sum);
  }
  return new Map([...sums].map(([event, sum]) => [event, { value: sum.counts / sum.denominator, unit: sum.unit }]));
}

/** The same from a `-j` capture's `metric-value` and `metric-unit` (perf 6.1: one valid object a line). */
function windowMetricsFromJson(capture: string): Map<string, Metric> {
  const sums = new Map<string, { counts: number; denominator: number; unit: string }>();
  for (const line of readFileSync(`${root}samples/perf/${capture}`, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const row = JSON.parse(line) as { event: string; 'counter-value': string; 'metric-value': number; 'metric-unit': string };
    const count = Number(row['counter-value']);
    const prefix = /^([KMG])\/sec$/.exec(row['metric-unit'])?.[1];
    const value = row['metric-value'] * (prefix === undefined ? 1 : { K: 1e3, M: 1e6, G: 1e9 }[prefix]!);
    if (!(count > 0) || !(value > 0)) continue;
    const sum = sums.get(row.event) ?? { counts: 0, denominator: 0, unit: prefix === undefined ? row['metric-unit'] : '/sec' };
    sum.counts += count;
    sum.denominator += count / value;
    sums.set(row.event, sum);
  }
  return new Map([...sums].map(([event, sum]) => [event, { value: sum.counts / sum.denominator, unit: sum.unit }]));
}

function expectMetricsClose(actual: Map<string, Metric | undefined>, expected: Map<string, Metric>): void {
  expect(expected.size).toBeGreaterThan(0);
  for (const [event, metric] of expected) {
    const got = actual.get(event);
    expect(got?.unit, event).toBe(metric.unit);
    expect(got?.value, event).toBeCloseTo(metric.value, 6);
  }
}

describe("perfcell parse --summary keeps perf's metric column as perfMetric", () => {
  it('on a -x, capture without intervals (gh-loop-unroll-multiplexed: 1.70,insn per cycle)', async () => {
    const capture = 'gh-loop-unroll-multiplexed.csv.txt';
    const metrics = await summaryMetrics(capture);
    expect(metrics.get('instructions')).toEqual({ value: 1.7, unit: 'insn per cycle' });
    expect(metrics.get('branch-misses')).toEqual({ value: 0.28, unit: 'of all branches' });
    expect(metrics.get('cycles')).toEqual({ value: 3.666, unit: 'GHz' });
    expectMetricsClose(metrics, windowMetricsFromCsv(capture));
  });

  it('a K/sec rate in /sec as perf printed it, without binary floating point\'s tail (lkml-2023-kanliang-spr-default-topdown: 32.322,K/sec)', async () => {
    // a review: 32322.000000000004 (32.322 × 1000 in doubles)
    const metrics = await summaryMetrics('lkml-2023-kanliang-spr-default-topdown.csv.txt');
    expect(metrics.get('branches')).toEqual({ value: 32322, unit: '/sec' });
  });

  it('on a -x, -I capture: the window value Σ count / Σ (count / metric) of its intervals (local-perf61-vm-pid-interval-comma)', async () => {
    const capture = 'local-perf61-vm-pid-interval-comma.csv.txt';
    const metrics = await summaryMetrics(capture);
    expectMetricsClose(metrics, windowMetricsFromCsv(capture));
    // <not supported> rows print an empty metric: no perfMetric
    expect(metrics.has('cycles')).toBe(true);
    expect(metrics.get('cycles')).toBeUndefined();
  });

  it('on a -j -I capture (local-perf61-vm-pid-interval.json: "metric-value" : 0.866103, "metric-unit" : "CPUs utilized")', async () => {
    const capture = 'local-perf61-vm-pid-interval.json.txt';
    const metrics = await summaryMetrics(capture);
    expectMetricsClose(metrics, windowMetricsFromJson(capture));
    // perf prints "metric-value" : 0.000000, "metric-unit" : "" on a <not supported> row
    expect(metrics.has('cycles')).toBe(true);
    expect(metrics.get('cycles')).toBeUndefined();
  });

  it("on human captures: the row's '# metric', the '%' perf's CSV and JSON leave out cut off, in the capture's locale", async () => {
    const entropy = await summaryMetrics('gh-entropy-cache-user.human.txt');
    expect(entropy.get('cache-misses:u')).toEqual({ value: 34.159, unit: 'of all cache refs' });
    expect(entropy.get('instructions:u')).toEqual({ value: 1.03, unit: 'insn per cycle' });
    expect(entropy.get('cycles:u')).toBeUndefined();
    const german = await summaryMetrics('local-perf61-vm-totals-de_DE.human.txt');
    expect(german.get('task-clock')).toEqual({ value: 0.823, unit: 'CPUs utilized' });
    expect(german.get('page-faults')).toEqual({ value: 214_814, unit: '/sec' });
  });

  it('gives the same units for one workload saved in all three formats (lkml-2023-kanliang-spr-default-topdown)', async () => {
    const units = async (format: string): Promise<[string, string | undefined][]> =>
      [...(await summaryMetrics(`lkml-2023-kanliang-spr-default-topdown.${format}.txt`))].map(([event, metric]) => [event, metric?.unit]);
    const csv = await units('csv');
    expect(csv).toContainEqual(['branch-misses', 'of all branches']);
    expect(csv).toContainEqual(['instructions', 'insn per cycle']);
    // the human capture prints '0.88% of all branches', the % against the number
    const human = new Map(await units('human'));
    for (const [event, unit] of csv) if (human.get(event) !== undefined) expect(human.get(event), event).toBe(unit);
    expect(human.get('branch-misses')).toBe('of all branches');
    expect(new Map(await units('json')).get('instructions')).toBe('insn per cycle');
  });

  it("--csv ends each event's row with perfMetric's value and unit, empty where perf printed none (gh-loop-unroll-multiplexed)", async () => {
    const rows = (await parse(['--summary', '--csv', 'samples/perf/gh-loop-unroll-multiplexed.csv.txt'])).trimEnd().split('\n');
    expect(rows[0]?.split(',').slice(-2)).toEqual(['perfMetricValue', 'perfMetricUnit']);
    const byEvent = new Map(rows.slice(1).map((row) => [row.split(',')[0], row.split(',').slice(-2)]));
    expect(byEvent.get('instructions')).toEqual(['1.7', 'insn per cycle']);
    expect(byEvent.get('branch-misses')).toEqual(['0.28', 'of all branches']);
    // '0,,cpu-migrations,…,0.000,K/sec': a metric of a zero count says nothing about the window
    expect(byEvent.get('cpu-migrations')).toEqual(['', '']);
  });
});

