import { createRequire } from 'node:module';

export type Esbuild = typeof import('esbuild');
let esbuild: Esbuild | null = null;

/**
 * esbuild, loaded on first use only, with require (the lanes run as a vm.Script, where a dynamic
 * import() fails). Loading it and the node: modules it needs (crypto, worker_threads, …) cost
 * `compare`'s start-up ~8 ms, and about 11 MiB of RSS in a process that measures itself (the REPL,
 * the cells); a compare of commands, or JavaScript that needs no compiling, never loads it.
 */
export function loadEsbuild(): Esbuild {
  esbuild ??= createRequire(import.meta.url)('esbuild') as Esbuild;
  return esbuild;
}
