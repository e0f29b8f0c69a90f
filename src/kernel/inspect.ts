import { inspect } from 'node:util';
import vm from 'node:vm';

// JavaScript's identifiers (ECMA-262 IdentifierName): Unicode ID_Start and ID_Continue, $, _, ZWNJ and ZWJ.
const NAME_PATH = /[\p{ID_Start}_$][\p{ID_Continue}$\u200C\u200D]*(?:\.[\p{ID_Start}_$][\p{ID_Continue}$\u200C\u200D]*)*$/u;
const NAME_TAIL = /^[\p{ID_Continue}$\u200C\u200D]*/u;

/**
 * inspect_reply for the name under the cursor (`a.b.c`): its type and util.inspect text, read
 * from the cells' global scope (where top-level const and let live too). Only plain name paths
 * are read; getters on the path may run.
 */
export function inspectAt(code: string, cursorPos: number, detailLevel: number): Record<string, unknown> {
  const chars = [...code];
  const before = chars.slice(0, cursorPos).join('');
  const after = chars.slice(cursorPos).join('');
  const name = (NAME_PATH.exec(before)?.[0] ?? '') + (NAME_TAIL.exec(after)?.[0] ?? '');
  if (name === '' || /^\d/.test(name)) return { status: 'ok', found: false, data: {}, metadata: {} };
  let value: unknown;
  try {
    value = vm.runInThisContext(name);
  } catch {
    return { status: 'ok', found: false, data: {}, metadata: {} };
  }
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  const text = `${name}: ${kind}\n${inspect(value, { depth: detailLevel > 0 ? 4 : 1, breakLength: 100 })}`;
  const source = detailLevel > 0 && typeof value === 'function' ? `\n\n${Function.prototype.toString.call(value)}` : '';
  return { status: 'ok', found: true, data: { 'text/plain': text + source }, metadata: {} };
}
