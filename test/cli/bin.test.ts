import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';

/**
 * The bin (dist/app/cli.cjs, src/cli/bin.ts) is one CommonJS file: a command with a lane, and
 * --version, start without Node's ES module loader, which costs some 7 ms a start here (BENCHMARKS.md,
 * Start-up). NODE_DEBUG=esm makes Node 20's loader log every module it loads: none may show for
 * those; the other commands load full-cli.js through it. Real CLI runs.
 */
const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'perfcell-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cellsFile = join(dir, 'two.js');
writeFileSync(cellsFile, '// %% one\nconst a = 1;\n// %% two\nconst b = a + 1;\n');
const esmLines = (stderr: string): string[] => stderr.split('\n').filter((line) => /^ESM \d+:/.test(line));
const perfcell = (args: readonly string[], input?: string) =>
  execa(process.execPath, [cliPath, ...args], { reject: false, env: { NODE_DEBUG: 'esm', NO_COLOR: '1' }, ...(input === undefined ? {} : { input }) });

describe('the bin', () => {
  it('is the package\'s bin, a CommonJS file', () => {
    const bin = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { perfcell: string } }).bin.perfcell;
    expect(join(root, bin)).toBe(cliPath);
    expect(bin).toMatch(/\.cjs$/);
    // a shell launcher first (scripts/lib/bin-launcher.mjs, test/cli/bin-launcher.test.ts), which execs node on this file
    expect(readFileSync(cliPath, 'utf8')).toMatch(/^#!\/bin\/sh\n":" \/\/;[^\n]*exec node "\$0" "\$@"\n/);
  });

  it.each([
    ['run', ['run', '--no-perf', '--', 'true'], undefined],
    ['parse', ['parse'], '1.0,5,,page-faults,100,100.00,,\n'],
    ['cells', ['cells', '--no-perf', cellsFile], undefined],
    ['--version', ['--version'], undefined],
  ] as const)('runs %s without the ES module loader', async (_name, args, input) => {
    const result = await perfcell(args, input);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(esmLines(result.stderr)).toEqual([]);
  });

  it('answers to its earlier name, dist/app/cli.js, which kernelspecs installed before still run', async () => {
    const result = await execa(process.execPath, [join(root, 'dist', 'app', 'cli.js'), 'kernel', 'list', '--json'], { reject: false });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toBeTypeOf('object');
  });

  it('loads the other commands as ES modules, through full-cli.js', async () => {
    const result = await perfcell(['events', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(esmLines(result.stderr).some((line) => line.includes('/dist/app/full-cli.js'))).toBe(true);
    expect(JSON.parse(result.stdout)).toBeTypeOf('object');
  });
});
