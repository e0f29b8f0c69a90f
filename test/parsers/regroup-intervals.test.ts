import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePerfStat } from '../../parsers/perf-stat.ts';
import { regroupIntervals } from '../../parsers/regroup-intervals.ts';

const sample = (name: string): string => readFileSync(new URL(`../../samples/perf/${name}`, import.meta.url), 'utf8');
const csv = (lines: string[]) => parsePerfStat(lines.join('\n'), { format: 'csv', separator: ',', metrics: true }).records;

describe('regroupIntervals (fine ticks into the asked-for interval)', () => {
  // 5 ms ticks of perf 6.1's CSV (-x , -I 5), as a shared perf prints them while enabled
  const ticks = csv([
    '     0.105000000,10,,page-faults,1000000,100.00,10.000,K/sec',
    '     0.105000000,1.00,msec,task-clock,1000000,100.00,0.200,CPUs utilized',
    '     0.110000000,<not counted>,,page-faults,0,100.00,,',
    '     0.110000000,<not counted>,msec,task-clock,0,100.00,,',
    '     0.115000000,30,,page-faults,3000000,100.00,6.000,K/sec',
    '     0.115000000,3.00,msec,task-clock,3000000,100.00,0.600,CPUs utilized',
    '     0.120000000,7,,page-faults,2000000,100.00,3.500,K/sec',
    '     0.120000000,2.00,msec,task-clock,2000000,100.00,0.400,CPUs utilized',
  ]);

  it('adds the ticks that end in each interval from the window start, stamped with the last tick', () => {
    const out = regroupIntervals(ticks, { intervalS: 0.01, fromS: 0.101, untilS: null });
    expect(out.map((record) => [record.time, record.event, record.value, record.status])).toEqual([
      [0.11, 'page-faults', 10, 'counted'],
      [0.11, 'task-clock', 1, 'counted'],
      [0.12, 'page-faults', 37, 'counted'],
      [0.12, 'task-clock', 5, 'counted'],
    ]);
  });

  it('puts the tail tick (after the window end) in the interval of the end, and keeps totals', () => {
    const out = regroupIntervals(ticks, { intervalS: 0.1, fromS: 0.101, untilS: 0.117 });
    expect(out.map((record) => [record.time, record.event, record.value])).toEqual([
      [0.12, 'page-faults', 47],
      [0.12, 'task-clock', 6],
    ]);
  });

  // a tick ending exactly on a boundary closes that interval: by 10 ms from perf's zero, 0.110 and 0.120 end two
  // (the floor of 0.110 / 0.01 is 11, the next interval's number)
  it('puts a tick that ends exactly on an interval boundary in the interval it closes', () => {
    const out = regroupIntervals(ticks, { intervalS: 0.01, fromS: 0, untilS: null });
    expect(out.filter((record) => record.event === 'page-faults').map((record) => [record.time, record.value])).toEqual([
      [0.11, 10],
      [0.12, 37],
    ]);
  });

  // the tail tick holds the window's last ms: past a boundary it is still the end's interval, not one of its own after the window
  it('puts a tail tick that ends past an interval boundary in the interval of the end', () => {
    const out = regroupIntervals(ticks.slice(0, 6), { intervalS: 0.01, fromS: 0.101, untilS: 0.11 });
    expect(out.map((record) => [record.time, record.event, record.value])).toEqual([
      [0.115, 'page-faults', 40],
      [0.115, 'task-clock', 4],
    ]);
  });

  it("keeps perf's metric as Σ count / Σ (count / metric): K/sec over the ticks that counted", () => {
    const [faults] = regroupIntervals(ticks, { intervalS: 1, fromS: 0.1, untilS: 0.12 });
    // 47 faults over 1 + 5 + 2 ms of the ticks' metric base
    expect(faults?.metricValue).toBeCloseTo(47 / (10 / 10 + 30 / 6 + 7 / 3.5), 6);
    expect(faults?.metricUnit).toBe('K/sec');
  });

  // perf 6.1 picks the prefix per row: a cell's context-switches printed 488.027 /sec, 977.828 /sec
  // and 1.079 K/sec in one window (a shared perf's 2 ms ticks, QA), and the cell's JSON read
  // perfMetric 4.30 /sec, the K row's 1.079 taken as /sec, where parse of the same rows reads 797 /sec
  it("keeps perf's metric across ticks that perf printed with different prefixes (/sec, K/sec)", () => {
    const mixed = csv([
      '     0.097401654,1,,context-switches,2049067,100.00,488.027,/sec',
      '     0.099534528,2,,context-switches,2045350,100.00,977.828,/sec',
      '     0.102624886,1,,context-switches,926966,100.00,1.079,K/sec',
      '     0.104000000,5,,context-switches,2046913,100.00,2.443,K/sec',
    ]);
    const [switches] = regroupIntervals(mixed, { intervalS: 1, fromS: 0.09, untilS: 0.11 });
    const perSecond = (switches?.metricValue ?? 0) * (switches?.metricUnit === 'K/sec' ? 1000 : 1);
    expect(['/sec', 'K/sec']).toContain(switches?.metricUnit);
    expect(perSecond).toBeCloseTo(9 / (1 / 488.027 + 2 / 977.828 + 1 / 1079 + 5 / 2443), 3);
  });

  it('a window that never counted stays not counted; an unsupported event stays unsupported', () => {
    const idle = csv([
      '     0.005000000,<not counted>,,page-faults,0,100.00,,',
      '     0.005000000,<not supported>,,cache-misses,0,100.00,,',
      '     0.010000000,<not counted>,,page-faults,0,100.00,,',
      '     0.010000000,<not supported>,,cache-misses,0,100.00,,',
    ]);
    const out = regroupIntervals(idle, { intervalS: 0.1, fromS: 0, untilS: 0.01 });
    expect(out.map((record) => [record.event, record.status, record.value])).toEqual([
      ['page-faults', 'not counted', null],
      ['cache-misses', 'not supported', null],
    ]);
  });

  it('weights multiplexed shares by count: the share perf would print for the whole interval', () => {
    const mux = csv([
      '     0.005000000,100,,cycles,500000,50.00,,',
      '     0.010000000,300,,cycles,1000000,100.00,,',
    ]);
    const [cycles] = regroupIntervals(mux, { intervalS: 0.1, fromS: 0, untilS: null });
    expect(cycles?.value).toBe(400);
    expect(cycles?.runningPct).toBeCloseTo((100 * 50 + 300 * 100) / 400, 9);
  });

  // A recorded capture with hardware rows (lkml-2020-jinyao-interval-then-summary-kbl: two 1 s
  // intervals) regrouped into one 2 s interval: counts add, stamped with perf's last timestamp.
  it('on a real hardware capture: two intervals into one', () => {
    const { records } = parsePerfStat(sample('lkml-2020-jinyao-interval-then-summary-kbl.human.txt'));
    const out = regroupIntervals(records.filter((record) => record.time !== null), { intervalS: 2.5, fromS: 0, untilS: null });
    expect(out.map((record) => [record.time, record.event, record.value])).toEqual([
      [2.001433453, 'cycles', 1_536_093 + 2_213_952],
      [2.001433453, 'instructions', 420_226 + 735_465],
    ]);
  });

  // perf 6.1 on this VM (local-perf61-vm-pid-interval-comma: six 100 ms intervals of a process):
  // task-clock's "CPUs utilized" is its msec over the interval perf was asked for (perf divides the
  // last, shorter interval by the whole 100 ms too), so over all six it is Σ msec / 600 ms, which
  // the regrouped metric must give from the rows alone; unsupported rows pass through.
  it("on a real perf 6.1 capture: one interval of all, perf's metric as if perf had printed it", () => {
    const { records } = parsePerfStat(sample('local-perf61-vm-pid-interval-comma.csv.txt'), { format: 'csv', separator: ',', metrics: true });
    const intervals = records.filter((record) => record.time !== null);
    const [clock] = regroupIntervals(intervals.filter((record) => record.event === 'task-clock'), { intervalS: 10, fromS: 0, untilS: null });
    const rows = intervals.filter((record) => record.event === 'task-clock');
    const msec = rows.reduce((total, record) => total + (record.value ?? 0), 0);
    const wallMs = rows.length * 100;
    expect(clock?.value).toBeCloseTo(msec, 9);
    expect(clock?.metricUnit).toBe('CPUs utilized');
    // each row's metric is rounded to 3 decimals by perf
    expect(Math.abs((clock?.metricValue ?? 0) - msec / wallMs)).toBeLessThan(0.01);
    const unsupported = regroupIntervals(intervals.filter((record) => record.event === 'cycles'), { intervalS: 10, fromS: 0, untilS: null });
    expect(unsupported.map((record) => record.status)).toEqual(['not supported']);
  });

  it('drops metric-only rows (a shared perf is not used with -M)', () => {
    const rows = csv(['     0.005000000,100,,cycles,500000,100.00,,', '     0.005000000,,,,,70.1,%  tma_backend_bound']);
    expect(regroupIntervals(rows, { intervalS: 0.1, fromS: 0, untilS: null }).map((record) => record.event)).toEqual(['cycles']);
  });
});

describe('regroupIntervals: ticks in which perf never ran the counter (multiplexing in turns of a tick)', () => {
  // 4 ms ticks: cycles ran all of the first and third, none of the second (run 0 of an enabled time: 0.00)
  const ticks = (missedPct: string) =>
    csv([
      '     0.004000000,4000,,cycles,4000000,100.00,,',
      `     0.008000000,<not counted>,,cycles,0,${missedPct},,`,
      '     0.012000000,4000,,cycles,4000000,100.00,,',
    ]);

  it('scales the interval\'s count from the ticks that counted to those perf never ran it in, and says the share', () => {
    const [cycles] = regroupIntervals(ticks('0.00'), { intervalS: 0.1, fromS: 0, untilS: null });
    expect(cycles?.status).toBe('counted');
    expect(cycles?.value).toBeCloseTo(12_000, 6);
    expect(cycles?.runningPct).toBeCloseTo(66.67, 2);
  });

  it('weighs each tick by its seconds, not as one of a count: a late tick is long', () => {
    // under load: a 12 ms counted tick (1,000,000/s), a 4 ms missed one, a 4 ms counted one: by
    // seconds 16 of 20 counted, 20,000 in all; counting ticks (2 of 3) had read 24,000 at 66.67%
    const late = csv([
      '     0.012000000,12000,,cycles,12000000,100.00,,',
      '     0.016000000,<not counted>,,cycles,0,0.00,,',
      '     0.020000000,4000,,cycles,4000000,100.00,,',
    ]);
    const [cycles] = regroupIntervals(late, { intervalS: 0.1, fromS: 0, untilS: null });
    expect(cycles?.value).toBeCloseTo(20_000, 6);
    expect(cycles?.runningPct).toBeCloseTo(80, 2);
  });

  it('leaves a tick with nothing enabled (100.00) as none counted', () => {
    const [cycles] = regroupIntervals(ticks('100.00'), { intervalS: 0.1, fromS: 0, untilS: null });
    expect(cycles?.value).toBe(8000);
    expect(cycles?.runningPct).toBe(100);
  });
});
