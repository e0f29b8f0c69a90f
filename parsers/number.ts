/**
 * Numbers as perf prints them. perf calls setlocale(LC_ALL, ""), so the human format groups
 * thousands with the locale's separator (`,` `.` `'` U+2019 U+00A0 U+202F U+066C) and `%f` uses
 * its decimal point (`.` `,` U+066B); CSV and JSON never group but still use the decimal point.
 *
 * The readers work on ranges of a line so that no substring is made for a number. Digits are
 * accumulated into an integer mantissa: below 2^53, mantissa / 10^k is correctly rounded, the
 * same double `Number()` gives for the text.
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
/** Digits that always fit a double's 53-bit mantissa exactly. */
const EXACT_DIGITS = 15;
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, power) => 10 ** power);

function isGroupingMark(code: number): boolean {
  // ' (de_CH), ’ (U+2019, de_CH), no-break space (U+00A0), narrow no-break space (U+202F, fr_FR),
  // thin space (U+2009), Arabic thousands separator (U+066C, ps_AF), and U+FFFD: a single-byte
  // locale's grouping byte (0xA0 in fr_FR.ISO-8859-1) read as UTF-8; decimal points are ASCII there
  return code === 39 || code === 0x2019 || code === 0xa0 || code === 0x202f || code === 0x2009 || code === 0x066c || code === 0xfffd;
}

/** True for `0`-`9`. */
export function isDigitCode(code: number): boolean {
  return code >= DIGIT_0 && code <= DIGIT_9;
}

/** True for the characters a locale's `%f` may use as its decimal point: `.` `,` U+066B. */
export function isDecimalPointCode(code: number): boolean {
  return code === POINT || code === COMMA || code === ARABIC_DECIMAL;
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

/** Index of the decimal point in `text[start, end)` (`.`, U+066B, or `,` unless `allowComma` is false); -1 if none. */
export function decimalPointIndex(text: string, allowComma = true, start = 0, end = text.length): number {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === POINT || code === ARABIC_DECIMAL || (allowComma && code === COMMA)) return i;
  }
  return -1;
}

/**
 * A plain number as CSV and JSON print it: digits with at most one `.` or `,` (or U+066B) as the
 * decimal point (perf's `%f` follows the locale). No sign, exponent, grouping, `nan` or `inf`.
 * Returns NaN for anything else.
 * @example
 * parsePlainNumber('85.72') // → 85.72
 * parsePlainNumber('100,00') // → 100
 * parsePlainNumber('<not counted>') // → NaN
 */
export function parsePlainNumber(text: string): number {
  return parsePlainNumberAt(text, 0, text.length);
}

/** `parsePlainNumber` on `text[start, end)`. */
export function parsePlainNumberAt(text: string, start: number, end: number): number {
  let mantissa = 0;
  let digits = 0;
  let pointAt = -1;
  // The number without the zeros that pad its fraction (perf's `%f`: JSON's "4123456789.000000"):
  // they change no value, and without them the mantissa is often exact again, so one pass and one
  // division read it instead of a string and Number().
  let keptMantissa = 0;
  let keptDigits = 0;
  let keptEnd = start;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= DIGIT_0 && code <= DIGIT_9) {
      mantissa = mantissa * 10 + (code - DIGIT_0);
      digits++;
      if (pointAt === -1 || code !== DIGIT_0) {
        keptMantissa = mantissa;
        keptDigits = digits;
        keptEnd = i + 1;
      }
    } else if (pointAt === -1 && i > start && i < end - 1 && (code === POINT || code === COMMA || code === ARABIC_DECIMAL)) {
      pointAt = i;
    } else {
      return Number.NaN;
    }
  }
  if (digits === 0) return Number.NaN;
  if (keptDigits > EXACT_DIGITS) {
    const plain = pointAt === -1 ? text.slice(start, end) : `${text.slice(start, pointAt)}.${text.slice(pointAt + 1, end)}`;
    return Number(plain);
  }
  // below 2^53 the mantissa is exact and mantissa / 10^k is correctly rounded: the double Number() gives
  const fraction = pointAt === -1 || keptEnd <= pointAt ? 0 : keptEnd - pointAt - 1;
  return fraction === 0 ? keptMantissa : keptMantissa / (POWERS_OF_TEN[fraction] ?? 10 ** fraction);
}

/** Digits after the point of the number `parseFixedAt` last read. */
export const fixedPoint = { decimals: 0 };

/** Which characters `parseFixedAt` takes as the point. */
export type PointStyle = 'dot' | 'locale' | 'locale-but-comma';

/**
 * `digits . digits` and nothing else in `text[start, end)`, as perf prints interval timestamps
 * (`%lu.%09lu`: `dot` only) and percentages (`%.2f`: the `locale` point `.` `,` U+066B, or all but
 * `,` under `-x,`, where a decimal comma splits the field). Returns NaN otherwise; on success
 * `fixedPoint.decimals` holds the number of decimals.
 */
export function parseFixedAt(text: string, start: number, end: number, points: PointStyle): number {
  const comma = points === 'locale';
  const arabic = points !== 'dot';
  let mantissa = 0;
  let pointAt = -1;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= DIGIT_0 && code <= DIGIT_9) {
      mantissa = mantissa * 10 + (code - DIGIT_0);
    } else if (pointAt === -1 && i > start && (code === POINT || (comma && code === COMMA) || (arabic && code === ARABIC_DECIMAL))) {
      pointAt = i;
    } else {
      return Number.NaN;
    }
  }
  if (pointAt === -1 || pointAt === end - 1) return Number.NaN;
  const decimals = end - pointAt - 1;
  fixedPoint.decimals = decimals;
  if (end - start - 1 > EXACT_DIGITS) return Number(`${text.slice(start, pointAt)}.${text.slice(pointAt + 1, end)}`);
  return mantissa / (POWERS_OF_TEN[decimals] ?? 10 ** decimals);
}

/**
 * A count as the human format prints it, in any locale. Rules, from perf's formats:
 * - both `,` and `.` present: the last one is the decimal point (`18,003.70`, `1.068,06`);
 * - one of them, more than once: grouping (`93,026,790,157`, `1.234.567`, en_IN `31,56,31,161`);
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
  return parseLocaleNumberAt(text, 0, text.length, hint);
}

/**
 * `parseLocaleNumber` on `text[start, end)`. Reads the stream's decimal point from `hint` and
 * writes what this number shows about it to `learnt` (by default `hint` itself): a reader that may
 * still reject the line passes a scratch object and keeps the lesson only for a record.
 */
export function parseLocaleNumberAt(text: string, start: number, end: number, hint: LocaleHint, learnt: LocaleHint = hint): number {
  if (end <= start) return Number.NaN;
  const first = text.charCodeAt(start);
  const last = text.charCodeAt(end - 1);
  if (!isDigitCode(first) || !isDigitCode(last)) return Number.NaN;
  let mantissa = 0;
  let digits = 0;
  let commas = 0;
  let points = 0;
  let marks = 0;
  let arabicDecimals = 0;
  // digits after the last `,`, `.`, U+066B
  let afterComma = 0;
  let afterPoint = 0;
  let afterArabic = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= DIGIT_0 && code <= DIGIT_9) {
      mantissa = mantissa * 10 + (code - DIGIT_0);
      digits++;
      afterComma++;
      afterPoint++;
      afterArabic++;
    } else if (code === COMMA) {
      commas++;
      afterComma = 0;
    } else if (code === POINT) {
      points++;
      afterPoint = 0;
    } else if (code === ARABIC_DECIMAL) {
      arabicDecimals++;
      afterArabic = 0;
    } else if (isGroupingMark(code)) {
      marks++;
    } else {
      return Number.NaN;
    }
  }

  let fraction = 0;
  if (arabicDecimals > 0) {
    if (arabicDecimals > 1 || commas > 0 || points > 0) return Number.NaN;
    fraction = afterArabic;
  } else if (commas > 0 && points > 0) {
    const commaIsDecimal = afterComma < afterPoint;
    if ((commaIsDecimal ? commas : points) !== 1) return Number.NaN;
    fraction = commaIsDecimal ? afterComma : afterPoint;
    learnt.decimal = commaIsDecimal ? ',' : '.';
  } else if (commas > 0 || points > 0) {
    const char = commas > 0 ? ',' : '.';
    const after = commas > 0 ? afterComma : afterPoint;
    if (commas + points > 1) {
      if (marks === 0) learnt.decimal = char === ',' ? '.' : ',';
    } else if (after !== 3) {
      fraction = after;
      if (marks === 0) learnt.decimal = char;
    } else if (marks > 0 || digits - after > 3 || first === DIGIT_0 || hint.decimal === char) {
      // 1'234.567 (a mark already groups), 1234,567, 0,123, or the stream's known decimal point
      fraction = after;
    }
  }
  if (digits > EXACT_DIGITS) return Number(digitsOnly(text, start, end, fraction));
  return fraction === 0 ? mantissa : mantissa / (POWERS_OF_TEN[fraction] ?? 10 ** fraction);
}

/** The digits of `text[start, end)` with a `.` before the last `fraction` of them. */
function digitsOnly(text: string, start: number, end: number, fraction: number): string {
  let out = '';
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= DIGIT_0 && code <= DIGIT_9) out += text[i];
  }
  return fraction === 0 ? out : `${out.slice(0, out.length - fraction)}.${out.slice(out.length - fraction)}`;
}
