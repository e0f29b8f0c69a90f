import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveTypeScriptFile } from './typescript-modules.ts';

/**
 * `import('./x.mjs')` in a cell as the cell file sees it: a relative specifier written as a string
 * becomes the file URL beside the cell file. The cells' dynamic imports go through Node's own
 * loader (vm's USE_MAIN_CONTEXT_DEFAULT_LOADER), which resolves them from the working directory,
 * while their import statements (require() from the cell file) resolve from the file: run from
 * another folder, `await import('./lib.mjs')` failed where `import … from './lib.mjs'` worked.
 * Only a quoted relative or absolute specifier is changed (not a bare one, nor one built at run time); a
 * match inside a string or comment that spells out such a call is changed too.
 * A specifier of a local TypeScript module (typescript-modules.ts), which Node's loader refuses
 * (`Unknown file extension ".ts"`), is loaded as the cell's import statements load it instead:
 * through CELL_IMPORT_TYPESCRIPT (cell-evaluator.ts puts it in the cells' scope), by its path.
 * @example fileRelativeDynamicImports("await import('./lib.mjs')", '/exp') // "await import('file:///exp/lib.mjs')"
 * @example fileRelativeDynamicImports("await import('./matrix.js')", '/exp') // "await __perfcellImportTypeScript('/exp/matrix.ts')" where only matrix.ts is there
 */
export function fileRelativeDynamicImports(code: string, directory: string, findTypeScript: (specifier: string, directory: string) => string | undefined = resolveTypeScriptFile): string {
  return mappedFileRelativeDynamicImports(code, directory, findTypeScript).code;
}

/**
 * fileRelativeDynamicImports, with the way back from a (1-based) column of the rewritten code to
 * the column it had: a specifier written longer moves what follows it on its line, and a stack
 * mapped through the code's source map as it was named the wrong column (`[await
 * import('./lib.mjs'), boom()]` threw at the `]`, 6 columns past `boom`). Lines do not move.
 */
export function mappedFileRelativeDynamicImports(
  code: string,
  directory: string,
  findTypeScript: (specifier: string, directory: string) => string | undefined = resolveTypeScriptFile,
): { code: string; originalColumn(line: number, column: number): number } {
  // resolved as a URL, as Node's import() reads a specifier: a path's '?v=2' is a query and '%20' a
  // space ('/data/mod.mjs?v=2', which Node loads, had become the file 'mod.mjs%3Fv=2')
  const folder = pathToFileURL(`${resolve(directory)}/`);
  const rewritten = rewriteCalls(code, directory, findTypeScript, IMPORTS, (_match, call, quote, specifier) => `${call}${quote}${new URL(specifier, folder).href}${quote}`);
  return { code: rewritten.code, originalColumn: columnsBack(code, rewritten.edits) };
}

/** One replacement: where it began in the original code, and how long it was before and after. */
interface Edit {
  readonly offset: number;
  readonly before: number;
  readonly after: number;
}

/** A rewritten column back to the original's, from the edits (none spans a line break: a specifier holds none). */
function columnsBack(code: string, edits: readonly Edit[]): (line: number, column: number) => number {
  if (edits.length === 0) return (_line, column) => column;
  const byLine = new Map<number, { start: number; end: number; originalStart: number; added: number }[]>();
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  let addedOnLine = 0;
  for (const edit of edits) {
    for (; scanned < edit.offset; scanned += 1) {
      if (code.charCodeAt(scanned) === 10) {
        line += 1;
        lineStart = scanned + 1;
        addedOnLine = 0;
      }
    }
    const originalStart = edit.offset - lineStart + 1;
    const start = originalStart + addedOnLine;
    const entries = byLine.get(line) ?? [];
    entries.push({ start, end: start + edit.after, originalStart, added: edit.after - edit.before });
    byLine.set(line, entries);
    addedOnLine += edit.after - edit.before;
  }
  return (at, column) => {
    let added = 0;
    for (const entry of byLine.get(at) ?? []) {
      if (column < entry.start) break;
      // (inside the rewritten call: where it began)
      if (column < entry.end) return entry.originalStart;
      added = entry.start - entry.originalStart + entry.added;
    }
    return column - added;
  };
}

/**
 * A REPL line's (or a notebook cell's) `import()` of a local TypeScript module, loaded as a cell's
 * is (CELL_IMPORT_TYPESCRIPT, by its path from `directory`), and the files so named. Every other
 * import() is left as it is: node:repl's own resolves a relative specifier from the working
 * directory already.
 * @example typeScriptDynamicImports("await import('./matrix.ts')", '/exp') // { code: 'await __perfcellImportTypeScript("/exp/matrix.ts")', files: ['/exp/matrix.ts'] } where matrix.ts is there
 */
export function typeScriptDynamicImports(code: string, directory: string, findTypeScript: (specifier: string, directory: string) => string | undefined = resolveTypeScriptFile): { code: string; files: string[] } {
  const { code: rewritten, files } = rewriteCalls(code, directory, findTypeScript, IMPORTS, (match) => match);
  return { code: rewritten, files };
}

/**
 * A REPL line's (or a notebook cell's) `require()` of a local TypeScript module, loaded as a
 * cell's is (LINE_REQUIRE_TYPESCRIPT, by its path from `directory`), and the files so named:
 * node:repl's own require() read `./matrix.ts` as JavaScript (`SyntaxError: Unexpected token
 * 'export'`), where a cell's require() loads it. Every other require() is left as it is.
 * @example typeScriptRequires("const { f } = require('./matrix')", '/exp') // { code: 'const { f } = __perfcellRequireTypeScript(\'/exp/matrix.ts\')', files: ['/exp/matrix.ts'] } where matrix.ts is there
 */
export function typeScriptRequires(code: string, directory: string, findTypeScript: (specifier: string, directory: string) => string | undefined = resolveTypeScriptFile): { code: string; files: string[] } {
  const { code: rewritten, files } = rewriteCalls(code, directory, findTypeScript, REQUIRES, (match) => match);
  return { code: rewritten, files };
}

/** The import() calls of a line or cell, and its require() calls: the word that names them, their pattern, and what a local TypeScript module's becomes. */
interface Calls {
  readonly word: string;
  readonly pattern: RegExp;
  readonly loader: string;
}

/**
 * Each of `calls` in `code` with a quoted relative (or absolute) specifier: a local TypeScript
 * module's through `calls.loader` by its path (the files so named listed), any other as `other`
 * writes it, and where each replacement was (its edits).
 */
function rewriteCalls(
  code: string,
  directory: string,
  findTypeScript: (specifier: string, directory: string) => string | undefined,
  calls: Calls,
  other: (match: string, call: string, quote: string, specifier: string) => string,
): { code: string; files: string[]; edits: Edit[] } {
  const files: string[] = [];
  const edits: Edit[] = [];
  if (!code.includes(calls.word)) return { code, files, edits };
  const rewritten = code.replace(calls.pattern, (match, call: string, quote: string, specifier: string, offset: number) => {
    const typescript = findTypeScript(specifier, directory);
    if (typescript !== undefined) files.push(typescript);
    const replacement = typescript === undefined ? other(match, call, quote, specifier) : `${calls.loader}(${quoted(typescript, quote)}`;
    edits.push({ offset, before: match.length, after: replacement.length });
    return replacement;
  });
  return { code: rewritten, files, edits };
}

/**
 * `path` in the quotes the specifier had: a call spelled out inside a string of the other quote
 * (`console.log("see import('./matrix.ts')")`) stays inside it; JSON's double quotes ended such a
 * string, a SyntaxError where node:repl had taken the line.
 */
function quoted(path: string, quote: string): string {
  return `${quote}${path.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`)}${quote}`;
}

/** `import(` with a quoted relative (or absolute) specifier: the call, the quote, the specifier. */
const DYNAMIC_IMPORT = /(?<![\w$.])(import\s*\(\s*)(['"])((?:\.{1,2}(?:\/[^'"\\\n]*)?|\/[^'"\\\n]*))\2/g;

/** `require(` with a quoted relative (or absolute) specifier: the call, the quote, the specifier. */
const REQUIRE_CALL = /(?<![\w$.])(require\s*\(\s*)(['"])((?:\.{1,2}(?:\/[^'"\\\n]*)?|\/[^'"\\\n]*))\2/g;

/** The function a REPL line's `require()` of a local TypeScript module becomes: its path in, its exports out, as require() gives them. */
export const LINE_REQUIRE_TYPESCRIPT = '__perfcellRequireTypeScript';

/** The function a cell's `import()` of a local TypeScript module becomes: its path in, a promise of its namespace out. */
export const CELL_IMPORT_TYPESCRIPT = '__perfcellImportTypeScript';

const IMPORTS: Calls = { word: 'import', pattern: DYNAMIC_IMPORT, loader: CELL_IMPORT_TYPESCRIPT };
const REQUIRES: Calls = { word: 'require', pattern: REQUIRE_CALL, loader: LINE_REQUIRE_TYPESCRIPT };
