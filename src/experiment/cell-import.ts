/**
 * What a cell's `import … from 'x'` loads (transpile-cell.ts): `require('x')` from the cell file as
 * a namespace, its `default` the module itself unless the module was compiled from ES module syntax
 * (`__esModule`), as esbuild's and TypeScript's CommonJS interop have it. An ES module that
 * require() cannot load (before Node 20.19, or one with top-level await): the error says what to write instead.
 */
export function cellImport(require: NodeJS.Require): (specifier: string) => unknown {
  return (specifier) => {
    let loaded: unknown;
    try {
      loaded = require(specifier);
    } catch (error: unknown) {
      const code = (error as { code?: unknown }).code;
      if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw error;
      throw new Error(`'${specifier}' is an ES module that require() cannot load here, and a cell's import statements go through require(): load it with \`await import('${specifier}')\`, which finds it from the cell file too`);
    }
    const isEsModule = typeof loaded === 'object' && loaded !== null && (loaded as { __esModule?: unknown }).__esModule === true;
    if (isEsModule) return loaded;
    // the module's own properties (named imports) through the prototype, `default` the module
    return (typeof loaded === 'object' || typeof loaded === 'function') && loaded !== null ? Object.create(loaded, { default: { value: loaded, enumerable: true } }) : { default: loaded };
  };
}

/**
 * What CELL_IMPORT_TYPESCRIPT is in a scope (cell-dynamic-imports.ts): a local TypeScript module's
 * path in, a promise of what `load` (cellImport) makes of it out, settling as import() does and
 * rejecting with what loading threw.
 */
export function importTypeScriptBy(load: (file: string) => unknown): (file: string) => Promise<unknown> {
  return (file) => Promise.resolve().then(() => load(file));
}
