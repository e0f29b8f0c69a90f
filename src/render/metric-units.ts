import type { MetricUnit } from '../experiment/metrics.ts';
import { formatCount, formatSeconds } from './units.ts';

/** Time units, largest first, by their size in seconds. */
export const TIME_STEPS: readonly [number, string][] = [
  [1, 's'],
  [1e-3, 'ms'],
  [1e-6, 'µs'],
  [1e-9, 'ns'],
];
/** Byte units, largest first, by their size in bytes. */
export const BYTE_STEPS: readonly [number, string][] = [
  [1024 ** 3, 'GiB'],
  [1024 ** 2, 'MiB'],
  [1024, 'KiB'],
  [1, 'B'],
];

// Every MetricUnit once: a unit added to the type does not compile until it is listed here.
const METRIC_UNITS: Readonly<Record<MetricUnit, true>> = { s: true, ms: true, ns: true, bytes: true, count: true, 'per-s': true, 'ms-per-s': true, 'ns-per-s': true, ratio: true };

/** Whether a unit's text names one of the experiment's units, which displayScale and formatMetricValue scale for people. */
export function isMetricUnit(unit: string): unit is MetricUnit {
  return Object.hasOwn(METRIC_UNITS, unit);
}

/** A column's unit for people and what a value is divided by to be in it. */
export interface DisplayScale {
  /** 'ms', 'MiB', 'thousands', 'millions/s'; '' for plain numbers. */
  readonly label: string;
  readonly divisor: number;
}

// Thousands from 10,000 on: 2,114 reads better whole than as 2.11 thousands.
const COUNT_SCALES: readonly [number, string, number][] = [
  [1e9, 'billions', 1e9],
  [1e6, 'millions', 1e6],
  [1e4, 'thousands', 1e3],
  [1, '', 1],
];

/**
 * The unit a metric's column is shown in, picked from its smallest mean so that every row reads in
 * the same unit: seconds → ms, bytes → MiB, counts → thousands (from 10,000) or millions, a
 * clock's ms per second → CPUs, perf's ns → ms (or the step of their size), ns per second → ms/s.
 * A column of zeros is in its kind's unit, unprefixed.
 * @example displayScale('s', 0.0121) // { label: 'ms', divisor: 0.001 }
 * @example displayScale('s', 0) // { label: 's', divisor: 1 }
 */
export function displayScale(unit: MetricUnit, reference: number): DisplayScale {
  const magnitude = Math.abs(reference);
  // a column of zeros (system CPU of short programs) has no size to pick a step by: its kind's own
  // unit, as formatMetricValue writes a 0 ('0 s'), where the steps' last had headed it [ns] and
  // its noise floor's 80 µs read '80,400.00 ± 179,779.87'
  if (magnitude === 0) return unscaled(unit);
  const pick = (steps: readonly (readonly [number, string, number?])[], suffix = ''): DisplayScale => {
    const [from, label, divisor = from] = steps.find(([size]) => magnitude >= size) ?? steps[steps.length - 1]!;
    return { label: label === '' ? suffix.replace(/^\//, 'per ') : `${label}${suffix}`, divisor };
  };
  switch (unit) {
    case 's':
      return pick(TIME_STEPS);
    case 'ms': {
      // a time in milliseconds: the step of its size in seconds
      const [size, label] = TIME_STEPS.find(([step]) => magnitude / 1000 >= step) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
      return { label, divisor: size * 1000 };
    }
    case 'ns':
    case 'ns-per-s': {
      // a time in nanoseconds (perf's duration_time, user_time): the step of its size in seconds
      const [size, label] = TIME_STEPS.find(([step]) => magnitude / 1e9 >= step) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
      return { label: unit === 'ns' ? label : `${label}/s`, divisor: size * 1e9 };
    }
    case 'ms-per-s':
      return { label: 'CPUs', divisor: 1000 };
    case 'bytes':
      return pick(BYTE_STEPS);
    case 'count':
      return pick(COUNT_SCALES);
    case 'per-s':
      return pick(COUNT_SCALES, '/s');
    case 'ratio':
      return { label: '', divisor: 1 };
  }
}

/** A unit's column without a prefix: seconds for every time, bytes, plain counts. */
function unscaled(unit: MetricUnit): DisplayScale {
  switch (unit) {
    case 's':
      return { label: 's', divisor: 1 };
    case 'ms':
      return { label: 's', divisor: 1000 };
    case 'ns':
      return { label: 's', divisor: 1e9 };
    case 'ns-per-s':
      return { label: 's/s', divisor: 1e9 };
    case 'ms-per-s':
      return { label: 'CPUs', divisor: 1000 };
    case 'bytes':
      return { label: 'B', divisor: 1 };
    case 'count':
    case 'ratio':
      return { label: '', divisor: 1 };
    case 'per-s':
      return { label: 'per s', divisor: 1 };
  }
}

function threeDigits(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return value.toFixed(magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3);
}

function scaled(value: number, steps: readonly [number, string][], scale = Math.abs(value)): string {
  const step = steps.find(([size]) => scale >= size) ?? steps[steps.length - 1]!;
  return `${threeDigits(value / step[0])} ${step[1]}`;
}

/**
 * A metric value for people, auto-scaled: 12.1 ms, 9.20 MiB, 1,181,432, 174,545/s, 0.552, a
 * clock's ms per second as the CPUs it kept busy, 0.867 CPUs, and perf's ns (duration_time) as time,
 * 31.0 ms, their rate as time per second, 955 ms/s.
 * `scaleOf` picks the unit from another value, so a σ prints in its mean's unit.
 * @example formatMetricValue(0.0121, 's') // '12.1 ms'
 */
export function formatMetricValue(value: number | null, unit: MetricUnit, scaleOf: number | null = value): string {
  if (value === null) return '-';
  const scale = Math.abs(scaleOf ?? value);
  switch (unit) {
    case 's':
      return scaled(value, TIME_STEPS, scale === 0 ? 1 : scale);
    case 'ms':
      return scaled(value / 1000, TIME_STEPS, scale === 0 ? 1 : scale / 1000);
    case 'ns':
      return scaled(value / 1e9, TIME_STEPS, scale === 0 ? 1 : scale / 1e9);
    case 'bytes':
      return scaled(value, BYTE_STEPS, scale === 0 ? 1 : scale);
    case 'count':
      return formatCount(value);
    case 'per-s':
      return `${formatCount(value)}/s`;
    case 'ms-per-s':
      return `${threeDigits(value / 1000)} CPUs`;
    case 'ns-per-s':
      // a time per second of time: user_time's CPU seconds, duration_time's wall seconds, per second
      return `${scaled(value / 1e9, TIME_STEPS, scale === 0 ? 1 : scale / 1e9)}/s`;
    case 'ratio':
      return value === 0 ? '0' : Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
  }
}

/**
 * A perf event's amount with perf's unit, as the text reports print it: nanoseconds (perf's tool
 * events duration_time, user_time and system_time) as a time, as compare shows them; any other
 * unit as perf gives it, after the number `format` writes.
 * @example perfAmountText(256_239_648, 'ns', formatCount) // '256 ms'
 * @example perfAmountText(2.04, 'msec', formatCount) // '2.04 msec'
 */
export function perfAmountText(value: number | null, unit: string, format: (value: number | null) => string): string {
  return unit === 'ns' && value !== null ? formatMetricValue(value, 'ns') : `${format(value)}${unit === '' ? '' : ` ${unit}`}`;
}

/**
 * A perf event's rate per second: for nanoseconds a time per second, e.g. `1.01 s/s` (duration_time
 * over one second of wall time), else perf's unit per second.
 * @example perfRateText(1_014_514_590, 'ns', formatCount) // '1.01 s/s'
 */
export function perfRateText(value: number, unit: string, format: (value: number) => string): string {
  return unit === 'ns' ? formatMetricValue(value, 'ns-per-s') : `${format(value)}${unit === '' ? '' : ` ${unit}`}/s`;
}

/**
 * The shortest counted span whose rate per second is shown: over a few µs (a REPL line, an empty
 * cell) the switch's own microseconds and a burst of one of Node's other threads move a rate by
 * orders of magnitude (a `void 0` read 129,765 msec/s). The total is shown; the JSON keeps the rate.
 */
export const MIN_RATE_SPAN_S = 0.001;

/** The event's rate per second where it is worth showing, else null. */
export function shownRate(event: { readonly perSecond: number | null; readonly countedSeconds?: number | null }): number | null {
  return event.countedSeconds != null && event.countedSeconds < MIN_RATE_SPAN_S ? null : event.perSecond;
}

/**
 * A report's time (its headline, its CPU): 0.005s, 0.42s, 12.3s as units.formatSeconds writes
 * them, and under a millisecond as the summary tables do, 2.74 µs (an empty cell's had read
 * "0.000s", and its CPU "0.02ms", beside "2.74 µs" in the table).
 */
export function formatDurationS(seconds: number): string {
  // 0.0009995 s and up round to 1000 µs: 0.001s
  return seconds > 0 && seconds < 0.0009995 ? formatMetricValue(seconds, 's') : formatSeconds(seconds);
}
