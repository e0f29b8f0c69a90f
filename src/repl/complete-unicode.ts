import vm from 'node:vm';

// JavaScript's identifiers (ECMA-262 IdentifierName), as inspect.ts reads them.
const NAME = String.raw`[\p{ID_Start}_$][\p{ID_Continue}$\u200C\u200D]*`;
/** `path.to.object.partial` at the end of a line: [, the object's path or undefined, the partial name or undefined]. */
const COMPLETABLE = new RegExp(String.raw`(?<![\p{ID_Continue}$\u200C\u200D.])(?:((?:${NAME}\.)*${NAME})\.)?(${NAME})?$`, 'u');
const IDENTIFIER = new RegExp(`^${NAME}$`, 'u');
const ASCII = /^[\x00-\x7f]*$/;

/**
 * Completions of the name path that ends `line` (`é.ab`, `𝒳.`, `o.grö`) where it holds a
 * non-ASCII character, as [matches, the text they replace] like node:repl's completer gives them:
 * that completer reads names as ASCII (`\w`), so `é.a` got the globals that start with `a` in
 * place of é's members. Names come from the object (the cells' scope where there is no dot) and
 * its prototypes, as node:repl lists them; evaluating the path may run getters, as there. Null
 * where the text is ASCII: node:repl's completer reads that right.
 */
export function completeUnicodePath(line: string): readonly [readonly string[], string] | null {
  const match = COMPLETABLE.exec(line);
  if (match === null || ASCII.test(match[0])) return null;
  const [replaced, objectPath, partial = ''] = match;
  let target: unknown = globalThis;
  if (objectPath !== undefined) {
    try {
      target = vm.runInThisContext(objectPath);
    } catch {
      return [[], replaced];
    }
  }
  const names = new Set<string>();
  for (let object: unknown = target === null || target === undefined ? null : Object(target); object !== null; object = Object.getPrototypeOf(object)) {
    for (const name of Object.getOwnPropertyNames(object)) if (name.startsWith(partial) && IDENTIFIER.test(name)) names.add(name);
  }
  const head = objectPath === undefined ? '' : `${objectPath}.`;
  return [[...names].sort().map((name) => head + name), replaced];
}
