import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A project of a user's that depends on perfcell as `npm link` makes it: a folder under TMPDIR
 * (named from `prefix`) whose node_modules/perfcell is a link to this checkout, its package.json
 * of type module, so that `import … from 'perfcell'` in an .mjs file there resolves through
 * package.json's exports to the build. The caller removes it.
 */
export function linkedUserProject(prefix: string): string {
  const project = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(fileURLToPath(new URL('../../', import.meta.url)), join(project, 'node_modules', 'perfcell'), 'dir');
  writeFileSync(join(project, 'package.json'), '{ "type": "module", "private": true }\n');
  return project;
}
