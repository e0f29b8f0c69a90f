#!/usr/bin/env node
/**
 * The `perfcell` executable. It loads as little as the command needs before it starts working:
 * `--version` reads package.json and nothing else; `run` and `parse` (whose start-up is measured
 * against perf stat's, BENCHMARKS.md "Start-up") and `compare` (against hyperfine's, "Pace") run a
 * bundle of their own, a "lane": one CommonJS
 * file built apart from the other commands and compiled with a V8 code cache (lane-loader.ts); any
 * other command goes through main.ts, loading its module.
 */
import { firstCommandWord } from './argv.ts';
import { runLane } from './lane-loader.ts';

/** The commands that have a lane bundle next to this file, comma-separated (scripts/build.mjs defines it; none when run from dist/src). */
declare const __PERFCELL_LANES__: string | undefined;
const lanes: readonly string[] = typeof __PERFCELL_LANES__ === 'undefined' ? [] : __PERFCELL_LANES__.split(',');

const first = firstCommandWord(process.argv);
if (first === '-V' || first === '--version') {
  const { version } = await import('../version.ts');
  process.stdout.write(`${version}\n`);
} else if (first !== undefined && lanes.includes(first)) {
  runLane(first, import.meta.url);
} else {
  const [{ main }, { loadCommand }] = await Promise.all([import('./main.ts'), import('./command-loaders.ts')]);
  await main(process.argv, loadCommand);
}
