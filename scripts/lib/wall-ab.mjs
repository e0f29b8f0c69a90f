// Wall time of a few command lines taking turns (the order reversed every other round), medians:
// for a change too small for one bench-pace round, against the build before it or an environment
// switch. The A/Bs in BENCHMARKS.md's "Pace notes" of 2026-12-02 13:27 were taken with it.
//
//   node scripts/lib/wall-ab.mjs VARIANTS_JSON ROUNDS COMMON_ARGV_JSON
//   e.g. (200 trivial cells as bench-pace writes them, the build before the change copied to /tmp/A):
//   node scripts/lib/wall-ab.mjs '[{"name":"before","cmd":["node","/tmp/A/dist/app/cli.cjs","cells","-e","page-faults"]},
//     {"name":"after","cmd":["node","dist/app/cli.cjs","cells","-e","page-faults"]}]' 20 '["/tmp/trivial.js"]'
// Each variant: { name, cmd: [file, ...args], env?: {...} }; NODE_EXTRA_CA_CERTS is unset for all,
// and each variant gets a code-cache folder of its own (XDG_CACHE_HOME, unless its env sets one): a
// lane writing its cache deletes other builds' (src/cli/lane-loader.ts), so two builds taking turns
// in one folder would each compile anew every run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [variantsJson, roundsText = '10', argvJson = '[]'] = process.argv.slice(2);
if (variantsJson === undefined) {
  process.stderr.write('usage: node scripts/lib/wall-ab.mjs VARIANTS_JSON [ROUNDS=10] [COMMON_ARGV_JSON=[]]\n');
  process.exit(2);
}
const variants = JSON.parse(variantsJson);
const cacheRoot = mkdtempSync(join(tmpdir(), 'perfcell-wall-ab-'));
const argv = JSON.parse(argvJson);
const wallsMs = Object.fromEntries(variants.map((variant) => [variant.name, []]));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
for (let round = 0; round < Number(roundsText); round++) {
  for (const variant of round % 2 === 0 ? variants : [...variants].reverse()) {
    const env = { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(cacheRoot, String(variants.indexOf(variant))), ...variant.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const startMs = performance.now();
    // stdout to /dev/null (a parse of a large file prints more than a pipe's buffer would take)
    const result = spawnSync(variant.cmd[0], [...variant.cmd.slice(1), ...argv], { encoding: 'utf8', env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
    wallsMs[variant.name].push(performance.now() - startMs);
    if (result.status !== 0) process.stderr.write(`${variant.name} exited ${result.status}: ${result.stderr.slice(-200)}\n`);
  }
}
for (const variant of variants) console.log(`${variant.name.padEnd(12)} median ${median(wallsMs[variant.name]).toFixed(1)} ms  n ${wallsMs[variant.name].length}`);
rmSync(cacheRoot, { recursive: true, force: true });
