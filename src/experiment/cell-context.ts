import vm from 'node:vm';

/**
 * The context a file's cells run in: a global of its own, without the interceptors of a
 * contextified one (`vm.constants.DONT_CONTEXTIFY`). Behind those, every lookup of a global in a
 * cell (`Math`, `Float64Array`, a top-level `function`) went through a C++ callback that V8 cannot
 * cache: `for (…) s += Math.sqrt(k)` ran 22× slower in a cell than in plain Node, and a
 * random-access cache experiment built on `Math.random()` 9× (BENCHMARKS.md, Cell speed): it
 * timed the lookups, not the misses. The context's global is the object returned, so what is
 * defined on it is what cells see. A Node 20 before DONT_CONTEXTIFY (20.18) gets a contextified one.
 */
export function createCellContext(name: string): vm.Context {
  // absent before Node 20.18, whatever the types say
  const bare = vm.constants.DONT_CONTEXTIFY as typeof vm.constants.DONT_CONTEXTIFY | undefined;
  // `await import('x')` in a cell: node's own loader, as for the main script (a callback of our own
  // would need --experimental-vm-modules)
  const options = { name, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER };
  return bare === undefined ? vm.createContext({}, options) : vm.createContext(bare, options);
}
