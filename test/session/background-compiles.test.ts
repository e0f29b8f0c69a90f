import vm from 'node:vm';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { awaitBackgroundCompiles } from '../../src/session/background-compiles.ts';
import { cliPath } from '../support/fixtures.ts';

describe('awaitBackgroundCompiles (V8\'s background compiles finished before a window over this process counts)', () => {
  it("leaves the person's code parsing as before: natives syntax is allowed only while the wait is compiled", () => {
    awaitBackgroundCompiles();
    expect(() => new Function('%WaitForBackgroundOptimization()')).toThrow(SyntaxError);
    expect(new Function('a', 'b', 'return a %b')(7, 4)).toBe(3);
  });

  it("keeps V8's code caches made before it valid (the flag hash is set back)", () => {
    const source = 'function sum(values) { let total = 0; for (const value of values) total += value; return total; } sum([1, 2, 3]);';
    const made = new vm.Script(source, { filename: 'cached.js' });
    made.runInThisContext();
    const cachedData = made.createCachedData();
    awaitBackgroundCompiles();
    expect(new vm.Script(source, { filename: 'cached.js', cachedData }).cachedDataRejected).toBe(false);
  });

  it('returns how long it waited: microseconds once nothing is left to compile', () => {
    awaitBackgroundCompiles();
    const hot = (n: number): number => {
      let total = 0;
      for (let index = 0; index < n; index++) total += (index * 31) % 7;
      return total;
    };
    for (let round = 0; round < 2000; round++) hot(1000);
    expect(awaitBackgroundCompiles()).toBeGreaterThanOrEqual(0);
    const times: number[] = [];
    for (let round = 0; round < 50; round++) {
      times.push(awaitBackgroundCompiles() * 1000);
    }
    times.sort((a, b) => a - b);
    // nothing left to compile: a median of a few µs (1-6 here)
    expect(times[25]).toBeLessThan(200);
  });
});

describe('natives syntax in perfcell repl, after windows have awaited the compiles (real REPL, piped input)', () => {
  const typed = async (nodeFlags: readonly string[]): Promise<string> => {
    const input = ['1+1', 'typeof %IsBeingInterpreted()', ''].join('\n');
    const result = await execa(process.execPath, [...nodeFlags, cliPath, 'repl', '--no-perf'], { input, reject: false, env: { PERFCELL_REPL_HISTORY: '', NO_COLOR: '1' } });
    return `${result.stdout}\n${result.stderr}`;
  };

  it('stays refused where node was started without it', { timeout: 30_000 }, async () => {
    expect(await typed([])).toMatch(/SyntaxError/);
  });

  it('stays allowed where node was started with --allow-natives-syntax', { timeout: 30_000 }, async () => {
    const printed = await typed(['--allow-natives-syntax']);
    expect(printed).toContain("'boolean'");
    expect(printed).not.toMatch(/SyntaxError/);
  });
});
