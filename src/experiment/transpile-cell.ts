import type { TransformFailure, TransformResult } from 'esbuild';
import { loadEsbuild } from '../esbuild-on-demand.ts';
import { createPositionMapper, type SourcePosition } from '../../parsers/source-map-lines.ts';
import { rewriteImportStatements } from '../repl/static-imports.ts';

/**
 * The function a cell's import statements load through (cell-evaluator.ts puts it in the cells'
 * scope): the module as `require()` from the cell file gives it, as a namespace with `default`.
 */
export const CELL_IMPORT = '__perfcellImport';

/**
 * What a cell's `import.meta` reads (cell-evaluator.ts puts it in the cells' scope): cells run as
 * scripts, where `import.meta` is a SyntaxError, so esbuild puts this name in its place.
 */
export const CELL_IMPORT_META = '__perfcellImportMeta';

/**
 * A cell's `import … from 'x'` statements as consts loaded by CELL_IMPORT: the names stay in the
 * cells' scope, so later cells see them as they see any top-level const (esbuild's CommonJS
 * output would rename them: `import path from 'path'` becomes `import_path.default`).
 */
function withCellImports(code: string): string {
  return rewriteImportStatements(code, (specifier) => `${CELL_IMPORT}(${specifier})`);
}

/** A cell's code as it will run, and the way back from its positions to the cell's own lines. */
export interface TranspiledCell {
  readonly code: string;
  /** Generated (1-based line, column) → the cell's own line and column (1-based); null when unmapped. */
  mapPosition(line: number, column: number): SourcePosition | null;
}

/** The code cannot be compiled; line and column are the cell's own (1-based), null when unknown. */
export interface CellCompileProblem {
  readonly message: string;
  readonly line: number | null;
  readonly column: number | null;
}

export type TranspileResult = { readonly cell: TranspiledCell } | { readonly problem: CellCompileProblem };

// esbuild prints each import or export statement at the start of a line of its output.
const MODULE_SYNTAX = /^(import\s*[\w{*'"]|export\s)/m;

/**
 * Strips TypeScript types with esbuild (JavaScript with export statements or imports that are not
 * whole lines passes through the same way, so both map their lines alike; other JavaScript runs as
 * written). Import statements at the start of a line become consts first (withCellImports), with
 * their lines kept; a TypeScript import is kept even where the cell does not use its names (later
 * cells may), as under `verbatimModuleSyntax`: an import of types alone wants `import type`. A cell
 * with other module syntax is compiled to CommonJS, because cells run as scripts.
 * @example transpileCell('const n: number = 1', { typescript: true }) // { cell: { code: 'const n = 1;\n', … } }
 */
export function transpileCell(source: string, options: TranspileOptions): TranspileResult {
  const code = withCellImports(source);
  if (runsAsWritten(code, options)) return asWritten(code);
  const base = baseOptions(options);
  try {
    const { transformSync } = loadEsbuild();
    let result = transformSync(code, base);
    if (MODULE_SYNTAX.test(result.code)) result = transformSync(code, { ...base, format: 'cjs' });
    return compiled(result);
  } catch (error: unknown) {
    return failed(error);
  }
}

/**
 * transpileCell for many cells at once, results in the same order: esbuild transforms them side by
 * side instead of one round trip each (200 one-line cells: ~100 ms against ~250 ms on this 2-CPU VM).
 */
export function transpileCells(codes: readonly string[], options: TranspileOptions): Promise<TranspileResult[]> {
  const base = baseOptions(options);
  return Promise.all(
    codes.map(async (source) => {
      const code = withCellImports(source);
      if (runsAsWritten(code, options)) return asWritten(code);
      try {
        const { transform } = loadEsbuild();
        let result = await transform(code, base);
        if (MODULE_SYNTAX.test(result.code)) result = await transform(code, { ...base, format: 'cjs' });
        return compiled(result);
      } catch (error: unknown) {
        return failed(error);
      }
    }),
  );
}

/**
 * JavaScript with no `import` or `export` anywhere (not even in a string) runs as written: esbuild
 * would give back the same program reprinted, and loading and starting it cost a `cells` run of a
 * .js file ~18 ms. Its syntax errors then come from V8, at the same lines.
 */
function runsAsWritten(code: string, options: TranspileOptions): boolean {
  return !options.typescript && !/\b(?:import|export)\b/.test(code);
}

function asWritten(code: string): TranspileResult {
  return { cell: { code, mapPosition: (line, column) => ({ line, column }) } };
}

interface TranspileOptions {
  readonly typescript: boolean;
  readonly sourcefile?: string;
}

function baseOptions(options: TranspileOptions) {
  return { loader: options.typescript ? 'ts' : 'js', sourcemap: 'external', sourcefile: options.sourcefile ?? 'cell', define: { 'import.meta': CELL_IMPORT_META } } as const;
}

function compiled(result: TransformResult): TranspileResult {
  const mapper = createPositionMapper((JSON.parse(result.map) as { mappings: string }).mappings);
  return { cell: { code: result.code, mapPosition: (line, column) => mapper.map(line, column) } };
}

/** esbuild's first error as the cell's problem, at the cell's own line and column; anything else is rethrown. */
function failed(error: unknown): TranspileResult {
  const first = (error as Partial<TransformFailure>).errors?.[0];
  if (first === undefined) throw error;
  const text = /top-level await/i.test(first.text)
    ? 'a cell cannot mix export statements (or an import that does not start its line) with top-level await (move them to a cell of their own)'
    : first.text.charAt(0).toLowerCase() + first.text.slice(1);
  return {
    problem: {
      message: `SyntaxError: ${text}`,
      line: first.location?.line ?? null,
      column: first.location === null || first.location === undefined ? null : first.location.column + 1,
    },
  };
}
