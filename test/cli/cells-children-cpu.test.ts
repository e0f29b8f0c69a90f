import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, fixture } from '../support/fixtures.ts';

/**
 * A cell's CPU figure is perfcell's own process; a child process the cell runs and waits for
 * (execFileSync of a C program) used to be missing from the report while perf's counts held it:
 * "cpu 0.001s" beside 300 ms of task-clock. Its CPU now shows apart, from /proc/self/stat's
 * cutime and cstime (10 ms steps). Real perfcell, a real child that spins for 0.3 s of its own CPU.
 */
const dir = mkdtempSync(join(tmpdir(), 'perfcell-children-cpu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'children.js');
writeFileSync(
  file,
  `// %% child\nrequire('node:child_process').execFileSync(${JSON.stringify(fixture('spin'))}, ['0.3', 'cpu']);\n` +
    '// %% none\nlet x = 0;\nfor (let i = 0; i < 100000; i++) x += i;\n',
);

describe("the CPU of a cell's child processes", () => {
  it('is its own figure in the JSON and the text, and absent from a cell that ran none', async () => {
    const json = await execa(process.execPath, [cliPath, 'cells', '--no-perf', '--json', file], { reject: false, env: { NO_COLOR: '1' } });
    expect(json.exitCode, json.stderr).toBe(0);
    const cells = (JSON.parse(json.stdout) as { cells: Array<{ title: string; report: { cpu: { userS: number; systemS: number; childrenS?: number } } }> }).cells;
    const child = cells.find((cell) => cell.title === 'child')?.report.cpu;
    // 0.3 s of the child's own clock, in the kernel's 10 ms ticks
    expect(child?.childrenS).toBeGreaterThanOrEqual(0.25);
    expect(child?.childrenS).toBeLessThan(0.5);
    // this process's own CPU stays its own: the cell only waited
    expect((child?.userS ?? 1) + (child?.systemS ?? 1)).toBeLessThan(0.15);
    expect(cells.find((cell) => cell.title === 'none')?.report.cpu.childrenS).toBeUndefined();

    const text = await execa(process.execPath, [cliPath, 'cells', '--no-perf', file], { reject: false, env: { NO_COLOR: '1' } });
    expect(text.exitCode, text.stderr).toBe(0);
    const headline = (title: string) => text.stdout.split('\n').find((line) => line.startsWith(`${title} used `)) ?? '';
    expect(Number(/; child processes cpu (0\.\d\d)s;/.exec(headline('child'))?.[1])).toBeGreaterThanOrEqual(0.25);
    expect(headline('none')).not.toMatch(/child processes/);
  });
});
