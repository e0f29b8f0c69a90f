import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeCell, jupyterMissing, runNotebook } from './jupyter.ts';

const REPORT_MIME = 'application/vnd.perfcell.report+json';
const MIB = 1024 * 1024;

interface Output {
  readonly output_type: string;
  readonly data?: Record<string, unknown>;
  readonly ename?: string;
  readonly evalue?: string;
}

const cells = [
  "import { makeMatrix } from './matrix.ts'\nmakeMatrix(2).flat().join('-')",
  "const m = await import('./matrix.js');\nm.makeMatrix === makeMatrix",
];

/**
 * A notebook beside matrix.ts imports it as a cell file's cells do (typescript-modules.ts), from
 * the notebook's folder, where Jupyter starts the kernel (nbclient, as run here, from its own
 * working directory): node:repl's import() refused it with 'Unknown file extension ".ts"'.
 */
describe.skipIf(jupyterMissing !== null)('perfcell kernel: local TypeScript modules', () => {
  let dir = '';
  let executed: { outputs: Output[] }[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'perfcell-kernel-ts-'));
    writeFileSync(join(dir, 'matrix.ts'), "import { scale } from './scale.js';\nexport function makeMatrix(n: number): number[][] {\n  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => scale(i * n + j)));\n}\n");
    writeFileSync(join(dir, 'scale.ts'), 'export const scale = (x: number): number => x * 2;\n');
    const out = runNotebook(dir, 'perfcell-ts', cells.map(codeCell), { allowErrors: true, cwd: dir });
    executed = (JSON.parse(out) as { cells: { outputs: Output[] }[] }).cells;
  }, 150_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const valueOf = (index: number): unknown => {
    const outputs = executed[index]?.outputs ?? [];
    const error = outputs.find((output) => output.output_type === 'error');
    expect(error, `${error?.ename}: ${error?.evalue}`).toBeUndefined();
    const text = outputs.find((output) => output.output_type === 'execute_result')?.data?.['text/plain'];
    return Array.isArray(text) ? text.join('') : text;
  };

  it("runs an import statement of matrix.ts (which imports './scale.js'), the compile outside the cell's report", () => {
    expect(valueOf(0)).toBe("'0-2-4-6'");
    const report = executed[0]!.outputs.find((output) => output.data?.[REPORT_MIME] !== undefined)?.data?.[REPORT_MIME] as { memory: { usedBytes: number } };
    // esbuild loaded and compiling in the cell had cost it some 11 MiB
    expect(report.memory.usedBytes).toBeLessThan(4 * MIB);
  });

  it('runs import() of NodeNext\'s ./matrix.js, the same module', () => {
    expect(valueOf(1)).toBe('true');
  });
});

if (jupyterMissing !== null) console.warn(jupyterMissing);
