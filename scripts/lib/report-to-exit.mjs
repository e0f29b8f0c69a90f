// How long perfcell takes to end once its last output is out: for each of a few builds (or
// environment switches) taking turns, the time from the last chunk read on its stdout to its exit,
// and the whole wall, medians. For a change to how a command ends (BENCHMARKS.md "Pace notes",
// 2026-12-04 15:20: compare exiting from 'beforeExit').
//
//   node scripts/lib/report-to-exit.mjs VARIANTS_JSON [ROUNDS=20] [COMMON_ARGV_JSON=[]]
//   e.g. (the build before the change copied to /tmp/A, sleep-ms from scripts/bench-pace.mjs):
//   node scripts/lib/report-to-exit.mjs '[{"name":"before","cmd":["/tmp/A/dist/app/cli.cjs"]},
//     {"name":"after","cmd":["dist/app/cli.cjs"]}]' 20 '["compare","--warmup","2","--runs","10","--","/tmp/sleep-ms 7","/tmp/sleep-ms 6"]'
// Each variant, and the environment it runs in (a code-cache folder of its own): ab-variants.mjs.
import { spawn } from 'node:child_process';
import { abArguments, abEnvironments, turnOrder } from './ab-variants.mjs';
import { median } from './benchmarks-md.mjs';

const { variants, rounds, argv } = abArguments('report-to-exit.mjs', 20);
const environments = abEnvironments(variants);
const results = Object.fromEntries(variants.map((variant) => [variant.name, { tailMs: [], wallMs: [] }]));

/** One run: [ms from the last stdout chunk to the exit, ms in all]. */
function timedRun(variant) {
  const env = environments.envOf(variant);
  const startMs = performance.now();
  const child = spawn(variant.cmd[0], [...variant.cmd.slice(1), ...argv], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  let lastChunkMs = startMs;
  child.stdout.on('data', () => (lastChunkMs = performance.now()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      const endMs = performance.now();
      if (code !== 0) process.stderr.write(`${variant.name} exited ${code}\n`);
      resolve([endMs - lastChunkMs, endMs - startMs]);
    });
  });
}

for (let round = 0; round < rounds; round++) {
  for (const variant of turnOrder(variants, round)) {
    const [tailMs, wallMs] = await timedRun(variant);
    results[variant.name].tailMs.push(tailMs);
    results[variant.name].wallMs.push(wallMs);
  }
}
for (const variant of variants) {
  const { tailMs, wallMs } = results[variant.name];
  console.log(`${variant.name.padEnd(12)} last output → exit median ${median(tailMs).toFixed(1)} ms  wall median ${median(wallMs).toFixed(1)} ms  n ${tailMs.length}`);
}
environments.remove();
