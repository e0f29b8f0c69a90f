import { createRequire } from 'node:module';

export type V8 = typeof import('node:v8');
let v8: V8 | null = null;

/**
 * node:v8, loaded on first use only: Node compiles it and its own modules at the first require,
 * 3.1-3.3 ms here, and `run` and compare of programs paid that on their way to the first run for
 * code only a process that measures itself calls (GC recording, settling memory, --expose-gc).
 */
export function loadV8(): V8 {
  v8 ??= createRequire(import.meta.url)('node:v8') as V8;
  return v8;
}
