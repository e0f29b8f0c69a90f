import { describe, expect, it } from 'vitest';
import { classifyJavaScript, prepareSource, stripTypes } from '../../src/repl/typescript.ts';

describe('classifyJavaScript', () => {
  it.each([
    ['1 + 1', 'valid'],
    ['{ a: 1 }', 'valid'],
    ['const y = await Promise.resolve(2); y', 'valid'],
    ['function f() {', 'incomplete'],
    ['foo(', 'incomplete'],
    ['`open template', 'incomplete'],
    ['const x: number = 1', 'invalid'],
    ['function f(a: number) {', 'invalid'],
    ["'unterminated", 'invalid'],
  ] as const)('%j is %s', (code, verdict) => {
    expect(classifyJavaScript(code)).toBe(verdict);
  });
});

describe('stripTypes and prepareSource (esbuild)', () => {
  it('strips types and keeps top-level bindings and await as they are', async () => {
    const stripped = await stripTypes('const x: number = await Promise.resolve(41); x + 1');
    expect(stripped).toEqual({ kind: 'javascript', code: 'const x = await Promise.resolve(41);\nx + 1;\n', transformed: true });
  });

  it('tells unfinished TypeScript from invalid', async () => {
    expect((await stripTypes('interface P {')).kind).toBe('incomplete');
    // esbuild says 'Expected … but found end of file' for these: they were taken for invalid
    for (const code of ['enum E {', 'class C implements I {', 'abstract class A {', 'function f<T>(x: T', 'const xs: Array<number', '/* a comment']) {
      expect((await stripTypes(code)).kind, code).toBe('incomplete');
    }
    expect((await stripTypes('let = = 1')).kind).toBe('invalid');
    expect((await stripTypes("const s: string = 'open")).kind).toBe('invalid');
  });

  it('leaves JavaScript untouched in auto mode, and TypeScript is read only where needed', async () => {
    expect(await prepareSource('[1, 2].map((n) => n * 2)', 'auto')).toEqual({ kind: 'javascript', code: '[1, 2].map((n) => n * 2)', transformed: false });
    expect(await prepareSource('let n: number = 1', 'auto')).toEqual({ kind: 'javascript', code: 'let n = 1;\n', transformed: true });
    expect(await prepareSource('let n: number = 1', false)).toEqual({ kind: 'javascript', code: 'let n: number = 1', transformed: false });
  });
});
