import type { TransformFailure, TransformResult } from 'esbuild';
import { loadEsbuild } from '../esbuild-on-demand.ts';
import { createPositionMapper, type SourcePosition } from '../../parsers/source-map-lines.ts';

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
 * Strips TypeScript types with esbuild (JavaScript with import or export passes through the same
 * way, so both map their lines alike; other JavaScript runs as written). A cell with `import … from`
 * statements is compiled to CommonJS, because cells run as scripts: its imports become require()
 * calls, which reach node: built-ins and CommonJS packages.
 * @example transpileCell('const n: number = 1', { typescript: true }) // { cell: { code: 'const n = 1;\n', … } }
 */
export function transpileCell(code: string, options: TranspileOptions): TranspileResult {
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
    codes.map(async (code) => {
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
  return { loader: options.typescript ? 'ts' : 'js', sourcemap: 'external', sourcefile: options.sourcefile ?? 'cell' } as const;
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
    ? 'a cell cannot mix import statements with top-level await (use require(), or move the imports to their own cell)'
    : first.text.charAt(0).toLowerCase() + first.text.slice(1);
  return {
    problem: {
      message: `SyntaxError: ${text}`,
      line: first.location?.line ?? null,
      column: first.location === null || first.location === undefined ? null : first.location.column + 1,
    },
  };
}
