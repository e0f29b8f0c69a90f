import { describe, expect, it } from 'vitest';
import pty from 'node-pty';
import { freshRowText } from '../../src/live/fresh-row.ts';
import { cliPath } from '../support/fixtures.ts';
import { renderScreen } from '../support/terminal.ts';

const COLUMNS = 40;

/** What a command printed on a pty, rendered as a terminal shows it (lines, wrapped rows joined). */
function linesOnPty(args: readonly string[]): Promise<readonly string[]> {
  return new Promise((resolve) => {
    const child = pty.spawn(process.execPath, [cliPath, ...args], { cols: COLUMNS, rows: 20, env: { ...process.env, NO_COLOR: '1' } as Record<string, string> });
    let raw = '';
    child.onData((data) => (raw += data));
    child.onExit(() => void renderScreen(raw, COLUMNS, 20).then((screen) => resolve(screen.lines)));
  });
}

describe('what follows a program on a terminal starts a row of its own (a real emulator, xterm.js)', () => {
  it('freshRowText: a new row after a line without a newline, and after one that fills its row; none after a whole line', async () => {
    const after = async (printed: string): Promise<readonly string[]> => (await renderScreen(`${printed}${freshRowText(10)}next`, 10, 5)).lines;
    // the program's text stays on its row (the spaces after it are blank), and no row is joined to it as wrapped
    expect((await after('partial')).map((line) => line.trimEnd())).toEqual(['partial', 'next']);
    expect(await after('0123456789')).toEqual(['0123456789', 'next']);
    expect(await after('whole\r\n')).toEqual(['whole', 'next']);
    expect(await after('')).toEqual(['next']);
  });

  it('run: the report of a program whose last line has no newline starts on a row of its own (it had read "partialprintf partial peaked"), and no blank row after a whole line', { timeout: 30_000 }, async () => {
    const partial = await linesOnPty(['run', '--no-perf', '--', 'printf', 'partial']);
    expect(partial[0]?.trimEnd(), partial.join('\n')).toBe('partial');
    expect(partial[1], partial.join('\n')).toMatch(/^printf partial peaked /);
    const whole = await linesOnPty(['run', '--no-perf', '--', 'echo', 'whole']);
    expect(whole[0], whole.join('\n')).toBe('whole');
    expect(whole[1], whole.join('\n')).toMatch(/^echo whole peaked /);
  });

  it('run -r 2: the series summary starts on a row of its own too', { timeout: 30_000 }, async () => {
    const lines = await linesOnPty(['run', '-r', '2', '--no-perf', '--', 'printf', 'partial']);
    expect(lines[0]?.trimEnd(), lines.join('\n')).toBe('partialpartial');
    expect(lines[1], lines.join('\n')).toMatch(/^printf partial: 2 runs/);
  });
});
