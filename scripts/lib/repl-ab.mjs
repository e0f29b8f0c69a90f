// REPLs taking turns in pseudo-terminals (node-pty), one `1+1⏎` each per round (the order reversed
// every other round), 150 ms apart as in bench-repl.mjs: the time from the keystrokes to the next
// prompt, medians and p90s, and the median of the paired differences against the first variant. For a change
// to the REPL's path too small for bench-repl.mjs's three-way run, or an environment switch.
//
//   node scripts/lib/repl-ab.mjs VARIANTS_JSON [ROUNDS=60]
//   e.g. node scripts/lib/repl-ab.mjs '[{"name":"before","cmd":["node","/tmp/A/dist/app/cli.cjs","repl"]},
//     {"name":"after","cmd":["node","dist/app/cli.cjs","repl"]}]' 100
// Each variant, and the environment it runs in (a code-cache folder of its own): ab-variants.mjs.
import { abArguments, abEnvironments, turnOrder } from './ab-variants.mjs';
import { median, quantile } from './benchmarks-md.mjs';
import { openPtySession, typeLine, waitForPrompt } from './pty-repl.mjs';

const WARMUP = 5;
const THINK_MS = 150;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const { variants, rounds } = abArguments('repl-ab.mjs', 60);
const environments = abEnvironments(variants);
const sessions = variants.map((variant) => {
  const [file, ...args] = variant.cmd;
  return openPtySession(file, args, { name: variant.name, latenciesMs: [] }, environments.envOf(variant));
});
for (const session of sessions) await waitForPrompt(session, 0, 20_000);
await sleep(500);
for (let round = 0; round < WARMUP + rounds; round++) {
  for (const session of turnOrder(sessions, round)) {
    await sleep(THINK_MS);
    const { latencyMs } = await typeLine(session, '1+1', 10_000);
    if (round >= WARMUP) session.latenciesMs.push(latencyMs);
  }
}
const [first] = sessions;
for (const session of sessions) {
  const paired = session === first ? '' : `  paired difference to ${first.name}: median ${median(session.latenciesMs.map((ms, index) => ms - first.latenciesMs[index])).toFixed(2)} ms`;
  console.log(`${session.name.padEnd(12)} median ${median(session.latenciesMs).toFixed(2)} ms  p90 ${quantile(session.latenciesMs, 0.9).toFixed(2)} ms  best ${Math.min(...session.latenciesMs).toFixed(2)} ms  n ${session.latenciesMs.length}${paired}`);
  session.child.kill();
}
environments.remove();
