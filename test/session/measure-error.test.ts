import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { measure } from '../../src/session/measure.ts';

/** What measure(fn) throws when fn throws: fn's own error, the report on it where it takes one. */
async function thrownBy(fn: () => unknown): Promise<unknown> {
  try {
    await measure(fn, { perf: false });
  } catch (error: unknown) {
    return error;
  }
  throw new Error('measure resolved');
}

describe('measure(fn) rethrows what fn threw', () => {
  it('with its report as error.report, an error of another realm (vm) or a plain object too', async () => {
    const own = new RangeError('boom');
    const error = await thrownBy(() => {
      throw own;
    });
    expect(error).toBe(own);
    expect((error as { report?: { exitCode: number } }).report?.exitCode).toBe(1);
    // A QA pass: the report went only on `instanceof Error`, which an Error of a vm context is not
    const otherRealm = await thrownBy(() => runInNewContext('throw new Error("other realm")'));
    expect((otherRealm as Error).message).toBe('other realm');
    expect((otherRealm as { report?: { exitCode: number } }).report?.exitCode).toBe(1);
    const plain = await thrownBy(() => {
      throw { code: 'E_PLAIN' };
    });
    expect(plain).toMatchObject({ code: 'E_PLAIN', report: { exitCode: 1 } });
  });

  // A QA pass: a frozen error came back as perfcell's own 'TypeError: Cannot add property report,
  // object is not extensible', and one whose report was a getter as 'Cannot set property report
  // of Error: g which has only a getter': fn's error lost to the setting of its report
  it('as it was thrown where the report cannot be set on it: frozen, a getter of its own, a string', async () => {
    const frozen = Object.freeze(new Error('frozen boom'));
    expect(await thrownBy(() => {
      throw frozen;
    })).toBe(frozen);
    const withGetter = new Error('getter');
    Object.defineProperty(withGetter, 'report', { get: () => 'mine' });
    const thrown = await thrownBy(() => {
      throw withGetter;
    });
    expect(thrown).toBe(withGetter);
    expect((thrown as { report: unknown }).report).toBe('mine');
    expect(await thrownBy(() => {
      throw 'a string';
    })).toBe('a string');
  });
});
