import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { redeclarableTopLevel } from '../../src/kernel/redeclarable.ts';

describe('redeclarableTopLevel (a notebook cell that may run again)', () => {
  it('declares top-level const, let and class with var, columns kept for const and let', () => {
    expect(redeclarableTopLevel('const a = 1; let b; class C {}')).toBe('var   a = 1; var b = undefined; var C = class C {};');
    expect(redeclarableTopLevel('const { p, q } = o, r = 2\nlet s, t = 1')).toBe('var   { p, q } = o, r = 2\nvar s = undefined, t = 1');
    expect(redeclarableTopLevel('const v = await f()')).toBe('var   v = await f()');
  });

  it('leaves what is not at the top level, strings, and code that does not parse', () => {
    for (const code of ['for (let i = 0; i < 2; i++) {}\nfunction f() { const x = 1; class D {} }', "x = 'const y'", 'const = 1', '{ const inBlock = 1 }', 'n + 1']) {
      expect(redeclarableTopLevel(code)).toBe(code);
    }
  });

  it('runs again in one scope where the original throws "already declared", and a let starts afresh', () => {
    const context = {};
    const cell = 'const a = 1; let b; class C { get v() { return a; } }\nb = (b ?? 0) + new C().v;\nb';
    runInNewContext(redeclarableTopLevel(cell), context);
    expect(runInNewContext(redeclarableTopLevel(cell), context)).toBe(1);
    runInNewContext(cell, {});
    const plain = {};
    runInNewContext(cell, plain);
    expect(() => runInNewContext(cell, plain)).toThrow(/already been declared/);
  });
});
