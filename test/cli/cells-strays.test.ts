import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';

/**
 * perf counts a cell's child processes too (they inherit its counters), so a child that outlives
 * its cell is counted in the cells after it: an empty cell read 299 ms of task-clock while a busy
 * child of the cell before it ran. Each cell's report now says so: the cell that left a process
 * running, and every later cell it ran during. Real perfcell, real processes.
 */
const dir = mkdtempSync(join(tmpdir(), 'perfcell-strays-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'strays.js');
writeFileSync(
  file,
  [
    "// %% awaits its child\nimport { execFileSync } from 'node:child_process';\nexecFileSync('true');",
    "// %% spawn\nimport { spawn } from 'node:child_process';\nglobalThis.child = spawn('sleep', ['30'], { stdio: 'ignore' });",
    '// %% empty\n1;',
    "// %% end it\nglobalThis.child.kill();\nawait new Promise((resolve) => globalThis.child.once('exit', resolve));",
    '// %% after\n2;',
  ].join('\n') + '\n',
);
const warningsOf = async (args: readonly string[], env: Record<string, string> = {}): Promise<Record<string, readonly string[]>> => {
  const result = await execa(process.execPath, [cliPath, 'cells', ...args, '--json', file], { reject: false, env });
  expect(result.exitCode, result.stderr).toBe(0);
  const cells = (JSON.parse(result.stdout) as { cells: Array<{ title: string; report: { warnings: string[] } }> }).cells;
  return Object.fromEntries(cells.map((cell) => [cell.title, cell.report.warnings.filter((warning) => /process/.test(warning))]));
};

describe('a process a cell leaves running', () => {
  it('is named in its cell\'s report and in each later cell it runs during', async () => {
    const warnings = await warningsOf(['-e', 'task-clock']);
    expect(warnings['awaits its child']).toEqual([]);
    expect(warnings['spawn']).toEqual([expect.stringMatching(/^cell 'spawn' left a process running \(pid \d+\): perf counts it in the cells after it while it runs$/)]);
    const pid = /pid (\d+)/.exec(warnings['spawn']?.[0] ?? '')?.[1];
    const during = `a process that cell 'spawn' started (pid ${pid}) ran during this cell: perf counts it here too (a cell's child processes inherit its counters)`;
    expect(warnings['empty']).toEqual([during]);
    expect(warnings['end it']).toEqual([during]);
    expect(warnings['after']).toEqual([]);
  });

  it('is said on stderr for each later cell it runs during, not only the first (a QA pass)', async () => {
    const result = await execa(process.execPath, [cliPath, 'cells', '-e', 'task-clock', file], { reject: false, env: { NO_COLOR: '1' } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr.match(/ran during this cell/g)?.length, result.stderr).toBe(2);
  });

  it("is one line of compare's for the cell that left processes running, not one per run", async () => {
    const compareFile = join(dir, 'compare.js');
    writeFileSync(
      compareFile,
      "// %% a\nglobalThis.children = [...(globalThis.children ?? []), (await import('node:child_process')).spawn('sleep', ['30'], { stdio: 'ignore' })];\n" +
        '// %% b\nlet x = 0;\nfor (let i = 0; i < 1000; i++) x += i;\n' +
        '// %% cleanup\nfor (const child of globalThis.children) child.kill();\n',
    );
    const result = await execa(process.execPath, [cliPath, 'compare', compareFile, '--cells', 'a', 'b', '--warmup', '1', '--runs', '3', '-e', 'task-clock', '--json'], { reject: false });
    expect(result.exitCode, result.stderr).toBe(0);
    const strays = (JSON.parse(result.stdout) as { warnings: string[] }).warnings.filter((warning) => / process/.test(warning));
    // a's 4 runs (1 warm-up, 3 measured) each left one sleep
    expect(strays).toEqual([expect.stringMatching(/^cell 'a' left 4 processes running in its runs \(pid \d+, \d+, \d+, \d+\): perf counted them in the runs after it while they ran/)]);
  });

  it('is not named without perf, which alone counts a cell\'s children', async () => {
    const warnings = await warningsOf(['--no-perf']);
    expect(Object.values(warnings).flat()).toEqual([]);
  });

  it('is not named with one perf per window (PERFCELL_SHARED_PERF=0), which no later cell\'s perf counts in all', async () => {
    const warnings = await warningsOf(['-e', 'task-clock'], { PERFCELL_SHARED_PERF: '0' });
    expect(Object.values(warnings).flat()).toEqual([]);
  });
});

describe('what a cell leaves running once the cells have been reported (a QA pass)', () => {
  it('a timer that throws after the report: stderr says the report does not hold it, exit 1', async () => {
    const late = join(dir, 'late-throw.js');
    writeFileSync(late, '// %% a\nsetTimeout(() => { throw new Error("late") }, 300);\n// %% b\n1;\n');
    const result = await execa(process.execPath, [cliPath, 'cells', '--no-perf', '--json', late], { reject: false, timeout: 30_000 });
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true });
    expect(result.stderr).toBe(`error: cell 'a' failed at ${late}:2:26: Error: late (after the cells had run and been reported: the report above does not hold it; exit 1)`);
  });

  /** `cells --no-perf FILE`, sent SIGINT once it says something a cell left keeps it alive. */
  async function ctrlCOnceKeptAlive(file: string) {
    const subprocess = execa(process.execPath, [cliPath, 'cells', '--no-perf', file], { reject: false, timeout: 30_000 });
    let stderr = '';
    subprocess.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    while (!stderr.includes('keeps this process alive')) await new Promise((resolve) => setTimeout(resolve, 50));
    subprocess.kill('SIGINT');
    return await subprocess;
  }

  it('a timer left running: said after a second, and Ctrl-C ends the process saying why, by SIGINT', async () => {
    const kept = join(dir, 'kept-alive.js');
    writeFileSync(kept, '// %% a\nsetInterval(() => {}, 1000);\n');
    const result = await ctrlCOnceKeptAlive(kept);
    // it ends by the SIGINT, as node does ($? 130)
    expect(result.signal).toBe('SIGINT');
    expect(result.stderr.split('\n')).toEqual([
      'perfcell: the cells have run and been reported; something a cell left running (a timer, a server, an open handle) keeps this process alive: Ctrl-C ends it',
      'perfcell: interrupted by SIGINT after the last cell (the report above is whole)',
    ]);
  });

  it('after cells that stopped early, Ctrl-C does not call the report whole', async () => {
    const stopped = join(dir, 'kept-alive-stopped.js');
    writeFileSync(stopped, "// %% a\nsetInterval(() => {}, 1000);\n// %% b\nthrow new Error('b');\n// %% c\n1;\n");
    const result = await ctrlCOnceKeptAlive(stopped);
    // it ends by the SIGINT, as node does ($? 130)
    expect(result.signal).toBe('SIGINT');
    expect(result.stderr.split('\n').slice(-2)).toEqual([
      'perfcell: the cells that ran have been reported; something a cell left running (a timer, a server, an open handle) keeps this process alive: Ctrl-C ends it',
      'perfcell: interrupted by SIGINT after the report above',
    ]);
  });
});
