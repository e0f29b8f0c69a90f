import { describe, expect, it } from 'vitest';
import { fileRelativeDynamicImports, mappedFileRelativeDynamicImports, typeScriptDynamicImports } from '../../src/experiment/cell-dynamic-imports.ts';

describe('fileRelativeDynamicImports', () => {
  it('writes a quoted relative specifier of import() as the file URL beside the cell file', () => {
    expect(fileRelativeDynamicImports("const m = await import('./lib.mjs')", '/exp')).toBe("const m = await import('file:///exp/lib.mjs')");
    expect(fileRelativeDynamicImports('await import ( "../up/x.js", { with: {} })', '/exp/sub')).toBe('await import ( "file:///exp/up/x.js", { with: {} })');
  });

  it("reads the specifier as Node's import() reads it, a URL: its query and its %-escapes kept (an absolute one had been left to Node, which loaded it)", () => {
    expect(fileRelativeDynamicImports("await import('/data/mod.mjs?v=2')", '/exp')).toBe("await import('file:///data/mod.mjs?v=2')");
    expect(fileRelativeDynamicImports("await import('./mod.mjs?v=2#x')", '/my exp')).toBe("await import('file:///my%20exp/mod.mjs?v=2#x')");
    expect(fileRelativeDynamicImports("await import('/data/a%20b.mjs')", '/exp')).toBe("await import('file:///data/a%20b.mjs')");
  });

  it('leaves bare specifiers, built ones, other calls named import, and code without import()', () => {
    for (const code of ["await import('node:path')", "await import('pkg')", 'await import(`./${name}.js`)', "await import(base + './x.js')", "loader.import('./x.js')", 'const n = 1']) {
      expect(fileRelativeDynamicImports(code, '/exp')).toBe(code);
    }
  });

  it('loads a local TypeScript module through the cells\' loader, by its path, since Node\'s import() refuses .ts', () => {
    const findTypeScript = (specifier: string, directory: string) => (specifier === './matrix.js' || specifier === './matrix.ts' ? `${directory}/matrix.ts` : undefined);
    expect(fileRelativeDynamicImports("const { f } = await import('./matrix.js');", '/exp', findTypeScript)).toBe("const { f } = await __perfcellImportTypeScript('/exp/matrix.ts');");
    expect(fileRelativeDynamicImports('await import ( "./matrix.ts", { with: {} })', '/exp', findTypeScript)).toBe('await __perfcellImportTypeScript("/exp/matrix.ts", { with: {} })');
    expect(fileRelativeDynamicImports("await import('./lib.mjs')", '/exp', findTypeScript)).toBe("await import('file:///exp/lib.mjs')");
    // a folder's index.ts by '.' or '..' (it was left to Node's loader, which refuses a folder)
    const index = (specifier: string, directory: string) => (specifier === '.' || specifier === '..' ? `${directory}/index.ts` : undefined);
    expect(fileRelativeDynamicImports("await import('.'); await import(\"..\")", '/exp', index)).toBe("await __perfcellImportTypeScript('/exp/index.ts'); await __perfcellImportTypeScript(\"/exp/index.ts\")");
  });
});

describe('mappedFileRelativeDynamicImports', () => {
  it('takes a column of the rewritten code back to the one it had, past each longer specifier on its line', () => {
    const code = "x;\nf(import('./a.mjs'), g(), import('./b.mjs'), h());\ny(import('./c.mjs'));";
    const { code: rewritten, originalColumn } = mappedFileRelativeDynamicImports(code, '/exp');
    const lines = rewritten.split('\n');
    const columnOf = (line: number, text: string, nth = 0) => lines[line - 1]!.split(text, nth + 1).join(text).length + 1;
    // each call's column in the rewritten code back to its column in the original ('g' at 22, 'h' at 46)
    expect(originalColumn(2, columnOf(2, 'g()'))).toBe(22);
    expect(originalColumn(2, columnOf(2, 'h()'))).toBe(46);
    expect(originalColumn(2, columnOf(2, 'f('))).toBe(1);
    // inside a rewritten call: where it began; other lines as they were
    expect(originalColumn(2, columnOf(2, 'file:'))).toBe(3);
    expect(originalColumn(3, columnOf(3, ');'))).toBe(20);
    expect(originalColumn(1, 2)).toBe(2);
  });
});

describe('typeScriptDynamicImports', () => {
  it("loads only the local TypeScript modules of a REPL line through the cells' loader, naming their files; node:repl resolves the rest itself", () => {
    const findTypeScript = (specifier: string, directory: string) => (specifier === './matrix.js' || specifier === './matrix.ts' ? `${directory}/matrix.ts` : undefined);
    expect(typeScriptDynamicImports("const { f } = await import('./matrix.js'); await import('./lib.mjs')", '/exp', findTypeScript)).toEqual({
      code: "const { f } = await __perfcellImportTypeScript('/exp/matrix.ts'); await import('./lib.mjs')",
      files: ['/exp/matrix.ts'],
    });
    expect(typeScriptDynamicImports("await import('node:path')", '/exp', findTypeScript)).toEqual({ code: "await import('node:path')", files: [] });
    // by its absolute path too (it was left to node:repl's import(), which refuses .ts)
    const absolute = (specifier: string) => (specifier === '/lab/matrix.ts' ? specifier : undefined);
    expect(typeScriptDynamicImports("await import('/lab/matrix.ts')", '/exp', absolute)).toEqual({ code: "await __perfcellImportTypeScript('/lab/matrix.ts')", files: ['/lab/matrix.ts'] });
  });

  it('keeps the quote the specifier had, so a call spelled out inside a string stays inside it (a review: JSON\'s double quotes ended `console.log("see import(\'./matrix.ts\')")`, a SyntaxError)', () => {
    const findTypeScript = (specifier: string, directory: string) => (specifier === './matrix.ts' ? `${directory}/matrix.ts` : undefined);
    const { code } = typeScriptDynamicImports('console.log("see import(\'./matrix.ts\')")', "/it's", findTypeScript);
    expect(code).toBe('console.log("see __perfcellImportTypeScript(\'/it\\\'s/matrix.ts\')")');
    // it compiles, and the string reads as the path
    expect(() => new Function(code)).not.toThrow();
    expect(fileRelativeDynamicImports('const s = "import(\'./matrix.ts\')";', '/exp', findTypeScript)).toBe('const s = "__perfcellImportTypeScript(\'/exp/matrix.ts\')";');
  });
});
