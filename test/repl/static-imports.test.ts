import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createEvaluator } from '../../src/repl/evaluator.ts';
import { rewriteStaticImports } from '../../src/repl/static-imports.ts';
import { cliPath } from '../support/fixtures.ts';

describe('import … from in the REPL and await import() in cells (issue 13)', () => {
  it('rewrites each form of static import to await import() and leaves other code alone', () => {
    expect(rewriteStaticImports("import fs from 'node:fs'")).toBe("const { default: fs } = await import('node:fs');");
    expect(rewriteStaticImports('import { join, basename as base } from "node:path";')).toBe('const { join, basename: base } = await import("node:path");');
    expect(rewriteStaticImports("import * as os from 'node:os'")).toBe("const os = await import('node:os');");
    expect(rewriteStaticImports("import def, * as ns from './m.js'")).toBe("const ns = await import('./m.js'); const def = ns.default;");
    // a statement over several lines keeps them, so the lines after it keep their numbers
    expect(rewriteStaticImports("import def, {\n  a,\n  type T,\n} from 'm'\nthrow 1")).toBe("const { default: def, a } = await import('m');\n\n\n\nthrow 1");
    expect(rewriteStaticImports("import type { T } from 'm'\nconst x = 1")).toBe('\nconst x = 1');
    expect(rewriteStaticImports("import 'side-effect'")).toBe("await import('side-effect');");
    expect(rewriteStaticImports("import data from './d.json' with { type: 'json' }")).toBe("const { default: data } = await import('./d.json', { with: { type: 'json' } });");
    for (const code of ["const m = await import('x')", 'import.meta.url', "const s = 'import x from \"y\"'", 'important()']) expect(rewriteStaticImports(code)).toBe(code);
  });

  it('the REPL evaluator runs import … from, and the names stay for later commands', async () => {
    const evaluator = createEvaluator();
    try {
      await evaluator.evaluate("import { join, basename as base } from 'node:path'");
      expect(await evaluator.evaluate("join('a', base('/x/b.txt'))")).toBe('a/b.txt');
      await evaluator.evaluate("import * as os from 'node:os'");
      expect(await evaluator.evaluate('typeof os.cpus')).toBe('function');
      const t = await evaluator.evaluate("import type { Stats } from 'node:fs';\nconst n: number = 3; n * 2");
      expect(t).toBe(6);
    } finally {
      evaluator.close();
    }
  });

  it('cells run await import() and import … from, with no experimental warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-import-'));
    try {
      const file = join(dir, 'imports.js');
      writeFileSync(join(dir, 'beside.mjs'), 'export const where = "beside the cell file";\n');
      // a relative dynamic import is the cell file's, as its import statements are (perfcell runs in another folder here)
      writeFileSync(file, "// %% dynamic\nconst path = await import('node:path');\nconsole.log(path.basename('/a/b.txt'));\nconsole.log((await import('./beside.mjs')).where);\n// %% static\nimport { join } from 'node:path';\nconsole.log(join('x', 'y'));\n");
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [cliPath, 'cells', '--no-perf', file], { encoding: 'utf8', cwd: tmpdir() });
      expect(stdout).toMatch(/^b\.txt$/m);
      expect(stdout).toMatch(/^beside the cell file$/m);
      expect(stdout).toMatch(/^x\/y$/m);
      expect(stderr).not.toMatch(/ExperimentalWarning|failed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
