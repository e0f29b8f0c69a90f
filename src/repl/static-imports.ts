/**
 * `import … from 'x'` as the REPL can run it: node:repl evaluates scripts, where an import
 * statement is a SyntaxError, but awaits at the top level; so each static import at the start of
 * a line becomes the matching `await import('x')` with its bindings destructured, and the names
 * stay in the REPL's scope like any other top-level const. TypeScript's `import type` goes away.
 * Code without an import statement comes back as it was.
 * @example rewriteStaticImports("import fs, { join as j } from 'node:path'") // "const { default: fs, join: j } = await import('node:path');"
 */
export function rewriteStaticImports(code: string): string {
  if (!/^\s*import\b/m.test(code)) return code;
  // Only a clause of names, braces, commas, `as`, `*` and `type` between `import` and `from`: it cannot run across statements or strings.
  const statement = /^([ \t]*)import\s+(?:(type)\s+)?([\w$\s{},*]+?)\s*from\s*(['"][^'"\n]+['"])(\s*(?:with|assert)\s*\{[^}]*\})?[ \t]*;?/gm;
  const sideEffect = /^([ \t]*)import\s*(['"][^'"\n]+['"])[ \t]*;?/gm;
  return code
    .replace(statement, (_match, indent: string, typeOnly: string | undefined, clause: string, specifier: string, attributes: string | undefined) => {
      if (typeOnly !== undefined) return indent;
      const options = attributes === undefined ? '' : `, { with: ${attributes.replace(/^\s*(?:with|assert)\s*/, '')} }`;
      const namespace = /^(?:([\w$]+)\s*,\s*)?\*\s*as\s+([\w$]+)$/.exec(clause.trim());
      if (namespace !== null) {
        const withDefault = namespace[1] === undefined ? '' : ` const ${namespace[1]} = ${namespace[2]}.default;`;
        return `${indent}const ${namespace[2]} = await import(${specifier}${options});${withDefault}`;
      }
      return `${indent}${bindingsOf(clause)} = await import(${specifier}${options});`;
    })
    .replace(sideEffect, (_match, indent: string, specifier: string) => `${indent}await import(${specifier});`);
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
