import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveTypeScriptFile } from './typescript-modules.ts';

/**
 * `import('./x.mjs')` in a cell as the cell file sees it: a relative specifier written as a string
 * becomes the file URL beside the cell file. The cells' dynamic imports go through Node's own
 * loader (vm's USE_MAIN_CONTEXT_DEFAULT_LOADER), which resolves them from the working directory,
 * while their import statements (require() from the cell file) resolve from the file: run from
 * another folder, `await import('./lib.mjs')` failed where `import … from './lib.mjs'` worked.
 * Only a quoted relative specifier is changed (not a bare one, nor one built at run time); a
 * match inside a string or comment that spells out such a call is changed too.
 * A specifier of a local TypeScript module (typescript-modules.ts), which Node's loader refuses
 * (`Unknown file extension ".ts"`), is loaded as the cell's import statements load it instead:
 * through CELL_IMPORT_TYPESCRIPT (cell-evaluator.ts puts it in the cells' scope), by its path.
 * @example fileRelativeDynamicImports("await import('./lib.mjs')", '/exp') // "await import('file:///exp/lib.mjs')"
 * @example fileRelativeDynamicImports("await import('./matrix.js')", '/exp') // "await __perfcellImportTypeScript('/exp/matrix.ts')" where only matrix.ts is there
 */
export function fileRelativeDynamicImports(code: string, directory: string, findTypeScript: (specifier: string, directory: string) => string | undefined = resolveTypeScriptFile): string {
  if (!code.includes('import')) return code;
  return code.replace(/(?<![\w$.])(import\s*\(\s*)(['"])(\.{1,2}\/[^'"\\\n]*)\2/g, (_match, call: string, quote: string, specifier: string) => {
    const typescript = findTypeScript(specifier, directory);
    if (typescript !== undefined) return `${CELL_IMPORT_TYPESCRIPT}(${JSON.stringify(typescript)}`;
    return `${call}${quote}${pathToFileURL(resolve(directory, specifier)).href}${quote}`;
  });
}

/** The function a cell's `import()` of a local TypeScript module becomes: its path in, a promise of its namespace out. */
export const CELL_IMPORT_TYPESCRIPT = '__perfcellImportTypeScript';
