/**
 * Numbers as perf prints them. perf calls setlocale(LC_ALL, ""), so the human format groups
 * thousands with the locale's separator (`,` `.` `'` U+2019 U+00A0 U+202F U+066C) and `%f` uses
 * its decimal point (`.` `,` U+066B); CSV and JSON never group but still use the decimal point.
 */

/** What a stream taught us about its locale; resolves `1.234` (grouping or decimal) later on. */
export interface LocaleHint {
  /** The decimal point seen unambiguously so far, if any. */
  decimal: ',' | '.' | undefined;
}

export function createLocaleHint(): LocaleHint {
  return { decimal: undefined };
}

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const COMMA = 44;
const POINT = 46;
/** U+066B ARABIC DECIMAL SEPARATOR (ps_AF): never anything but a decimal point. */
const ARABIC_DECIMAL = 0x066b;

function isGroupingMark(code: number): boolean {
  // ' (de_CH), ’ (U+2019, de_CH), no-break space (U+00A0), narrow no-break space (U+202F, fr_FR),
  // thin space (U+2009), Arabic thousands separator (U+066C, ps_AF)
  return code === 39 || code === 0x2019 || code === 0xa0 || code === 0x202f || code === 0x2009 || code === 0x066c;
}

/** True for the characters a locale's `%f` may use as its decimal point: `.` `,` U+066B. */
export function isDecimalPointCode(code: number): boolean {
  return code === POINT || code === COMMA || code === ARABIC_DECIMAL;
}

/** Index of the decimal point of a plain number (`.`, U+066B, or `,` unless `allowComma` is false); -1 if none. */
export function decimalPointIndex(text: string, allowComma = true): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === POINT || code === ARABIC_DECIMAL || (allowComma && code === COMMA)) return i;
  }
  return -1;
}

/** True for `0`-`9`. */
export function isDigitCode(code: number): boolean {
  return code >= DIGIT_0 && code <= DIGIT_9;
}

/** True when every character of `text[start, end)` is a digit and there is at least one. */
export function isDigits(text: string, start = 0, end = text.length): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < DIGIT_0 || code > DIGIT_9) return false;
  }
  return true;
}

/**
 * A plain number as CSV and JSON print it: digits with at most one `.` or `,` as the decimal
 * point (perf's `%f` follows the locale). No sign, exponent, grouping, `nan` or `inf`.
 * Returns NaN for anything else.
 * @example
 * parsePlainNumber('85.72') // → 85.72
 * parsePlainNumber('100,00') // → 100
 * parsePlainNumber('<not counted>') // → NaN
 */
export function parsePlainNumber(text: string): number {
  const length = text.length;
  if (length === 0) return Number.NaN;
  let separatorAt = -1;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code >= DIGIT_0 && code <= DIGIT_9) continue;
    if (isDecimalPointCode(code) && separatorAt === -1 && i > 0 && i < length - 1) {
      separatorAt = i;
      continue;
    }
    return Number.NaN;
  }
  if (separatorAt !== -1 && text.charCodeAt(separatorAt) !== POINT) {
    return Number(text.slice(0, separatorAt) + '.' + text.slice(separatorAt + 1));
  }
  return Number(text);
}

/**
 * A count as the human format prints it, in any locale. Rules, from perf's formats:
 * - both `,` and `.` present: the last one is the decimal point (`18,003.70`, `1.068,06`);
 * - one of them, more than once: grouping (`93,026,790,157`, `1.234.567`);
 * - one of them, once, followed by other than exactly 3 digits: decimal (`524,10`, `83723.452481`),
 *   because perf prints fractional counts with 2 (or, in perf <= 4.x, 6) decimals;
 * - once and followed by exactly 3 digits (`112.585`): grouping, unless the integer part is `0`,
 *   longer than 3 digits, or the stream already showed this character as its decimal point.
 * `'`, `’`, no-break spaces and U+066C always group; U+066B is always the decimal point.
 * Returns NaN when `text` is not a number.
 * @example
 * parseLocaleNumber('112.585', createLocaleHint()) // → 112585
 * parseLocaleNumber('524,10', createLocaleHint()) // → 524.1
 */
export function parseLocaleNumber(text: string, hint: LocaleHint): number {
  const length = text.length;
  let commas = 0;
  let points = 0;
  let lastComma = -1;
  let lastPoint = -1;
  let digits = 0;
  let marks = 0;
  let arabicDecimal = -1;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code >= DIGIT_0 && code <= DIGIT_9) {
      digits++;
    } else if (code === ARABIC_DECIMAL && arabicDecimal === -1) {
      arabicDecimal = i;
    } else if (code === COMMA) {
      commas++;
      lastComma = i;
    } else if (code === POINT) {
      points++;
      lastPoint = i;
    } else if (isGroupingMark(code) && i > 0 && i < length - 1) {
      marks++;
    } else {
      return Number.NaN;
    }
  }
  if (digits === 0) return Number.NaN;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(length - 1);
  if (!isDigitCode(first) || !isDigitCode(last)) return Number.NaN;
  if (arabicDecimal !== -1) {
    if (commas > 0 || points > 0) return Number.NaN;
    return Number(stripAllBut(text, arabicDecimal));
  }
  if (commas === 0 && points === 0) {
    return marks === 0 ? Number(text) : Number(stripAllBut(text, -1));
  }

  let decimalAt = -1;
  if (commas > 0 && points > 0) {
    decimalAt = Math.max(lastComma, lastPoint);
    const decimalIsComma = decimalAt === lastComma;
    if ((decimalIsComma ? commas : points) !== 1) return Number.NaN;
    hint.decimal = decimalIsComma ? ',' : '.';
  } else {
    const count = commas + points;
    const at = commas > 0 ? lastComma : lastPoint;
    const char = commas > 0 ? ',' : '.';
    if (count > 1) {
      decimalAt = -1;
      if (marks === 0) hint.decimal = char === ',' ? '.' : ',';
    } else {
      const after = length - at - 1;
      const integerPart = at - marks;
      if (after !== 3) {
        decimalAt = at;
        if (marks === 0) hint.decimal = char;
      } else if (marks > 0) {
        // 1'234.567: a grouping mark already groups, so this is the decimal point
        decimalAt = at;
      } else if (integerPart > 3 || first === DIGIT_0 || hint.decimal === char) {
        decimalAt = at;
      } else {
        decimalAt = -1;
      }
    }
  }
  return Number(stripAllBut(text, decimalAt));
}

/** Keeps digits, and a `.` in place of the character at `decimalAt` (-1: none). */
function stripAllBut(text: string, decimalAt: number): string {
  let out = '';
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= DIGIT_0 && code <= DIGIT_9) continue;
    out += text.slice(runStart, i);
    if (i === decimalAt) out += '.';
    runStart = i + 1;
  }
  return out + text.slice(runStart);
}
