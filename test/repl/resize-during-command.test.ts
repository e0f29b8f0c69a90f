import pty from 'node-pty';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * What a REPL on a pty printed for `line`, the terminal resized `resizeAfterMs` into it: its text,
 * escapes removed, from the line's echo to the next prompt.
 */
async function printedAcrossResize(line: string, resizeAfterMs: number): Promise<string> {
  const { COLUMNS: _columns, ...env } = process.env;
  const child = pty.spawn(process.execPath, [cliPath, 'repl', '--no-perf', '--no-live'], { cols: 80, rows: 24, env: { ...env, NO_COLOR: '1', PERFCELL_REPL_HISTORY: '' } as Record<string, string> });
  let raw = '';
  child.onData((data) => (raw += data));
  const text = (): string => raw.replace(ANSI, '').replace(/\r\n?/g, '\n');
  const until = async (done: () => boolean): Promise<void> => {
    while (!done()) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  try {
    await until(() => text().includes('In [1]: '));
    child.write(`${line}\r`);
    await new Promise((resolve) => setTimeout(resolve, resizeAfterMs));
    child.resize(60, 24);
    await until(() => text().includes('In [2]: '));
    const printed = text();
    return printed.slice(printed.indexOf(line) + line.length, printed.indexOf('In [2]: '));
  } finally {
    child.kill('SIGKILL');
  }
}

// A QA pass: readline redraws its prompt line at every 'resize', also while a command runs, and
// perfcell prints a command's value and report after awaits: the old prompt landed among them.
describe('a terminal resized while a REPL command runs', () => {
  it('gets no prompt among the value and the report: a synchronous loop (it had read "In [1]: In [1] used"), and an await', { timeout: 60_000 }, async () => {
    const looped = await printedAcrossResize('{ const end = Date.now() + 1500; while (Date.now() < end); 6 * 7 }', 600);
    expect(looped, JSON.stringify(looped)).toMatch(/^\n+42\nIn \[1\] used /);
    const awaited = await printedAcrossResize('await new Promise((resolve) => setTimeout(resolve, 1500)); 6 * 7', 600);
    expect(awaited, JSON.stringify(awaited)).toMatch(/^\n+42\nIn \[1\] used /);
    expect(`${looped}${awaited}`).not.toContain('In [1]: ');
  });
});
