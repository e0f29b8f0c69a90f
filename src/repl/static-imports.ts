/**
 * Static `import … from 'x'` statements as code that a script can run: node:repl and the cells'
 * inspector REPL mode evaluate scripts, where an import statement is a SyntaxError. Each static
 * import at the start of a line becomes a `const` with the same names, loaded by `load`, so the
 * names stay in the scope like any other top-level const (later commands and cells see them).
 * TypeScript's `import type` (and `type` names in braces) go away. A statement that spans lines
 * keeps its line count, so the positions of the code after it do not move.
 * Code without an import statement comes back as it was.
 */
export type ImportLoader = (specifier: string, attributes: string | undefined) => string;

/**
 * The REPL's form: `await import('x')` with its bindings destructured.
 * @example rewriteStaticImports("import fs, { join as j } from 'node:path'") // "const { default: fs, join: j } = await import('node:path');"
 */
export function rewriteStaticImports(code: string): string {
  return rewriteImportStatements(code, (specifier, attributes) => `await import(${specifier}${attributes === undefined ? '' : `, { with: ${attributes} }`})`);
}

export function rewriteImportStatements(code: string, load: ImportLoader): string {
  if (!/^\s*import\b/m.test(code)) return code;
  // Only a clause of names, braces, commas, `as`, `*` and `type` between `import` and `from`: it cannot run across statements or strings.
  const statement = /^([ \t]*)import\s+(?:(type)\s+)?([\w$\s{},*]+?)\s*from\s*(['"][^'"\n]+['"])(\s*(?:with|assert)\s*\{[^}]*\})?[ \t]*;?/gm;
  const sideEffect = /^([ \t]*)import\s*(['"][^'"\n]+['"])[ \t]*;?/gm;
  return code
    .replace(statement, (match: string, indent: string, typeOnly: string | undefined, clause: string, specifier: string, withClause: string | undefined) => {
      const keepLines = '\n'.repeat(match.split('\n').length - 1);
      if (typeOnly !== undefined) return `${indent}${keepLines}`;
      const loaded = load(specifier, withClause === undefined ? undefined : withClause.replace(/^\s*(?:with|assert)\s*/, ''));
      const namespace = /^(?:([\w$]+)\s*,\s*)?\*\s*as\s+([\w$]+)$/.exec(clause.trim());
      if (namespace !== null) {
        const withDefault = namespace[1] === undefined ? '' : ` const ${namespace[1]} = ${namespace[2]}.default;`;
        return `${indent}const ${namespace[2]} = ${loaded};${withDefault}${keepLines}`;
      }
      return `${indent}${bindingsOf(clause)} = ${loaded};${keepLines}`;
    })
    .replace(sideEffect, (_match, indent: string, specifier: string) => `${indent}${load(specifier, undefined)};`);
}

/** `X, { a, b as c, type T }` → `const { default: X, a, b: c }`. */
function bindingsOf(clause: string): string {
  const named = /\{([^}]*)\}/.exec(clause)?.[1] ?? '';
  const defaultName = clause.replace(/\{[^}]*\}/, '').replace(/,/g, ' ').trim();
  const parts = named
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '' && !part.startsWith('type '))
    .map((part) => part.replace(/^([\w$]+)\s+as\s+([\w$]+)$/, '$1: $2'));
  if (defaultName !== '') parts.unshift(`default: ${defaultName}`);
  return `const { ${parts.join(', ')} }`;
}
