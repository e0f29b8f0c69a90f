import { isDecimalPointCode, parsePlainNumber } from './number.ts';

/** Helpers shared by the three line readers. */

/** What one line turned out to be. Only `record` carries data; `unreadable` is counted as skipped. */
export type LineKind =
  | 'blank'
  | 'record'
  /** human: a metric line under a counter row (may carry that row's running percentage) */
  | 'continuation'
  /** a metricgroup row (`TopdownL1 ...`), CSV metric-only row, JSON object without a count */
  | 'metric'
  /** headers, footers (`seconds time elapsed`), perf's hints, foreign text */
  | 'comment'
  /** looked like data but could not be read */
  | 'unreadable';

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

const QUOTE_MARKERS = /^[ \t]*(?:>[ \t]?)+/;

/**
 * Removes what is not perf's: a trailing CR, a byte-order mark, colour escapes (a captured
 * terminal), `^C`, which the terminal echoes into perf's next line after SIGINT, and the `> `
 * markers of a quoted mail (perf never starts a line with `>`).
 */
export function cleanLine(line: string): string {
  let text = line;
  if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.indexOf('\x1b') !== -1) text = text.replace(ANSI, '');
  if (text.indexOf('^') !== -1 && text.indexOf('^C') !== -1) text = text.split('^C').join('');
  if (text.charCodeAt(skipBlanks(text, 0)) === 62) text = text.replace(QUOTE_MARKERS, '');
  return text;
}

/** Index of the first character that is not a space or tab, or the length. */
export function skipBlanks(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code !== 32 && code !== 9) break;
    i++;
  }
  return i;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * The running percentage at the end of a human line: `(63.33%)`, `(64)`, perf 3.x `[69.13%]`,
 * perf 2.6 `(scaled from 66.46%)`. Returns NaN when the line does not end with one, and sets
 * `noise` when it ends with the `( +-  1.24% )` of `-r` instead.
 */
export function readRunningPct(text: string, tail: { noise: boolean }): number {
  let end = text.length;
  while (end > 0) {
    const code = text.charCodeAt(end - 1);
    if (code !== 32 && code !== 9) break;
    end--;
  }
  const close = text.charCodeAt(end - 1);
  if (close !== 41 && close !== 93) return Number.NaN;
  const open = text.lastIndexOf(close === 41 ? '(' : '[', end - 2);
  if (open === -1) return Number.NaN;
  let i = skipBlanks(text, open + 1);
  if (text.startsWith('+-', i)) {
    tail.noise = true;
    return Number.NaN;
  }
  if (text.startsWith('scaled from ', i)) i += 12;
  const numberStart = i;
  while (i < end && (isDigit(text.charCodeAt(i)) || isDecimalPointCode(text.charCodeAt(i)))) i++;
  if (i === numberStart) return Number.NaN;
  const numberEnd = i;
  i = skipBlanks(text, i);
  if (text.charCodeAt(i) === 37) i = skipBlanks(text, i + 1);
  if (i !== end - 1) return Number.NaN;
  return parsePlainNumber(text.slice(numberStart, numberEnd));
}
