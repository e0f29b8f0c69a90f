import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandReport } from '../../src/session/report.ts';
import { cliPath } from '../support/fixtures.ts';

const MIB = 1024 * 1024;
let dir = '';
afterEach(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
  dir = '';
});

/**
 * A REPL started in a folder holding matrix.ts loads it as a cell file's cells do
 * (typescript-modules.ts): node:repl's import() refused it with 'Unknown file extension ".ts"'.
 * Its compile (esbuild: some 100-290 ms and 11 MiB of RSS here when done in the line) happens
 * before the line's window opens.
 */
describe('perfcell repl: local TypeScript modules', () => {
  it('imports matrix.ts by an import statement, import(), NodeNext\'s .js and no extension, from the working directory, the compile outside the line', { timeout: 60_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'perfcell-repl-ts-'));
    writeFileSync(join(dir, 'matrix.ts'), "import { scale } from './scale.js';\nexport function makeMatrix(n: number): number[][] {\n  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => scale(i * n + j)));\n}\n");
    writeFileSync(join(dir, 'scale.ts'), 'export const scale = (x: number): number => x * 2;\n');
    writeFileSync(join(dir, 'fails.ts'), "export function fail(): never {\n  const why: string = 'from the helper';\n  throw new Error(why);\n}\n");
    const input = [
      "import { makeMatrix } from './matrix.ts'",
      "makeMatrix(2).flat().join('-')",
      "const m = await import('./matrix.js')",
      'm.makeMatrix === makeMatrix',
      "import { fail } from './fails'",
      'fail()',
      '',
    ].join('\n');
    const result = await execa(process.execPath, [cliPath, 'repl', '--json', '--no-perf'], { cwd: dir, input, reject: false, timeout: 60_000, env: { NO_COLOR: '1', PERFCELL_REPL_HISTORY: '' } });
    expect(result.exitCode, result.stderr).toBe(0);
    const reports = result.stdout.split('\n').map((line) => JSON.parse(line) as CommandReport);
    expect(reports.map((report) => report.exitCode)).toEqual([0, 0, 0, 0, 0, 1]);
    expect(result.stderr).not.toContain('Unknown file extension');
    expect(result.stderr).toContain("'0-2-4-6'");
    expect(result.stderr).toMatch(/\btrue\n/);
    // the helper's throw names its own line, not the compiled module's
    expect(result.stderr).toContain(`${join(dir, 'fails.ts')}:3:`);
    // esbuild loaded and compiling in the line had cost it some 11 MiB
    expect(reports[0]?.memory.usedBytes).toBeLessThan(4 * MIB);
  });

  it("require()s matrix.ts too, as a cell's require() does (node:repl's read it as JavaScript: 'Unexpected token'), its compile outside the line", { timeout: 60_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'perfcell-repl-ts-'));
    writeFileSync(join(dir, 'matrix.ts'), 'export interface Matrix { readonly n: number }\nexport const twice = (n: number): number => n * 2;\n');
    writeFileSync(join(dir, 'plain.cjs'), 'module.exports = { plain: true };\n');
    const input = ["const { twice } = require('./matrix.ts')", 'twice(21)', "require('./matrix') === require(\"./matrix.js\")", "require('./plain.cjs').plain", "'require(\\'./matrix.ts\\')'", ''].join('\n');
    const result = await execa(process.execPath, [cliPath, 'repl', '--json', '--no-perf'], { cwd: dir, input, reject: false, timeout: 60_000, env: { NO_COLOR: '1', PERFCELL_REPL_HISTORY: '' } });
    expect(result.exitCode, result.stderr).toBe(0);
    const reports = result.stdout.split('\n').map((line) => JSON.parse(line) as CommandReport);
    expect(reports.map((report) => report.exitCode)).toEqual([0, 0, 0, 0, 0]);
    expect(result.stderr).not.toContain('Unexpected token');
    expect(result.stderr).toMatch(/\b42\n[^]*\btrue\n[^]*\btrue\n/);
    // a string that spells the call out stays a string
    expect(result.stderr).toContain("\"require('./matrix.ts')\"");
    expect(reports[0]?.memory.usedBytes).toBeLessThan(4 * MIB);
  });

  it('a module whose load threw is read again at the next import, once it is mended, as CommonJS reads it (a review: the first compile was kept, and it threw on)', { timeout: 60_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'perfcell-repl-ts-'));
    writeFileSync(join(dir, 'boom.ts'), "throw new Error('boom at load');\n");
    const input = [
      "await import('./boom.ts').then(() => 'loaded', (error) => 'first: ' + error.message)",
      `require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'boom.ts'))}, 'export const v: number = 2;\\n')`,
      "await import('./boom.ts').then((module) => 'mended: ' + module.v, (error) => 'still: ' + error.message)",
      '',
    ].join('\n');
    const result = await execa(process.execPath, [cliPath, 'repl', '--json', '--no-perf'], { cwd: dir, input, reject: false, timeout: 60_000, env: { NO_COLOR: '1', PERFCELL_REPL_HISTORY: '' } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain("'first: boom at load'");
    expect(result.stderr).toContain("'mended: 2'");
  });
});
