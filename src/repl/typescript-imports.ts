import { join } from 'node:path';
import { CELL_IMPORT_TYPESCRIPT, LINE_REQUIRE_TYPESCRIPT, typeScriptDynamicImports, typeScriptRequires } from '../experiment/cell-dynamic-imports.ts';
import { cellImport, importTypeScriptBy } from '../experiment/cell-import.ts';
import { createTypeScriptModules } from '../experiment/typescript-modules.ts';
import { beforeCompilerUse } from './typescript.ts';

/** The local TypeScript modules REPL lines and notebook cells import, loaded as a cell file's are. */
export interface LineTypeScriptImports {
  /**
   * The line with each import() of a local TypeScript module (an import statement is one by now,
   * static-imports.ts) loading it by its path, as a cell's does, in `context`; the modules it
   * names, and those they import, are compiled now, so that the line only runs them. Resolves
   * with the code as it was where it imports none.
   */
  prepare(code: string, context: object): Promise<string>;
  /** A stack with the positions in compiled modules turned back into their files' own. */
  rewriteStack(stack: string): string;
}

/**
 * `import { makeMatrix } from './matrix.ts'` (or './matrix.js', './matrix', `await import(…)`,
 * `require(…)`) in the REPL and the kernel, from `directory()` (the working directory, which
 * node:repl resolves a relative import from; Jupyter starts the kernel in the notebook's folder):
 * node:repl's import() refused it with 'Unknown file extension ".ts"', its require() with
 * 'Unexpected token'. The cells' loader (typescript-modules.ts) runs it;
 * its compile is called for before the line's window opens (measured-eval.ts), so esbuild's work
 * is not the line's, as the cells compile theirs before the first cell.
 */
export function createLineTypeScriptImports(directory: () => string = () => process.cwd()): LineTypeScriptImports {
  const modules = createTypeScriptModules();
  return {
    async prepare(code, context) {
      const here = directory();
      const imported = typeScriptDynamicImports(code, here);
      const required = typeScriptRequires(imported.code, here);
      const files = [...imported.files, ...required.files];
      if (files.length === 0) return code;
      if (!Object.hasOwn(context, CELL_IMPORT_TYPESCRIPT)) {
        // the files come by their absolute paths: the require's own folder does not matter
        const require = modules.createRequire(join(here, 'repl'));
        Object.defineProperty(context, CELL_IMPORT_TYPESCRIPT, { value: importTypeScriptBy(cellImport(require)), enumerable: false });
        Object.defineProperty(context, LINE_REQUIRE_TYPESCRIPT, { value: require, enumerable: false });
      }
      beforeCompilerUse();
      await modules.precompile(files, join(here, 'repl'));
      return required.code;
    },
    rewriteStack: (stack) => modules.rewriteStack(stack),
  };
}
