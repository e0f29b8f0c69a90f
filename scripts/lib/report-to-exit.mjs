// How long perfcell takes to end once its last output is out: for each of a few builds (or
// environment switches) taking turns, the time from the last chunk read on its stdout to its exit,
// and the whole wall, medians. For a change to how a command ends (BENCHMARKS.md "Pace notes",
// 2026-12-04 15:20: compare exiting from 'beforeExit').
//
//   node scripts/lib/report-to-exit.mjs VARIANTS_JSON [ROUNDS=20] [COMMON_ARGV_JSON=[]]
//   e.g. (the build before the change copied to /tmp/A, sleep-ms from scripts/bench-pace.mjs):
//   node scripts/lib/report-to-exit.mjs '[{"name":"before","cmd":["/tmp/A/dist/app/cli.cjs"]},
//     {"name":"after","cmd":["dist/app/cli.cjs"]}]' 20 '["compare","--warmup","2","--runs","10","--","/tmp/sleep-ms 7","/tmp/sleep-ms 6"]'
// Variants as wall-ab.mjs's ({ name, cmd, env? }), each with a code-cache folder of its own;
// NODE_EXTRA_CA_CERTS is unset for all.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [variantsJson, roundsText = '20', argvJson = '[]'] = process.argv.slice(2);
if (variantsJson === undefined) {
  process.stderr.write('usage: node scripts/lib/report-to-exit.mjs VARIANTS_JSON [ROUNDS=20] [COMMON_ARGV_JSON=[]]\n');
  process.exit(2);
}
const variants = JSON.parse(variantsJson);
const argv = JSON.parse(argvJson);
const cacheRoot = mkdtempSync(join(tmpdir(), 'perfcell-report-to-exit-'));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = Object.fromEntries(variants.map((variant) => [variant.name, { tailMs: [], wallMs: [] }]));

/** One run: [ms from the last stdout chunk to the exit, ms in all]. */
function timedRun(variant, index) {
  const env = { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(cacheRoot, String(index)), ...variant.env };
  delete env.NODE_EXTRA_CA_CERTS;
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

for (let round = 0; round < Number(roundsText); round++) {
  for (const variant of round % 2 === 0 ? variants : [...variants].reverse()) {
    const [tailMs, wallMs] = await timedRun(variant, variants.indexOf(variant));
    results[variant.name].tailMs.push(tailMs);
    results[variant.name].wallMs.push(wallMs);
  }
}
for (const variant of variants) {
  const { tailMs, wallMs } = results[variant.name];
  console.log(`${variant.name.padEnd(12)} last output → exit median ${median(tailMs).toFixed(1)} ms  wall median ${median(wallMs).toFixed(1)} ms  n ${tailMs.length}`);
}
rmSync(cacheRoot, { recursive: true, force: true });
