import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';

const env = { NO_COLOR: '1', NODE_REPL_HISTORY: '', PERFCELL_REPL_HISTORY: '' };

/** `perfcell repl --no-perf` with `input` piped in (in `cwd`), held to exit 0. */
async function pipedRepl(input: string, cwd?: string) {
  const perfcell = await execa(process.execPath, [cliPath, 'repl', '--no-perf'], { input, reject: false, timeout: 50_000, env, ...(cwd === undefined ? {} : { cwd }) });
  expect(perfcell.exitCode, perfcell.stderr).toBe(0);
  return perfcell;
}

/**
 * The stack of an error the REPL prints names the columns node's own REPL names for the same line:
 * perfcell's start mark on a line's first row is taken back out. A QA pass: in a line with top-level
 * await, node:repl rewrites the mark (`var {} = …;` becomes `void ({} = …);`, three characters
 * longer), so such a line's first-row columns read 3 more than node's (REPL1:1:57 for node's 54).
 */
describe('perfcell repl, stack columns', () => {
  it("names the columns node's REPL names, in lines with and without top-level await", { timeout: 60_000 }, async () => {
    const input = [
      'await Promise.reject(new Error("rejected"))',
      'function thrower() { throw new Error("thrown") }',
      'thrower()',
      'await 1; null.x',
      'await null; thrower()',
      '',
    ].join('\n');
    const frames = (text: string): string[] => text.match(/REPL\d+:\d+:\d+/g) ?? [];
    const node = await execa(process.execPath, ['-i'], { input, reject: false, timeout: 30_000, env });
    const perfcell = await pipedRepl(input);
    // the rejection, the throw in line 2's function (from lines 3 and 5), line 4's TypeError: node's
    // columns (its piped REPL runs the next line before an await settles, so its order differs)
    expect(frames(perfcell.stdout)).toEqual(['REPL1:1:54', 'REPL2:1:28', 'REPL4:1:47', 'REPL2:1:28', 'REPL5:1:45']);
    expect(frames(perfcell.stdout).sort()).toEqual(frames(node.stdout).sort());
  });

  // A QA pass: a line whose types esbuild stripped named positions in esbuild's output (f (REPL1:1:22)
  // for the `z` typed at column 51; g's throw a line early, its interface's line gone).
  it('names the lines and columns of TypeScript lines as typed', { timeout: 60_000 }, async () => {
    const input = [
      'const f = (q: {x:number}): number => (q as any).y.z',
      'f({x:1})',
      'function g(a: number) {',
      '  interface I { x: number }',
      '  const o: I = { x: a };',
      '  return (o as any).q.w;',
      '}',
      'g(1)',
      'await 1; const k: number = (null as any).p',
      '',
    ].join('\n');
    const perfcell = await pipedRepl(input);
    expect(perfcell.stdout.match(/REPL\d+:\d+:\d+/g)).toEqual(['REPL1:1:51', 'REPL7:4:23', 'REPL9:1:42']);
  });

  // A review: the imports' rewrites move what follows them on their line, so a line that imported
  // threw at columns it did not have: k (REPL1:1:123) for the z typed at 59 (a .ts module's
  // require, its path made absolute; JavaScript), h (REPL2:1:86) for 76 (an import statement, TypeScript)
  it('names the columns as typed in a line that imports', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-stack-imports-'));
    try {
      writeFileSync(join(dir, 'mod.ts'), 'export const one: number = 1;\n');
      const input = [
        'const m = require("./mod.ts"); function k(o) { return o.y.z; } k({});',
        'import { join } from "node:path"; function h(o: any) { return (o as any).y.z; } h({});',
        '',
      ].join('\n');
      const perfcell = await pipedRepl(input, dir);
      expect(perfcell.stdout.match(/at [kh] \(REPL\d+:\d+:\d+\)/g)).toEqual(['at k (REPL1:1:59)', 'at h (REPL2:1:76)']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
