import { describe, expect, it } from 'vitest';
import { fileRelativeDynamicImports } from '../../src/experiment/cell-dynamic-imports.ts';

describe('fileRelativeDynamicImports', () => {
  it('writes a quoted relative specifier of import() as the file URL beside the cell file', () => {
    expect(fileRelativeDynamicImports("const m = await import('./lib.mjs')", '/exp')).toBe("const m = await import('file:///exp/lib.mjs')");
    expect(fileRelativeDynamicImports('await import ( "../up/x.js", { with: {} })', '/exp/sub')).toBe('await import ( "file:///exp/up/x.js", { with: {} })');
  });

  it('leaves bare specifiers, built ones, other calls named import, and code without import()', () => {
    for (const code of ["await import('node:path')", "await import('pkg')", 'await import(`./${name}.js`)', "await import(base + './x.js')", "loader.import('./x.js')", 'const n = 1']) {
      expect(fileRelativeDynamicImports(code, '/exp')).toBe(code);
    }
  });
});
