import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { createEvaluator } from '../../src/repl/evaluator.ts';
import { cliPath } from '../support/fixtures.ts';

/**
 * A QA pass: a TypeScript line with a syntax error of its own was shown V8's error at its first
 * type (`let x: number = )` read "Unexpected token ':'", the caret under the ':', as if the REPL
 * took no TypeScript), and under --ts esbuild's message alone, with no line or caret. Now the caret
 * stands where the error is, as typed; plain JavaScript keeps V8's error, as node's REPL shows it.
 */
describe('perfcell repl, a TypeScript syntax error', () => {
  const env = { NO_COLOR: '1', NODE_REPL_HISTORY: '', PERFCELL_REPL_HISTORY: '' };
  const repl = async (lines: readonly string[], ...flags: string[]): Promise<string> => {
    const run = await execa(process.execPath, [cliPath, 'repl', '--no-perf', ...flags], { input: `${lines.join('\n')}\n`, reject: false, timeout: 50_000, env });
    expect(run.exitCode, run.stderr).toBe(0);
    return run.stdout;
  };

  it('points at the error as typed, in TypeScript and in JavaScript, on one line and on two', { timeout: 60_000 }, async () => {
    const stdout = await repl(['let x: number = )', 'const é: string = "é" + )', 'let y = )', 'const z: string = 1 +', ')']);
    expect(stdout).toContain('let x: number = )\n                ^\n\nUncaught SyntaxError: Unexpected ")"\n');
    // the column counts characters, not esbuild's bytes
    expect(stdout).toContain('const é: string = "é" + )\n                        ^\n\nUncaught SyntaxError: Unexpected ")"\n');
    expect(stdout).toContain('let y = )\n        ^\n\nUncaught SyntaxError: Unexpected token \')\'\n');
    // the second line of the command, where its ')' is
    expect(stdout).toContain(')\n^\n\nUncaught SyntaxError: Unexpected ")"\n');
    expect(stdout).not.toContain("Unexpected token ':'");
  });

  // A review: the caret stood under the error only where the line had no tab before it, its
  // spaces one column a tab; node:repl's caret keeps the line's tabs, and so does this one
  it('keeps the tabs before the error in the caret line, as node:repl does', { timeout: 60_000 }, async () => {
    const stdout = await repl(['\tlet x: number = )', '\tlet y = )']);
    expect(stdout).toContain('\tlet x: number = )\n\t                ^\n\nUncaught SyntaxError: Unexpected ")"\n');
    expect(stdout).toContain('\tlet y = )\n\t        ^\n\nUncaught SyntaxError: Unexpected token \')\'\n');
  });

  // A review: a line with a static import showed the line perfcell had made of it for node:repl,
  // 'const { join } = await import("node:path"); let y: number = )', its caret ten columns on
  it('shows a line that imports as typed, the caret under the error', { timeout: 60_000 }, async () => {
    const stdout = await repl(['import { join } from "node:path"; let y: number = )']);
    expect(stdout).toContain(`import { join } from "node:path"; let y: number = )\n${' '.repeat(50)}^\n\nUncaught SyntaxError: Unexpected ")"\n`);
    const evaluator = createEvaluator({ filename: 'cell' });
    try {
      const error = await evaluator.evaluate('let a: number = 1;\nimport { join } from "node:path"; let y: number = )').then(() => null, (thrown: unknown) => thrown);
      expect((error as SyntaxError).stack).toBe(`cell[1]:2\nimport { join } from "node:path"; let y: number = )\n${' '.repeat(50)}^\n\nSyntaxError: Unexpected ")"`);
    } finally {
      evaluator.close();
    }
  });

  // A TypeScript pass: a syntax error V8 raises in code esbuild let through (decorators, which Node
  // 20 lacks) showed perfcell's start mark on the line: 'void __perfcellMark(0);@dec class D {'
  it("shows V8's error in code esbuild let through without perfcell's mark, the caret where it is", { timeout: 60_000 }, async () => {
    const stdout = await repl(['@dec class D {}', '"use strict"; @dec class E {}']);
    expect(stdout).toContain('@dec class D {}\n^\n\nUncaught SyntaxError: Invalid or unexpected token\n');
    expect(stdout).toContain(`"use strict"; @dec class E {}\n${' '.repeat(14)}^\n\nUncaught SyntaxError: Invalid or unexpected token\n`);
    expect(stdout).not.toContain('__perfcellMark');
  });

  // A QA pass: such an error in TypeScript showed esbuild's reprint of the code, not the line as
  // typed: '@dec class Box {' for '@dec class Box { size: number = 1 }', and for a decorator after
  // an interface on its line, the interface gone and the caret at the reprint's column 1
  it('shows V8\'s error in TypeScript esbuild let through on the line as typed, the caret under the decorator', { timeout: 60_000 }, async () => {
    const stdout = await repl(['@dec class Box { size: number = 1 }', 'interface I { a: number }; @dec class F { x: number = 1 }']);
    expect(stdout).toContain('@dec class Box { size: number = 1 }\n^\n\nUncaught SyntaxError: Invalid or unexpected token\n');
    expect(stdout).toContain(`interface I { a: number }; @dec class F { x: number = 1 }\n${' '.repeat(27)}^\n\nUncaught SyntaxError: Invalid or unexpected token\n`);
    const evaluator = createEvaluator({ filename: 'cell' });
    try {
      const error = await evaluator.evaluate('interface I { a: number }\n\t@dec class G { x: number = 1 }').then(() => null, (thrown: unknown) => thrown);
      expect(((error as SyntaxError).stack ?? '').split('\n').slice(0, 5).join('\n')).toBe('cell[1]:2\n\t@dec class G { x: number = 1 }\n\t^\n\nSyntaxError: Invalid or unexpected token');
    } finally {
      evaluator.close();
    }
  });

  // A review's note: in an imported TypeScript module, such an error named the module's compiled
  // line and showed esbuild's reprint ('mod.ts:24', '@dec class M {', esbuild's helpers above it),
  // in the REPL and in a file's cells (its message taken from the stack before it was mapped)
  it("shows V8's error in an imported TypeScript module on the module's line as typed, in the REPL and in cells", { timeout: 60_000 }, async () => {
    // in a folder whose name holds a space and parentheses, as a module's path may
    const folder = mkdtempSync(join(tmpdir(), 'perfcell-decorated module (v2)-'));
    try {
      writeFileSync(join(folder, 'mod.ts'), 'export const v: number = 1;\n\n\tinterface Q { a: number }; @dec class M { x: number = 1 }\n');
      const typed = `${join(folder, 'mod.ts')}:3\n\tinterface Q { a: number }; @dec class M { x: number = 1 }\n\t${' '.repeat(27)}^\n\n`;
      const stdout = await repl([`import { v } from ${JSON.stringify(join(folder, 'mod.ts'))}`]);
      expect(stdout).toContain(`${typed}Uncaught SyntaxError: Invalid or unexpected token\n`);
      writeFileSync(join(folder, 'cells.ts'), `// %%\nimport { v } from "./mod.ts";\n`);
      const cells = await execa(process.execPath, [cliPath, 'cells', '--no-perf', join(folder, 'cells.ts')], { reject: false, timeout: 50_000, env });
      expect(cells.stderr).toContain(`error: cell 'cell 1' failed at ${join(folder, 'cells.ts')}:2:15: ${typed}SyntaxError: Invalid or unexpected token`);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('shows the line and caret under --ts too', { timeout: 60_000 }, async () => {
    const stdout = await repl(['let y = )'], '--ts');
    expect(stdout).toContain('let y = )\n        ^\n\nUncaught SyntaxError: Unexpected ")"\n');
  });

  it("createEvaluator's SyntaxError names the line and column in its stack", { timeout: 30_000 }, async () => {
    const evaluator = createEvaluator({ filename: 'setup' });
    try {
      const error = await evaluator.evaluate('interface I { a: number }\nlet s: string = 1 +;').then(() => null, (thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(SyntaxError);
      expect((error as SyntaxError).stack).toBe('setup[1]:2\nlet s: string = 1 +;\n                   ^\n\nSyntaxError: Unexpected ";"');
    } finally {
      evaluator.close();
    }
  });
});
