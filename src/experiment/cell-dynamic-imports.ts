import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `import('./x.mjs')` in a cell as the cell file sees it: a relative specifier written as a string
 * becomes the file URL beside the cell file. The cells' dynamic imports go through Node's own
 * loader (vm's USE_MAIN_CONTEXT_DEFAULT_LOADER), which resolves them from the working directory,
 * while their import statements (require() from the cell file) resolve from the file: run from
 * another folder, `await import('./lib.mjs')` failed where `import … from './lib.mjs'` worked.
 * Only a quoted relative specifier is changed (not a bare one, nor one built at run time); a
 * match inside a string or comment that spells out such a call is changed too.
 * @example fileRelativeDynamicImports("await import('./lib.mjs')", '/exp') // "await import('file:///exp/lib.mjs')"
 */
export function fileRelativeDynamicImports(code: string, directory: string): string {
  if (!code.includes('import')) return code;
  return code.replace(/(?<![\w$.])(import\s*\(\s*)(['"])(\.{1,2}\/[^'"\\\n]*)\2/g, (_match, call: string, quote: string, specifier: string) => `${call}${quote}${pathToFileURL(resolve(directory, specifier)).href}${quote}`);
}
