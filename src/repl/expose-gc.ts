import { loadV8 } from '../v8-on-demand.ts';
import { runInNewContext } from 'node:vm';

/**
 * Makes `gc()` callable from REPL commands and cells, so a person can see what a release frees,
 * without re-executing node with --expose-gc (a second process would double perfcell's memory,
 * and one killed would orphan the other). V8 installs `gc` in contexts created after the flag is
 * set, so one throwaway context hands it over. Returns false where V8 refused.
 */
export function exposeGc(target: { gc?: unknown } = globalThis): boolean {
  if (typeof target.gc === 'function') return true;
  try {
    loadV8().setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc !== 'function') return false;
    target.gc = gc;
    return true;
  } catch {
    return false;
  }
}
