import { v8Collect } from '../session/settle.ts';

/**
 * Makes `gc()` callable from REPL commands and cells, so a person can see what a release frees,
 * without re-executing node with --expose-gc (a second process would double perfcell's memory,
 * and one killed would orphan the other). The gc() is the one settling uses (session/settle.ts,
 * v8Collect: V8 installs it in contexts created after the flag is set, so one throwaway context
 * hands it over). Returns false where V8 refused.
 */
export function exposeGc(target: { gc?: unknown } = globalThis): boolean {
  if (typeof target.gc === 'function') return true;
  const gc = v8Collect();
  if (gc === null) return false;
  target.gc = gc;
  return true;
}
