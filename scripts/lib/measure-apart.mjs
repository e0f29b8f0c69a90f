// One parser measurement in a fresh node: `scripts/bench-parser.mjs --measure push|stream FILE` of
// the build at `root` (this checkout's, or another's for an A/B), which warms the JIT with one
// untimed pass first. Shared by bench-parser.mjs, push-ab.mjs and parse-scaling.mjs.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** `{ seconds, cpuSeconds?, records, skipped }` of one `--measure KIND PATH` run of `root`'s bench-parser.mjs. */
export function measureApart(root, kind, path) {
  const result = spawnSync(process.execPath, [join(root, 'scripts/bench-parser.mjs'), '--measure', kind, path], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`${root}: --measure ${kind} failed: ${result.stderr.slice(-300)}`);
  return JSON.parse(result.stdout);
}
