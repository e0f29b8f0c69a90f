import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTypeScriptModules, resolveTypeScriptFile } from '../../src/experiment/typescript-modules.ts';

/** A file system of these paths only. */
const having = (...paths: string[]) => (path: string) => paths.includes(path);

describe('resolveTypeScriptFile', () => {
  it('finds the TypeScript file a TypeScript program\'s import names, as NodeNext writes it', () => {
    const exists = having('/exp/matrix.ts', '/exp/view.tsx', '/exp/esm.mts', '/exp/cjs.cts', '/exp/lib/index.ts');
    expect(resolveTypeScriptFile('./matrix.ts', '/exp', exists)).toBe('/exp/matrix.ts');
    expect(resolveTypeScriptFile('./matrix.js', '/exp', exists)).toBe('/exp/matrix.ts');
    expect(resolveTypeScriptFile('./matrix', '/exp', exists)).toBe('/exp/matrix.ts');
    expect(resolveTypeScriptFile('../view.js', '/exp/sub', exists)).toBe('/exp/view.tsx');
    expect(resolveTypeScriptFile('./esm.mjs', '/exp', exists)).toBe('/exp/esm.mts');
    expect(resolveTypeScriptFile('./cjs.cjs', '/exp', exists)).toBe('/exp/cjs.cts');
    expect(resolveTypeScriptFile('./lib', '/exp', exists)).toBe('/exp/lib/index.ts');
    expect(resolveTypeScriptFile('/exp/matrix.js', '/elsewhere', exists)).toBe('/exp/matrix.ts');
    // a folder's index.ts by '.' or '..', as require('.') finds an index.js (it was left to require(), which failed)
    expect(resolveTypeScriptFile('.', '/exp/lib', exists)).toBe('/exp/lib/index.ts');
    expect(resolveTypeScriptFile('..', '/exp/lib/sub', exists)).toBe('/exp/lib/index.ts');
    expect(resolveTypeScriptFile('.', '/exp', exists)).toBeUndefined();
  });

  it('reads \'.\', \'..\' and a trailing slash as a folder, as require() does: its index, not the file beside it', () => {
    // '.' in /exp/lib had loaded /exp/lib.ts, where require('.') there loads /exp/lib/index.js
    const exists = having('/exp/lib.ts', '/exp/lib/index.ts', '/exp/lib/sub/x.ts');
    expect(resolveTypeScriptFile('.', '/exp/lib', exists)).toBe('/exp/lib/index.ts');
    expect(resolveTypeScriptFile('..', '/exp/lib/sub', exists)).toBe('/exp/lib/index.ts');
    expect(resolveTypeScriptFile('./', '/exp/lib', exists)).toBe('/exp/lib/index.ts');
    expect(resolveTypeScriptFile('../lib/', '/exp/lib', exists)).toBe('/exp/lib/index.ts');
    expect(resolveTypeScriptFile('./lib', '/exp', exists)).toBe('/exp/lib.ts');
    // a folder with no index: require() says so, not the file beside it
    expect(resolveTypeScriptFile('.', '/exp/lib/sub', having('/exp/lib/sub.ts'))).toBeUndefined();
    expect(resolveTypeScriptFile('.', '/exp/lib', having('/exp/lib.ts', '/exp/lib/index.js', '/exp/lib/index.ts'))).toBeUndefined();
  });

  it('leaves to require() what it loads: JavaScript that exists, packages, node: modules and missing files', () => {
    const exists = having('/exp/matrix.ts', '/exp/matrix.js', '/exp/other.ts', '/exp/other.json');
    expect(resolveTypeScriptFile('./matrix.js', '/exp', exists)).toBeUndefined();
    expect(resolveTypeScriptFile('./matrix', '/exp', exists)).toBeUndefined();
    expect(resolveTypeScriptFile('./other', '/exp', exists)).toBeUndefined();
    expect(resolveTypeScriptFile('./missing.js', '/exp', exists)).toBeUndefined();
    expect(resolveTypeScriptFile('./missing.ts', '/exp', exists)).toBeUndefined();
    expect(resolveTypeScriptFile('matrix.ts', '/exp', exists)).toBeUndefined();
    expect(resolveTypeScriptFile('node:fs', '/exp', exists)).toBeUndefined();
  });
});

describe('createTypeScriptModules', () => {
  it('precompile waits for every module it started, though one failed to compile in the same round', async () => {
    // the loop stopped when as many compiles were pending as before a round: a.ts's start of b.ts
    // and broken.ts's failure cancelled out, and b.ts was compiled in the cell that imported a.ts
    // (cells of a.ts beside a later cell of broken.ts: 58-158 ms and 10.2 MiB, where 0.8 ms and 0.2 MiB)
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-precompile-'));
    try {
      writeFileSync(join(dir, 'a.ts'), "import { g } from './b.ts';\nexport const f = (): number => g() + 1;\n");
      writeFileSync(join(dir, 'b.ts'), 'export const g = (): number => 1;\n');
      writeFileSync(join(dir, 'broken.ts'), 'export const y: number = 1 +;\n');
      const modules = createTypeScriptModules();
      await modules.precompile(['./a.ts', './broken.ts'], join(dir, 'exp.ts'));
      // compiled ahead, b.ts loads as it was then; compiled at its load, it would read this
      writeFileSync(join(dir, 'b.ts'), 'export const g = (): number => 100;\n');
      const a = modules.createRequire(join(dir, 'exp.ts'))('./a.ts') as { f(): number };
      expect(a.f()).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
