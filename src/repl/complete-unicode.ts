import inspector from 'node:inspector';
import vm from 'node:vm';

// JavaScript's identifiers (ECMA-262 IdentifierName), as the kernel's inspect.ts reads them.
const NAME = String.raw`[\p{ID_Start}_$][\p{ID_Continue}$\u200C\u200D]*`;
/**
 * `path.to.object.partial` (or `?.` for a dot) at the end of a line: [, the object's path or
 * undefined, the dot after it, the partial name or undefined].
 */
const COMPLETABLE = new RegExp(String.raw`(?<![\p{ID_Continue}$\u200C\u200D.])(?:((?:${NAME}\??\.)*${NAME})(\??\.))?(${NAME})?$`, 'u');
const IDENTIFIER = new RegExp(`^${NAME}$`, 'u');
const ASCII = /^[\x00-\x7f]*$/;

/**
 * Completions of the name path that ends `line` (`é.ab`, `𝒳.`, `o.grö`, `é?.ab`) where it holds a
 * non-ASCII character, as [matches, the text they replace] like node:repl's completer gives them:
 * that completer reads names as ASCII (`\w`), so `é.a` got the globals that start with `a` in
 * place of é's members. Names come from the object (the cells' scope where there is no dot: the
 * global object and `lexicalNames`, the top level's let, const and class) and its prototypes, as
 * node:repl lists them; evaluating the path may run getters, as there. Null where the text is
 * ASCII: node:repl's completer reads that right.
 */
export function completeUnicodePath(line: string, lexicalNames: () => readonly string[] = globalLexicalNames): readonly [readonly string[], string] | null {
  const match = COMPLETABLE.exec(line);
  if (match === null || ASCII.test(match[0])) return null;
  const [replaced, objectPath, dot = '.', partial = ''] = match;
  let target: unknown = globalThis;
  if (objectPath !== undefined) {
    try {
      target = vm.runInThisContext(objectPath);
    } catch {
      return [[], replaced];
    }
  }
  const names = new Set<string>(objectPath === undefined ? lexicalNames().filter((name) => name.startsWith(partial)) : []);
  for (let object: unknown = target === null || target === undefined ? null : Object(target); object !== null; object = Object.getPrototypeOf(object)) {
    for (const name of Object.getOwnPropertyNames(object)) if (name.startsWith(partial) && IDENTIFIER.test(name)) names.add(name);
  }
  const head = objectPath === undefined ? '' : `${objectPath}${dot}`;
  return [[...names].sort().map((name) => head + name), replaced];
}

/**
 * The names a let, const or class at the top level declares (no properties of the global object,
 * so `const élan = 1; él<Tab>` offered nothing), asked of V8's inspector as node:repl's completer
 * asks it for its own; a session in this thread answers at once. None where there is no inspector.
 */
function globalLexicalNames(): readonly string[] {
  let names: readonly string[] = [];
  try {
    const session = new inspector.Session();
    session.connect();
    try {
      session.post('Runtime.globalLexicalScopeNames', {}, (error, result) => {
        if (error === null) names = result.names;
      });
    } finally {
      session.disconnect();
    }
  } catch {
    // node built without the inspector: the global object's names only
  }
  return names;
}
