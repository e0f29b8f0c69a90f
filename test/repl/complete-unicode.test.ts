import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { completeUnicodePath } from '../../src/repl/complete-unicode.ts';

const scope = globalThis as Record<string, unknown>;
afterEach(() => {
  delete scope['éa'];
  delete scope['plain'];
});

describe('completeUnicodePath: the name paths node:repl reads as ASCII', () => {
  it("completes a non-ASCII object's members, and non-ASCII members of an ASCII one", () => {
    scope['éa'] = { abc: 1, abd: 2, 'not an identifier': 3 };
    scope['plain'] = { grün: 1, grau: 2 };
    expect(completeUnicodePath("'😀'; éa.ab")).toEqual([['éa.abc', 'éa.abd'], 'éa.ab']);
    expect(completeUnicodePath('plain.grü')).toEqual([['plain.grün'], 'plain.grü']);
    // no dot: the cells' scope
    expect(completeUnicodePath('x + é')).toEqual([['éa'], 'é']);
    // after a dot, the object's members and its prototypes'
    expect(completeUnicodePath('éa.')?.[0]).toEqual(expect.arrayContaining(['éa.abc', 'éa.hasOwnProperty']));
    expect(completeUnicodePath('nothing_like_é.x')).toEqual([[], 'nothing_like_é.x']);
    // optional chaining, as node:repl completes `o?.a`
    expect(completeUnicodePath('éa?.ab')).toEqual([['éa?.abc', 'éa?.abd'], 'éa?.ab']);
    expect(completeUnicodePath('plain?.grü')).toEqual([['plain?.grün'], 'plain?.grü']);
    expect(completeUnicodePath('nothing_like_é?.x')).toEqual([[], 'nothing_like_é?.x']);
  });

  it("offers the top level's let, const and class where there is no dot", () => {
    vm.runInThisContext('const ŋame = { ab: 1 }; class Ŋlass {}');
    expect(completeUnicodePath('x + ŋ')).toEqual([['ŋame'], 'ŋ']);
    expect(completeUnicodePath('Ŋ')).toEqual([['Ŋlass'], 'Ŋ']);
    expect(completeUnicodePath('ŋame.a')).toEqual([['ŋame.ab'], 'ŋame.a']);
    expect(completeUnicodePath('ŋ', () => [])).toEqual([[], 'ŋ']);
  });

  it("leaves ASCII text to node:repl's completer", () => {
    expect(completeUnicodePath("'😀'; Ma")).toBeNull();
    expect(completeUnicodePath('plain.a')).toBeNull();
    expect(completeUnicodePath('')).toBeNull();
  });
});
