// npm pack's prepack: removes from dist/app what the last build did not write (chunks of earlier
// builds, which scripts/build.mjs keeps for 10 minutes for processes that started before it), so
// the tarball holds one build. Fails when there is no build to pack.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const app = 'dist/app';
const manifest = join(app, '.manifest.json');
if (!existsSync(manifest)) {
  console.error('prepack: dist/app/.manifest.json is missing: run npm run build first');
  process.exit(1);
}
const keep = new Set([...JSON.parse(readFileSync(manifest, 'utf8')), '.manifest.json']);
let removed = 0;
for (const name of readdirSync(app)) {
  if (keep.has(name)) continue;
  rmSync(join(app, name), { force: true });
  removed += 1;
}
if (removed > 0) console.error(`prepack: removed ${removed} file(s) of earlier builds from dist/app`);
