import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { createCellEvaluator, type CellEvaluator, type CellOutcome } from '../../src/experiment/cell-evaluator.ts';

let evaluator: CellEvaluator | null = null;
afterEach(() => evaluator?.close());

/** Evaluates cells in order in one evaluator; each cell starts where the previous one ended, as in a file. */
async function runAll(file: string, cells: readonly string[], options: { typescript?: boolean } = {}): Promise<CellOutcome[]> {
  evaluator = createCellEvaluator(file, options);
  const outcomes: CellOutcome[] = [];
  let line = 2;
  for (const [index, code] of cells.entries()) {
    // The marks are the cells' own clock readings, checked in their own test below.
    const { marks: _marks, ...outcome } = await evaluator.run(evaluator.prepare({ title: `cell ${index + 1}`, code, startLine: line }));
    outcomes.push(outcome);
    line += code.split('\n').length + 1;
  }
  return outcomes;
}

function failureOf(outcome: CellOutcome | undefined) {
  if (outcome === undefined || outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome.failure;
}

describe('createCellEvaluator', () => {
  it('keeps top-level const, let, function and class across cells, and lets a repeated cell redeclare const', async () => {
    const outcomes = await runAll('/tmp/cells.js', [
      'const n = 3;\nlet total = 0;\nfunction double(x) { return 2 * x; }\nclass Box { constructor(v) { this.v = v; } }',
      'total = double(n) + new Box(1).v;',
      'const copy = total;',
      'const copy = total + 1;\nif (copy !== 8) throw new Error(`copy is ${copy}`);',
    ]);
    expect(outcomes).toEqual([{ ok: true }, { ok: true }, { ok: true }, { ok: true }]);
  });

  it('runs top-level await and keeps what it declared', async () => {
    const outcomes = await runAll('/tmp/cells.js', [
      'const value = await new Promise((resolve) => setTimeout(() => resolve(42), 20));',
      'if (value !== 42) throw new Error("lost");',
    ]);
    expect(outcomes).toEqual([{ ok: true }, { ok: true }]);
  });

  it('strips TypeScript types and reports a thrown error at its line in the file', async () => {
    const outcomes = await runAll('/tmp/cells.ts', [
      'interface Point { x: number }\nconst p: Point = { x: 1 };',
      '// a comment\n\nconst q = p.x as number;\nif (q === 1) {\n  throw new Error("q is " + q);\n}',
    ]);
    expect(outcomes[0]).toEqual({ ok: true });
    const failure = failureOf(outcomes[1]);
    // Cell 2 starts at file line 5 (cell 1 has 2 lines from line 2, then its marker): the throw is on its 5th line.
    expect(failure.message).toBe('Error: q is 1');
    expect(failure.line).toBe(9);
    expect(failure.column).toBe(9);
    expect(failure.stack).toContain('/tmp/cells.ts:9:');
  });

  it('reports an error thrown inside a function from an earlier cell where that function is', async () => {
    const outcomes = await runAll('/tmp/cells.ts', ['function fail(): never {\n  throw new TypeError("deep");\n}', 'fail();']);
    const failure = failureOf(outcomes[1]);
    expect(failure.message).toBe('TypeError: deep');
    expect(failure.line).toBe(3);
    expect(failure.stack).toMatch(/at fail \(\/tmp\/cells\.ts:3:\d+\)\n.*\/tmp\/cells\.ts:6:\d+/);
  });

  it('reports syntax errors with their line, from esbuild and from V8', async () => {
    // TypeScript goes through esbuild, which finds the first; the second passes it and V8 refuses it
    const outcomes = await runAll('/tmp/cells.ts', ['const ok: number = 1;\nlet broken = ;', 'const ok = 2;\nreturn 1;']);
    const esbuild = failureOf(outcomes[0]);
    expect(esbuild.message).toMatch(/^SyntaxError: /);
    expect(esbuild.line).toBe(3);
    const v8 = failureOf(outcomes[1]);
    expect(v8.message).toMatch(/^SyntaxError: /);
    expect(v8.line).toBe(6);
  });

  it('reports a thrown non-error value and a rejected await', async () => {
    const outcomes = await runAll('/tmp/cells.js', ['throw "plain text";', 'await Promise.reject(new RangeError("no"));']);
    expect(failureOf(outcomes[0]).message).toBe('Uncaught "plain text"');
    expect(failureOf(outcomes[1]).message).toBe('RangeError: no');
    expect(failureOf(outcomes[1]).line).toBe(4);
  });

  it('turns import statements into require, and gives require, __filename and Node globals', async () => {
    const outcomes = await runAll('/tmp/dir/cells.ts', [
      'import { cpus } from "node:os";\nconst count: number = cpus().length;',
      'if (!(count > 0) || __filename !== "/tmp/dir/cells.ts" || __dirname !== "/tmp/dir") throw new Error("globals");\nconst { join } = require("node:path");\nif (typeof Buffer !== "function" || typeof process.pid !== "number" || join("a", "b") !== "a/b") throw new Error("node");',
    ]);
    expect(outcomes).toEqual([{ ok: true }, { ok: true }]);
  });

  it('keeps the names of import statements for later cells, in JavaScript and TypeScript, with their lines and CommonJS interop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-cell-imports-'));
    try {
      writeFileSync(join(dir, 'plain.cjs'), 'module.exports = { k: 5 };');
      writeFileSync(join(dir, 'compiled.cjs'), 'Object.defineProperty(exports, "__esModule", { value: true }); exports.default = 9; exports.k = 6;');
      for (const [file, typescript] of [['cells.js', false], ['cells.ts', true]] as const) {
        const outcomes = await runAll(join(dir, file), [
          // imported in one cell, used in the next: the names are the cells' consts
          "import path from 'node:path'\nimport { join as j } from 'node:path'\nimport * as os from 'node:os'",
          "import plain, { k } from './plain.cjs'\nimport compiled, { k as k2 } from './compiled.cjs'\nawait null",
          'if (path.basename("/a/b") !== "b" || j("x", "y") !== "x/y" || typeof os.cpus !== "function") throw new Error("names");\nif (plain.k !== 5 || k !== 5 || compiled !== 9 || k2 !== 6) throw new Error(`interop ${plain.k} ${k} ${compiled} ${k2}`);',
          // a statement over three lines keeps them: the throw is on the cell's fourth line
          "import {\n  sep,\n} from 'node:path'\nthrow new Error(sep);",
        ], { typescript });
        expect(outcomes.slice(0, 3)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
        expect(failureOf(outcomes[3]).message).toBe('Error: /');
        // cells start on lines 2, 6, 10 and 13 (runAll): the fourth cell's fourth line is 16
        expect(failureOf(outcomes[3]).line).toBe(16);
        evaluator?.close();
      }
      // an ES module with top-level await, which require() cannot load: the import() it names works from another working directory too
      writeFileSync(join(dir, 'waits.mjs'), 'export const v = await Promise.resolve(7);\n');
      const waits = await runAll(join(dir, 'waits.ts'), ["import { v } from './waits.mjs';", "const { v } = await import('./waits.mjs');\nif (v !== 7) throw new Error('v');"]);
      expect(failureOf(waits[0]).message).toBe("Error: './waits.mjs' is an ES module that require() cannot load here, and a cell's import statements go through require(): load it with `await import('./waits.mjs')`, which finds it from the cell file too");
      expect(waits[1]).toEqual({ ok: true });
      evaluator?.close();
      // a module that is not there fails its cell with Node's own message
      const missing = await runAll(join(dir, 'missing.js'), ["import nothing from './nothing.cjs'"]);
      expect(failureOf(missing[0]).message).toMatch(/Cannot find module '\.\/nothing\.cjs'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the columns after an import() whose specifier it wrote longer, in a cell and in a TypeScript module', async () => {
    // the rewritten file URL moved what followed it on its line: the stack named the `]` of the
    // line, 6 columns past `boom` (cell) and `fail` (module), as their source maps snapped to it
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-import-columns-'));
    try {
      writeFileSync(join(dir, 'lib.mjs'), 'export const v = 1;\n');
      writeFileSync(join(dir, 'mod.ts'), "function fail(): never {\n  throw new Error('in module');\n}\nexport async function f(): Promise<unknown[]> {\n  const pair = [await import('./lib.mjs'), fail()];\n  return pair;\n}\n");
      const outcomes = await runAll(join(dir, 'exp.ts'), [
        "function boom(): never {\n  throw new Error('in cell');\n}\nimport { f } from './mod.ts';",
        "const pair = [await import('./lib.mjs'), boom()];",
        'await f();',
      ]);
      expect(outcomes[0]).toEqual({ ok: true });
      // cells start on lines 2, 7 and 9
      expect(failureOf(outcomes[1]).stack.split('\n').slice(1)).toEqual([`    at boom (${dir}/exp.ts:3:9)`, `    at ${dir}/exp.ts:7:42`]);
      expect(failureOf(outcomes[2]).stack.split('\n').slice(1, 3)).toEqual([`    at fail (${dir}/mod.ts:2:9)`, `    at f (${dir}/mod.ts:5:44)`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('imports local TypeScript modules, as ./m.ts or NodeNext\'s ./m.js, with their own TypeScript imports, and names their lines in a stack', async () => {
    // Node 20 loads no TypeScript: './matrix.js' had been 'Cannot find module', './matrix.ts' "SyntaxError: Unexpected token 'export'"
    // a space and parentheses in the path, as in `my lab (v2)`: the stack kept the compiled positions there
    const dir = mkdtempSync(join(tmpdir(), 'perfcell cell (ts) imports-'));
    try {
      writeFileSync(join(dir, 'util.ts'), 'export const scale: number = 2;\nexport function fail(where: string): never {\n  // moves the throw a line down\n  throw new Error(`failed in ${where}`);\n}\n');
      writeFileSync(
        join(dir, 'matrix.ts'),
        "import { scale, fail } from './util.js';\nexport interface Matrix { readonly n: number; readonly data: Float64Array }\nexport enum Kind { Row, Column }\nexport const loads: number[] = [];\nloads.push(1);\n" +
          'export function makeMatrix(n: number): Matrix {\n  return { n, data: new Float64Array(n * n).fill(scale) };\n}\nexport function boom(): never {\n  return fail(import.meta.url);\n}\nexport default 42;\n',
      );
      const outcomes = await runAll(join(dir, 'exp.ts'), [
        "import { makeMatrix, Kind, type Matrix } from './matrix.js';\nimport answer, { loads } from './matrix.ts';\nconst m: Matrix = makeMatrix(4);",
        "import { boom } from './matrix';\nif (m.data[15] !== 2 || Kind.Column !== 1 || answer !== 42 || loads.length !== 1) throw new Error(`values ${m.data[15]} ${Kind.Column} ${answer} ${loads.length}`);",
        'boom();',
        // import() too, where Node's loader said 'Unknown file extension ".ts"'; the same module, run once
        "const lazy = await import('./matrix.ts');\nif (lazy.loads !== loads || lazy.default !== 42) throw new Error('lazy');\nawait import('./missing.ts');",
      ]);
      expect(outcomes.slice(0, 2)).toEqual([{ ok: true }, { ok: true }]);
      expect(failureOf(outcomes[3]).message).toMatch(/^Error: Cannot find module '.*\/missing\.ts'/);
      const failure = failureOf(outcomes[2]);
      expect(failure.message).toBe(`Error: failed in ${pathToFileURL(join(dir, 'matrix.ts')).href}`);
      // the cell's own line (cells start on lines 2, 6 and 9), with the helpers' lines below the error
      expect(failure.line).toBe(9);
      expect(failure.stack.split('\n').slice(1)).toEqual([`    at fail (${dir}/util.ts:4:9)`, `    at boom (${dir}/matrix.ts:10:10)`, `    at ${dir}/exp.ts:9:1`]);
      evaluator?.close();
      // a module that does not compile fails the cell that imports it, at its import, in one line that names the module's line
      writeFileSync(join(dir, 'bad.ts'), 'const x: number = 1;\nexport const y = x +;\n');
      const bad = await runAll(join(dir, 'exp.ts'), ['const a = 1;', "import { y } from './bad.js';"]);
      expect(failureOf(bad[1])).toMatchObject({ message: `SyntaxError: unexpected ";" (${dir}/bad.ts:2:21)`, line: 4 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a TypeScript module's import() loads ES modules and TypeScript beside it; an ES module it cannot require() is named, not the TypeScript module", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-cell-ts-dynamic-'));
    try {
      writeFileSync(join(dir, 'tla.mjs'), 'await Promise.resolve();\nexport const v = 5;\n');
      writeFileSync(join(dir, 'twice.ts'), 'export const twice = (n: number): number => n * 2;\n');
      // import() in a module had no loader (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING)
      writeFileSync(join(dir, 'lazy.ts'), "export async function lazy(): Promise<number> {\n  const { v } = await import('./tla.mjs');\n  const { twice } = await import('./twice.ts');\n  return twice(v);\n}\n");
      // its static import of an ES module with top-level await was blamed on static.ts, with advice that failed the same way
      writeFileSync(join(dir, 'static.ts'), "import { v } from './tla.mjs';\nexport const w: number = v;\n");
      const outcomes = await runAll(join(dir, 'exp.ts'), ["import { lazy } from './lazy.ts';\nif (await lazy() !== 10) throw new Error('lazy');", "import { w } from './static.ts';"]);
      expect(outcomes[0]).toEqual({ ok: true });
      expect(failureOf(outcomes[1]).message).toBe(
        `Error: './tla.mjs', which ${join(dir, 'static.ts')} imports, is an ES module that require() cannot load (it uses top-level await), and perfcell runs a TypeScript module as CommonJS: ` +
          "load it with `await import('./tla.mjs')` inside a function there, or import it in a cell with `await import()`",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives cells the file\'s import.meta, in JavaScript and TypeScript, with the lines after it where they are', async () => {
    // cells run as scripts: "SyntaxError: Cannot use 'import.meta' outside a module", the cell not run
    for (const file of ['/tmp/dir/exp.js', '/tmp/dir/exp.ts']) {
      const outcomes = await runAll(file, [
        'const here = import.meta;\nconst { url, filename, dirname } = import.meta;',
        `if (url !== 'file://${file}' || filename !== '${file}' || dirname !== '/tmp/dir' || here.url !== url) throw new Error(\`meta \${url} \${filename} \${dirname}\`);\nthrow new Error(import.meta.filename);`,
      ]);
      expect(outcomes[0]).toEqual({ ok: true });
      expect(failureOf(outcomes[1])).toMatchObject({ message: `Error: ${file}`, line: 6 });
      evaluator?.close();
    }
  });

  it('says a JavaScript cell that ends too early does, at its own last line, not at the next cell\'s marker', async () => {
    // before: "SyntaxError: Unexpected token ';'" at the line after the cell (the end mark's ';')
    const outcomes = await runAll('/tmp/cells.js', ['const fine = 1;\nconst y = (', 'function f( {', 'const ok = 2;']);
    expect(failureOf(outcomes[0])).toMatchObject({ message: 'SyntaxError: unexpected end of input (the cell ends too early)', line: 3 });
    expect(failureOf(outcomes[1])).toMatchObject({ message: 'SyntaxError: unexpected end of input (the cell ends too early)', line: 5 });
    expect(outcomes[2]).toEqual({ ok: true });
  });

  it('says which failures are code that did not compile (none of it ran), in JavaScript and TypeScript, and which are code that ran', async () => {
    const js = await runAll('/tmp/cells.js', ['const y = (', 'const = 1;', 'eval("(")', 'throw new SyntaxError("made")']);
    expect(js.map((outcome) => failureOf(outcome).reason)).toEqual(['syntax', 'syntax', undefined, undefined]);
    evaluator?.close();
    const ts = await runAll('/tmp/cells.ts', ['const b: = 2;', 'const ok: number = 1;']);
    expect(failureOf(ts[0])).toMatchObject({ reason: 'syntax', line: 2 });
    expect(ts[1]).toEqual({ ok: true });
  });

  it('keeps its scope through a garbage collection (the context must stay referenced)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    evaluator = createCellEvaluator('/tmp/cells.js');
    expect(await evaluator.run(evaluator.prepare({ title: 'a', code: 'const kept = 7;', startLine: 1 }))).toMatchObject({ ok: true });
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
    gc();
    expect(await evaluator.run(evaluator.prepare({ title: 'b', code: 'if (kept !== 7) throw new Error("lost");', startLine: 3 }))).toMatchObject({ ok: true });
  });

  it('keeps cells out of perfcell\'s own globals', async () => {
    await runAll('/tmp/cells.js', ['var leaked = 1; globalThis.alsoLeaked = 2;']);
    expect('leaked' in globalThis).toBe(false);
    expect('alsoLeaked' in globalThis).toBe(false);
  });

  it('prepares a file\'s cells at once (prepareAll) exactly as one by one: code, URLs, compile failures, error lines', async () => {
    const sources = [
      { title: 'types', code: 'const n: number = 2;\ninterface P { x: number }', startLine: 2 },
      { title: 'import', code: "import { basename } from 'node:path';\nconst base = basename('/a/b');", startLine: 5 },
      { title: 'broken', code: 'const = 1;', startLine: 8 },
      { title: 'import and await', code: "import { sep } from 'node:path';\nawait sep;", startLine: 10 },
      { title: 'throws', code: 'const m = n * 2;\n\nif (base === "b") throw new Error(`m is ${m}`);', startLine: 13 },
    ];
    const oneByOne = createCellEvaluator('/tmp/cells.ts', { typescript: true });
    const single = sources.map((source) => oneByOne.prepare(source));
    oneByOne.close();
    evaluator = createCellEvaluator('/tmp/cells.ts', { typescript: true });
    const batch = await evaluator.prepareAll(sources);
    const shape = (cell: (typeof batch)[number]) => ({ title: cell.source.title, url: cell.sourceUrl, code: cell.compiled?.code ?? null, failure: cell.compileFailure });
    expect(batch.map(shape)).toEqual(single.map(shape));
    expect(batch.map((cell) => cell.sourceUrl)).toEqual(sources.map((_, index) => `/tmp/cells.ts#cell${index + 1}`));
    expect(batch[2]?.compileFailure?.line).toBe(8);
    // an import statement is a const: it goes with top-level await
    expect(batch[3]?.compileFailure).toBeNull();
    const outcomes = [];
    for (const cell of batch) outcomes.push(await evaluator.run(cell));
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, false, true, false]);
    // mapped back through the batch's own source map: the throw is on the cell's third line
    const thrown = failureOf(outcomes[4]);
    expect(thrown.message).toMatch(/m is 4/);
    expect(thrown.line).toBe(15);
  });

  it('runs JavaScript without import or export as written, not through esbuild; its syntax errors come from V8 at their file line', async () => {
    evaluator = createCellEvaluator('/tmp/cells.js');
    const plain = evaluator.prepare({ title: 'plain', code: 'const spaced  =  1   // kept as typed', startLine: 2 });
    expect(plain.compiled?.code).toBe('const spaced  =  1   // kept as typed');
    const [batchPlain, withImport] = await evaluator.prepareAll([
      { title: 'plain', code: 'let total = spaced + 1', startLine: 4 },
      { title: 'import', code: "import { sep } from 'node:path';\nconst s = sep;", startLine: 6 },
    ]);
    expect(batchPlain?.compiled?.code).toBe('let total = spaced + 1');
    expect(withImport?.compiled?.code).toBe("const { sep } = __perfcellImport('node:path');\nconst s = sep;");
    const broken = evaluator.prepare({ title: 'broken', code: 'const fine = 1;\nlet broken = ;', startLine: 9 });
    expect(broken.compileFailure).toBeNull();
    const outcomes = [];
    for (const cell of [plain, batchPlain, withImport, broken]) {
      const { marks: _marks, ...outcome } = await evaluator.run(cell as NonNullable<typeof cell>);
      outcomes.push(outcome);
    }
    expect(outcomes.slice(0, 3)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    const failure = failureOf(outcomes[3]);
    expect(failure.message).toMatch(/^SyntaxError: /);
    expect(failure.line).toBe(10);
  });
});
