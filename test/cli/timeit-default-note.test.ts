/**
 * A session whose first measurement is a timeit says which default events it counts where the
 * machine counts no hardware event (a VM without a PMU, as this one), as a session whose first
 * measurement is a line or a cell does: the note is said once in a process, and the timeit's first
 * batch took it and dropped it, so `.timeit` then every later line of the REPL, `perfcell.timeit`
 * in a first cell then every later cell (and the notebook kernel, and the library's timeit) counted
 * page-faults and context-switches without a word (a QA pass across modes). On a machine whose PMU
 * counts the defaults there is no note to say, and neither session may say one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'perfcell-timeit-default-note-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const perfcell = (args: readonly string[], input = '') => execa(process.execPath, [cliPath, ...args], { input, reject: false, timeout: 60_000, env: { NO_COLOR: '1' } });
const NOTE = ', so the default events are ';
const defaultNotes = (output: string): string[] => output.split('\n').filter((line) => line.includes(NOTE));

describe("a timeit first in a session and the default events' note", () => {
  it('says the note a plain line says, once: the REPL after .timeit, and cells after a cell that timed', { timeout: 120_000 }, async () => {
    const plain = await perfcell(['repl'], '1\n');
    expect(plain.exitCode, plain.stderr).toBe(0);
    const said = defaultNotes(`${plain.stdout}\n${plain.stderr}`);
    expect(said.length).toBeLessThanOrEqual(1);

    const repl = await perfcell(['repl'], '.timeit Math.sqrt(2)\n1\n');
    expect(repl.exitCode, repl.stderr).toBe(0);
    expect(defaultNotes(`${repl.stdout}\n${repl.stderr}`)).toHaveLength(said.length);

    const json = await perfcell(['repl', '--json'], '.timeit Math.sqrt(2)\n1\n');
    expect(json.exitCode, json.stderr).toBe(0);
    const documents = json.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { format: string; warnings: string[] });
    expect(documents.map((document) => document.format)).toEqual(['perfcell-timeit', 'perfcell-report']);
    expect(documents.flatMap((document) => document.warnings).filter((warning) => warning.includes(NOTE))).toHaveLength(said.length);

    const file = join(dir, 'cells.js');
    writeFileSync(file, '// %% timed\nawait perfcell.timeit(() => Math.sqrt(2), { runs: 2, minTime: 0.01 })\n// %% after\n1\n');
    const cells = await perfcell(['cells', file]);
    expect(cells.exitCode, cells.stderr).toBe(0);
    expect(defaultNotes(`${cells.stdout}\n${cells.stderr}`)).toHaveLength(said.length);

    // a review: cells --json's document said nothing of it (the timeit's text on stderr did)
    const cellsJson = await perfcell(['cells', file, '--json']);
    expect(cellsJson.exitCode, cellsJson.stderr).toBe(0);
    const document = JSON.parse(cellsJson.stdout) as { cells: Array<{ report: { warnings: string[] } }> };
    expect(document.cells.flatMap((cell) => cell.report.warnings).filter((warning) => warning.includes(NOTE))).toHaveLength(said.length);
    expect(defaultNotes(cellsJson.stderr)).toHaveLength(said.length);
  });
});
