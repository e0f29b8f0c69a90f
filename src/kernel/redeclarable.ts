import { parse, type Node } from 'acorn';

interface Declarator {
  readonly end: number;
  readonly init: Node | null;
}
interface Statement {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly kind?: string;
  readonly declarations?: readonly Declarator[];
  readonly id?: { readonly name: string } | null;
}

/**
 * A notebook cell whose top-level `const`, `let` and `class` declarations may run again: as `var`
 * (a class as `var C = class C …`), because node:repl evaluates each cell as a script, and a
 * script's second `const x` is a SyntaxError ("Identifier 'x' has already been declared") where
 * re-running a cell is how a notebook is used. Only the top level changes (a `let` in a loop or a
 * function stays). What is given up: a top-level const can be assigned afterwards. A `let x;` gets
 * `= undefined`, so a cell run again starts it afresh as before. `const` becomes `var  ` and `let`
 * `var`, so columns stay where they were; code that does not parse comes back as it was, for
 * node:repl to say why.
 * @example redeclarableTopLevel('const a = 1; let b; class C {}') // 'var   a = 1; var b = undefined; var C = class C {};'
 */
export function redeclarableTopLevel(code: string): string {
  if (!/\b(const|let|class)\b/.test(code)) return code;
  let program: { readonly body: readonly Statement[] };
  try {
    program = parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: true, allowHashBang: true }) as unknown as { body: Statement[] };
  } catch {
    return code;
  }
  // edits from the end, so the earlier offsets stay valid
  const edits: Array<{ readonly at: number; readonly remove: number; readonly insert: string }> = [];
  for (const statement of program.body) {
    if (statement.type === 'VariableDeclaration' && (statement.kind === 'const' || statement.kind === 'let')) {
      edits.push({ at: statement.start, remove: statement.kind.length, insert: statement.kind === 'const' ? 'var  ' : 'var' });
      if (statement.kind === 'let') {
        for (const declarator of statement.declarations ?? []) if (declarator.init === null) edits.push({ at: declarator.end, remove: 0, insert: ' = undefined' });
      }
    } else if (statement.type === 'ClassDeclaration' && statement.id) {
      edits.push({ at: statement.start, remove: 0, insert: `var ${statement.id.name} = ` });
      edits.push({ at: statement.end, remove: 0, insert: ';' });
    }
  }
  let result = code;
  for (const edit of edits.sort((a, b) => b.at - a.at)) result = result.slice(0, edit.at) + edit.insert + result.slice(edit.at + edit.remove);
  return result;
}
