// An esbuild plugin: bundle simple-statistics from its per-function sources (index.js re-exports
// src/*.js), marked free of side effects, instead of its one-file build. That build computes its
// tables as it loads (the standard normal table alone is 310 series) and esbuild must keep every
// such statement, so each lane that used `median` paid for all of them at every start:
// `perfcell compare --help` 95.1 → 87.2 ms median (scripts/lib/wall-ab.mjs, 40 turns, BENCHMARKS.md
// "Pace notes" 2026-12-04 17:30). The functions are the same code either way (the build is made
// from these sources).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function simpleStatisticsBySource() {
  // the package's exports name only "." and "./package.json": its folder is found through the latter
  const folder = dirname(createRequire(import.meta.url).resolve('simple-statistics/package.json'));
  return {
    name: 'simple-statistics-by-source',
    setup(build) {
      build.onResolve({ filter: /^simple-statistics$/ }, () => ({ path: join(folder, 'index.js'), sideEffects: false }));
      build.onResolve({ filter: /^\.\.?\// }, (args) => (args.importer.startsWith(`${folder}/`) ? { path: join(args.resolveDir, args.path), sideEffects: false } : undefined));
    },
  };
}
