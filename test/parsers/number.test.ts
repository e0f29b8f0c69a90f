import { describe, expect, it } from 'vitest';
import { createLocaleHint, parseLocaleNumber, parseLocaleNumberAt, parsePlainNumber } from '../../parsers/number.ts';

describe('parsePlainNumber (CSV and JSON fields)', () => {
  it.each([
    ['85.72', 85.72],
    ['12192', 12192],
    ['100,00', 100],
    ['0.100150932', 0.100150932],
    ['924\u066b914176', 924.914176],
    ['225904.823297', 225904.823297],
    ['2015511676522', 2015511676522],
    ['12345678901234567890', 12345678901234567890],
    ['1234567890123.4567', 1234567890123.4567],
  ])('%s → %d', (text, expected) => {
    expect(parsePlainNumber(text)).toBe(expected);
  });

  it('gives the double Number() gives, for every 2- and 6-decimal value perf prints', () => {
    for (let i = 0; i < 200_000; i += 7) {
      const twoDecimals = (i / 100).toFixed(2);
      const sixDecimals = (i / 997).toFixed(6);
      expect(parsePlainNumber(twoDecimals)).toBe(Number(twoDecimals));
      expect(parsePlainNumber(sixDecimals)).toBe(Number(sixDecimals));
    }
  });

  it.each(['', '<not counted>', 'nan', '-nan', '1e5', '0x10', ' 12', '12 ', '-1', '1.2.3', '.5', '5.', '1,234,567'])('rejects %j', (text) => {
    expect(parsePlainNumber(text)).toBeNaN();
  });
});

describe('parseLocaleNumber (human counts, any locale)', () => {
  it.each([
    // [printed, value, locale it comes from]
    ['93,026,790,157', 93026790157, 'en_US'],
    ['18,003.70', 18003.7, 'en_US'],
    ['1.068,06', 1068.06, 'de_DE'],
    ['112.585', 112585, 'de_DE'],
    ['524,10', 524.1, 'de_DE'],
    ['0,636961983', 0.636961983, 'de_DE'],
    ['62\u202f189', 62189, 'fr_FR'],
    ['1\u202f234,56', 1234.56, 'fr_FR'],
    ['33\u2019547', 33547, 'de_CH'],
    ["1'234'567", 1234567, 'de_CH (older glibc)'],
    ['62\u066c189', 62189, 'ps_AF'],
    ['924\u066b91', 924.91, 'ps_AF'],
    ['31,56,31,161', 315631161, 'en_IN'],
    ['1068.06', 1068.06, 'C'],
    ['83723.452481', 83723.452481, 'C, perf 4.x msec'],
    ['5083335621', 5083335621, 'C'],
    ['0', 0, 'any'],
  ])('%s → %d (%s)', (text, expected) => {
    expect(parseLocaleNumber(text, createLocaleHint())).toBe(expected);
  });

  it('reads one separator before exactly three digits as grouping, unless the integer part says otherwise', () => {
    expect(parseLocaleNumber('1,234', createLocaleHint())).toBe(1234);
    expect(parseLocaleNumber('0,123', createLocaleHint())).toBe(0.123);
    expect(parseLocaleNumber('1234,567', createLocaleHint())).toBe(1234.567);
    expect(parseLocaleNumber("1'234.567", createLocaleHint())).toBe(1234.567);
  });

  it('settles 1.234 by what the stream showed its decimal point to be', () => {
    const deDe = createLocaleHint();
    expect(parseLocaleNumber('524,10', deDe)).toBe(524.1);
    expect(deDe.decimal).toBe(',');
    expect(parseLocaleNumber('1.234', deDe)).toBe(1234);
    expect(parseLocaleNumber('1,234', deDe)).toBe(1.234);

    const enUs = createLocaleHint();
    expect(parseLocaleNumber('93,026,790,157', enUs)).toBe(93026790157);
    expect(enUs.decimal).toBe('.');
    expect(parseLocaleNumber('1,234', enUs)).toBe(1234);
  });

  it('writes what it learns to a separate object when asked', () => {
    const hint = createLocaleHint();
    const lesson = createLocaleHint();
    expect(parseLocaleNumberAt('x 524,10 y', 2, 8, hint, lesson)).toBe(524.1);
    expect(hint.decimal).toBeUndefined();
    expect(lesson.decimal).toBe(',');
  });

  it.each(['', 'msec', '1,2.3.4', '1.2,3,4', ',5', '5,', '1\u066b2\u066b3', '12a', '-5', '<not'])('rejects %j', (text) => {
    expect(parseLocaleNumber(text, createLocaleHint())).toBeNaN();
  });
});

describe('parsePlainNumber on perf %f counts of more than 15 digits', () => {
  // JSON prints counts as "%f": 4123456789.000000 has 16 digits, 6 of them padding zeros
  it.each(['4123456789.000000', '1234567890123.000000', '999999999999999.000', '1234567890123456.000', '12345678901.500000', '98765432109876543.210000', '100000000000000000.0'])(
    '%s reads as Number() reads it',
    (text) => {
      expect(parsePlainNumber(text)).toBe(Number(text));
    },
  );
});
