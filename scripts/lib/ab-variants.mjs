// What the scripts that time builds taking turns share (wall-ab.mjs, repl-ab.mjs and
// report-to-exit.mjs all of it; run-ab.mjs, compare-ab.mjs, means-ab.mjs and bench-pace.mjs the
// order or the environments): their arguments, VARIANTS_JSON [ROUNDS] [COMMON_ARGV_JSON], each
// variant { name, cmd: [file, ...args], env? }; the order of each round (reversed every other
// one); the environment each variant runs in: NODE_EXTRA_CA_CERTS unset, NO_COLOR, and a
// code-cache folder of its own (XDG_CACHE_HOME, unless its env sets one): a lane writing its cache
// deletes other builds' (src/cli/lane-loader.ts), so two builds taking turns in one folder would
// each compile anew every run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The script's arguments, or its usage line on stderr and exit 2. */
export function abArguments(script, defaultRounds) {
  const [variantsJson, roundsText = String(defaultRounds), argvJson = '[]'] = process.argv.slice(2);
  if (variantsJson === undefined) {
    process.stderr.write(`usage: node scripts/lib/${script} VARIANTS_JSON [ROUNDS=${defaultRounds}] [COMMON_ARGV_JSON=[]]\n`);
    process.exit(2);
  }
  return { variants: JSON.parse(variantsJson), rounds: Number(roundsText), argv: JSON.parse(argvJson) };
}

/** Round `round`'s order: the variants as given, reversed every other round. */
export function turnOrder(variants, round) {
  return round % 2 === 0 ? variants : [...variants].reverse();
}

/** Each variant's environment (envOf), in code-cache folders under one temporary folder that remove() deletes. */
export function abEnvironments(variants) {
  const cacheRoot = mkdtempSync(join(tmpdir(), 'perfcell-ab-'));
  return {
    envOf(variant) {
      const env = { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(cacheRoot, String(variants.indexOf(variant))), ...variant.env };
      delete env.NODE_EXTRA_CA_CERTS;
      return env;
    },
    remove: () => rmSync(cacheRoot, { recursive: true, force: true }),
  };
}
