// fs.promises, not node:fs/promises: Node loads it at its first use, not at every command's start
import { promises as fsPromises, readFileSync, statSync } from 'node:fs';
import type { TransformFailure, TransformOptions, TransformResult } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { loadEsbuild } from '../esbuild-on-demand.ts';
import { silenceWarning } from '../silence-warning.ts';
import { CELL_IMPORT_TYPESCRIPT, mappedFileRelativeDynamicImports } from './cell-dynamic-imports.ts';
import { cellImport, importTypeScriptBy } from './cell-import.ts';
import { createPositionMapper, type SourcePosition } from '../../parsers/source-map-lines.ts';
import { typedSyntaxHead } from '../repl/typed-positions.ts';

const TYPESCRIPT_FILE = /\.[cm]?tsx?$/;
/** A JavaScript extension and the TypeScript ones its file is compiled from, as tsc's NodeNext resolution maps them. */
const SOURCE_EXTENSIONS: Readonly<Record<string, readonly string[]>> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

/** How a module is compiled: TypeScript to CommonJS, with a source map back to its lines. */
function compileOptions(file: string): TransformOptions {
  return {
    loader: file.endsWith('x') ? 'tsx' : 'ts',
    format: 'cjs',
    platform: 'node',
    sourcemap: 'external',
    sourcefile: file,
    // CommonJS has no import.meta: esbuild would make it {}
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(file).href), 'import.meta.filename': JSON.stringify(file), 'import.meta.dirname': JSON.stringify(dirname(file)) },
    logLevel: 'silent',
  };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The TypeScript file a relative (or absolute) specifier names from `directory`, as a TypeScript
 * program's own imports name it: `./m.ts` itself; `./m.js` for `./m.ts` where no `./m.js` exists
 * (NodeNext's way of writing the import); `./m` for `./m.ts` or `./m/index.ts` where require()
 * finds no JavaScript for it. Undefined for a package, a `node:` module, or a file require() loads.
 * @example resolveTypeScriptFile('./matrix.js', '/exp', (p) => p === '/exp/matrix.ts') // '/exp/matrix.ts'
 */
export function resolveTypeScriptFile(specifier: string, directory: string, exists: (path: string) => boolean = isFile): string | undefined {
  // ('.' and '..' too: a folder's index.ts, as require('.') finds its index.js)
  if (!/^(?:\.{1,2}(?:\/|$)|\/)/.test(specifier)) return undefined;
  const path = resolve(directory, specifier);
  if (TYPESCRIPT_FILE.test(path)) return exists(path) ? path : undefined;
  if (exists(path)) return undefined;
  // '.', '..' and a trailing '/' name a folder alone, as require() reads them: its index, never
  // the file beside the folder ('.' in lib/ had loaded ../lib.ts, not lib/index.ts)
  if (/(?:^|\/)\.{0,2}$/.test(specifier)) {
    if (['/index.js', '/index.json'].some((suffix) => exists(path + suffix))) return undefined;
    return ['/index.ts', '/index.tsx'].map((suffix) => path + suffix).find(exists);
  }
  const extension = /\.[cm]?jsx?$/.exec(path)?.[0];
  const candidates =
    extension === undefined
      ? ['.js', '.json', '/index.js'].some((suffix) => exists(path + suffix))
        ? []
        : ['.ts', '.tsx', '/index.ts', '/index.tsx'].map((suffix) => path + suffix)
      : (SOURCE_EXTENSIONS[extension] ?? []).map((source) => path.slice(0, -extension.length) + source);
  return candidates.find(exists);
}

export interface TypeScriptModules {
  /**
   * Compiles ahead, side by side, the TypeScript modules these specifiers name from `fromFile`,
   * and the TypeScript those import, so a cell that loads one runs it without compiling it. A
   * module that does not compile is left for its load to fail in its cell.
   */
  precompile(specifiers: readonly string[], fromFile: string): Promise<void>;
  /** Node's require() from `file` (createRequire), with the TypeScript files it names compiled (resolveTypeScriptFile). */
  createRequire(file: string): NodeJS.Require;
  /** A stack with the positions in compiled TypeScript modules turned back into their files' own. */
  rewriteStack(stack: string): string;
}

/**
 * The local TypeScript modules a file's cells import (`import { f } from './matrix.js'` beside a
 * matrix.ts): Node 20's require() and import() load no TypeScript, so each is compiled with esbuild
 * to CommonJS, one file at a time, with its own imports of TypeScript files loaded the same way,
 * and run once (a second import gets the same module). The modules the cells import are compiled
 * before the first cell runs (precompile), as the cells are: compiled in the cell that loaded it,
 * a two-file module cost that cell 150-210 ms and 10.6 MiB (esbuild's synchronous service). Its
 * positions map back through the compilation's source map, so the stack of a throw in a helper
 * names the helper's own lines.
 */
export function createTypeScriptModules(): TypeScriptModules {
  const loaded = new Map<string, { exports: unknown }>();
  const mappers = new Map<string, { map(line: number, column: number): SourcePosition | null; readonly typedLines: readonly string[] }>();
  /** Compiled ahead by precompile(), by file; taken by the module's load. */
  const compiling = new Map<string, Promise<void>>();
  /** Compiles ever started: precompile waits until a round starts none (a failed one leaves `compiling`, so its size cannot tell). */
  let startedCount = 0;
  const ready = new Map<string, TransformResult>();
  /** Compiled ahead and refused by esbuild, by file, with the text it refused: its load throws that, compiling nothing. */
  const refused = new Map<string, { readonly text: string; readonly failure: unknown }>();

  /** Starts compiling `file`, and then the TypeScript it imports, each once; its promise is in `compiling`. */
  const compileAhead = (file: string): void => {
    if (compiling.has(file)) return;
    const compiled = (async () => {
      let text: string | null = null;
      try {
        text = await fsPromises.readFile(file, 'utf8');
        refused.delete(file);
        const result = await loadEsbuild().transform(text, compileOptions(file));
        ready.set(file, result);
        // esbuild writes each import of the module as require("…") in its CommonJS output, and
        // keeps an import("…"); not awaited here: modules that import each other would wait for
        // each other for ever
        for (const match of result.code.matchAll(/\b(?:require|import)\("([^"\\]+)"\)/g)) {
          const typescript = resolveTypeScriptFile(match[1] as string, dirname(file));
          if (typescript !== undefined) compileAhead(typescript);
        }
      } catch (error: unknown) {
        // left for its load to fail in its cell: with esbuild's own error where it refused the text
        // (compiled again there, the one-line error had cost the cell some 80 ms and 10 MiB of
        // esbuild's synchronous service), else compiled there (esbuild's service gone: a Ctrl-C
        // ends it); a later precompile tries the file again
        if (text !== null && isTransformFailure(error)) refused.set(file, { text, failure: error });
        compiling.delete(file);
      }
    })();
    compiling.set(file, compiled);
    startedCount += 1;
  };

  const compile = (file: string): TransformResult => {
    const ahead = ready.get(file);
    if (ahead !== undefined) return ahead;
    const text = readFileSync(file, 'utf8');
    const refusal = refused.get(file);
    if (refusal !== undefined && refusal.text === text) throw compileError(file, refusal.failure);
    try {
      return loadEsbuild().transformSync(text, compileOptions(file));
    } catch (error: unknown) {
      throw compileError(file, error);
    }
  };

  const load = (file: string): unknown => {
    const cached = loaded.get(file);
    if (cached !== undefined) return cached.exports;
    const result = compile(file);
    // its import() through node's own loader, as a cell's (it had no loader: ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING),
    // a relative specifier written as the file beside it and a TypeScript module's loaded as its imports are
    const rewritten = mappedFileRelativeDynamicImports(result.code, dirname(file));
    const map = JSON.parse(result.map) as { mappings: string; sourcesContent?: string[] };
    const mapper = createPositionMapper(map.mappings);
    mappers.set(file, { map: (line, column) => mapper.map(line, rewritten.originalColumn(line, column)), typedLines: (map.sourcesContent?.[0] ?? '').split('\n') });
    const module = { exports: {} as unknown, id: file, filename: file, loaded: false };
    // before it runs, as CommonJS does: a cycle of imports gets the exports so far
    loaded.set(file, module);
    silenceWarning(/USE_MAIN_CONTEXT_DEFAULT_LOADER/);
    const run = vm.compileFunction(rewritten.code, ['exports', 'require', 'module', '__filename', '__dirname', CELL_IMPORT_TYPESCRIPT], {
      filename: file,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    }) as (...args: unknown[]) => void;
    try {
      const require = moduleRequire(file, true);
      run.call(module.exports, module.exports, require, module, file, dirname(file), importTypeScriptBy(cellImport(require)));
    } catch (error: unknown) {
      // as CommonJS forgets a module whose load threw: the next import reads the file again (its
      // compile kept, a REPL's fixed module kept throwing 'boom at load')
      loaded.delete(file);
      ready.delete(file);
      compiling.delete(file);
      throw error;
    }
    module.loaded = true;
    return module.exports;
  };

  /** require() from `file`: a cell file's (or a REPL's), or a compiled TypeScript module's (`isModule`). */
  function moduleRequire(file: string, isModule: boolean): NodeJS.Require {
    const nodeRequire = createRequire(file);
    const directory = dirname(file);
    const require = (specifier: string): unknown => {
      const typescript = resolveTypeScriptFile(specifier, directory);
      if (typescript !== undefined) return load(typescript);
      try {
        return nodeRequire(specifier);
      } catch (error: unknown) {
        throw isModule ? nestedModuleError(error, specifier, file) : error;
      }
    };
    return Object.assign(require, nodeRequire);
  }

  return {
    async precompile(specifiers, fromFile) {
      for (const specifier of specifiers) {
        const typescript = resolveTypeScriptFile(specifier, dirname(fromFile));
        if (typescript !== undefined) compileAhead(typescript);
      }
      // until no compiled module has started another (by count, not by compiling.size: a module
      // started in the round a failed one left made it the same, and went unawaited)
      for (let seen = -1; seen !== startedCount; ) {
        seen = startedCount;
        await Promise.all(compiling.values());
      }
    },
    createRequire: (file) => moduleRequire(file, false),
    rewriteStack(stack) {
      if (mappers.size === 0) return stack;
      // the compiled files by name, longest first: a path may hold spaces and parentheses (`at f
      // (/home/me/my lab (v2)/matrix.ts:3:9)`), which a pattern for any path stopped at
      const files = [...mappers.keys()].sort((a, b) => b.length - a.length).map((file) => file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      const frame = new RegExp(`(?<=^\\s+at (?:.*\\()?)(${files.join('|')}):(\\d+):(\\d+)(?=\\)?$)`, 'gm');
      // a SyntaxError V8 raised in a module's code that esbuild let through (a decorator) names
      // the compiled line ('mod.ts:24', esbuild's helpers above it) and shows its reprint
      const headed = typedSyntaxHead(stack, (file, line, column) => {
        const module = mappers.get(file);
        const position = module?.map(line, column);
        const text = position == null ? undefined : module?.typedLines[position.line - 1];
        return position == null || text === undefined ? null : { ...position, text };
      });
      return headed.replace(frame, (whole, file: string, line: string, column: string) => {
        const position = mappers.get(file)?.map(Number(line), Number(column));
        return position == null ? whole : `${file}:${position.line}:${position.column}`;
      });
    },
  };
}

function isTransformFailure(error: unknown): boolean {
  return ((error as Partial<TransformFailure>).errors?.length ?? 0) > 0;
}

/** esbuild's "Transform failed with 1 error:" and its location on a line of their own, as one line, as a syntax error of a cell reads; any other error as it is. */
function compileError(file: string, error: unknown): unknown {
  const first = (error as Partial<TransformFailure>).errors?.[0];
  if (first === undefined) return error;
  const where = first.location == null ? file : `${file}:${first.location.line}:${first.location.column + 1}`;
  return new SyntaxError(`${first.text.charAt(0).toLowerCase()}${first.text.slice(1)} (${where})`);
}

/**
 * An ES module that require() cannot load (top-level await; any ES module before Node 20.19)
 * imported by a TypeScript module, which perfcell compiles to CommonJS: the error names both and
 * what to write instead. It was blamed on the TypeScript module the cell imported ("'./matrix.ts'
 * is an ES module that require() cannot load here … load it with `await import('./matrix.ts')`"),
 * whose import() goes through the same require() and failed the same way. Other errors pass.
 */
function nestedModuleError(error: unknown, specifier: string, file: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') return error;
  const why = code === 'ERR_REQUIRE_ASYNC_MODULE' ? ' (it uses top-level await)' : '';
  return Object.assign(
    new Error(`'${specifier}', which ${file} imports, is an ES module that require() cannot load${why}, and perfcell runs a TypeScript module as CommonJS: load it with \`await import('${specifier}')\` inside a function there, or import it in a cell with \`await import()\``, { cause: error }),
    { code: 'PERFCELL_NESTED_ES_MODULE' },
  );
}
