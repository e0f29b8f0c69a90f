// Wall time of a few command lines taking turns (the order reversed every other round), medians:
// for a change too small for one bench-pace round, against the build before it or an environment
// switch. The A/Bs in BENCHMARKS.md's "Pace notes" of 2026-12-02 13:27 were taken with it.
//
//   node scripts/lib/wall-ab.mjs VARIANTS_JSON ROUNDS COMMON_ARGV_JSON
//   e.g. (200 trivial cells as bench-pace writes them, the build before the change copied to /tmp/A):
//   node scripts/lib/wall-ab.mjs '[{"name":"before","cmd":["node","/tmp/A/dist/app/cli.cjs","cells","-e","page-faults"]},
//     {"name":"after","cmd":["node","dist/app/cli.cjs","cells","-e","page-faults"]}]' 20 '["/tmp/trivial.js"]'
// Each variant, and the environment it runs in (a code-cache folder of its own): ab-variants.mjs.
import { spawnSync } from 'node:child_process';
import { abArguments, abEnvironments, turnOrder } from './ab-variants.mjs';
import { median } from './benchmarks-md.mjs';

const { variants, rounds, argv } = abArguments('wall-ab.mjs', 10);
const environments = abEnvironments(variants);
const wallsMs = Object.fromEntries(variants.map((variant) => [variant.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const variant of turnOrder(variants, round)) {
    const env = environments.envOf(variant);
    const startMs = performance.now();
    // stdout to /dev/null (a parse of a large file prints more than a pipe's buffer would take)
    const result = spawnSync(variant.cmd[0], [...variant.cmd.slice(1), ...argv], { encoding: 'utf8', env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
    wallsMs[variant.name].push(performance.now() - startMs);
    if (result.status !== 0) process.stderr.write(`${variant.name} exited ${result.status}: ${result.stderr.slice(-200)}\n`);
  }
}
for (const variant of variants) console.log(`${variant.name.padEnd(12)} median ${median(wallsMs[variant.name]).toFixed(1)} ms  n ${wallsMs[variant.name].length}`);
environments.remove();
