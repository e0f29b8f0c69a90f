/**
 * compare FILE --cells says which default events it counts where the machine counts no hardware
 * event (a VM without a PMU, as this one), as `cells` and `compare -- CMD` do: the note is said
 * once in a process, and the warm-up round (or a set-up cell), whose report compare does not show,
 * had taken it, so the comparison counted page-faults and context-switches without a word (a QA
 * pass; `-w 0` said it). On a machine whose PMU counts the defaults there is no note to say, and
 * compare must say none either.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'perfcell-compare-default-note-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'cells.js');
writeFileSync(file, '// %% set-up\nlet n = 1;\n// %% a\nn += [1, 2, 3].length;\n// %% b\nn += 2;\n');
const perfcell = (args: readonly string[]) => execa(process.execPath, [cliPath, ...args], { reject: false, timeout: 60_000, env: { NO_COLOR: '1' } });
const defaultNotes = (stderr: string): string[] => stderr.split('\n').filter((line) => line.includes(', so the default events are '));

describe('compare FILE --cells and the default events\' note', () => {
  it('says the note `cells` says, once, on stderr and in the document\'s warnings, after a warm-up and a set-up cell', async () => {
    const cells = await perfcell(['cells', file]);
    expect(cells.exitCode, cells.stderr).toBe(0);
    const said = defaultNotes(cells.stderr);
    expect(said.length).toBeLessThanOrEqual(1);
    for (const args of [['compare', file, '--cells', 'a', 'b', '-r', '2'], ['compare', file, '--cells', 'a', 'b', '-r', '2', '-w', '2']]) {
      const text = await perfcell(args);
      expect(text.exitCode, text.stderr).toBe(0);
      expect(defaultNotes(text.stderr), args.join(' ')).toEqual(said);
    }
    const json = await perfcell(['compare', '--json', file, '--cells', 'a', 'b', '-r', '2']);
    expect(json.exitCode, json.stderr).toBe(0);
    expect(defaultNotes(json.stderr)).toEqual(said);
    expect((JSON.parse(json.stdout) as { warnings: string[] }).warnings.filter((warning) => said.includes(`warning: ${warning}`))).toHaveLength(said.length);
  });
});
