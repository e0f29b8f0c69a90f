import xterm from '@xterm/headless';
import pty from 'node-pty';

/** What a terminal shows after a program's raw output: its rows as a real emulator (xterm.js) leaves them. */
export interface Screen {
  /** The rows on screen, top to bottom (trailing blanks trimmed). */
  readonly viewport: readonly string[];
  /** Every line written, scrollback and screen, a line that wrapped joined again. */
  readonly lines: readonly string[];
}

/**
 * Renders `raw` (a pty's output: CR LF line ends, every control sequence) on a terminal of
 * `columns` × `rows`: for the live view's line on the last row, the scrolling region (DECSTBM),
 * saved cursor (DECSC/DECRC) and index (IND/RI) sequences are the terminal's, not a test's guess.
 */
export function renderScreen(raw: string, columns: number, rows: number): Promise<Screen> {
  const terminal = new xterm.Terminal({ cols: columns, rows, scrollback: 10_000, allowProposedApi: true });
  return new Promise((resolve) => {
    terminal.write(raw, () => {
      const buffer = terminal.buffer.active;
      const viewport: string[] = [];
      for (let row = 0; row < rows; row++) viewport.push(buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? '');
      const lines: string[] = [];
      for (let index = 0; index < buffer.length; index++) {
        const line = buffer.getLine(index);
        if (line === undefined) continue;
        const text = line.translateToString(true);
        if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
        else lines.push(text);
      }
      while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
      terminal.dispose();
      resolve({ viewport, lines });
    });
  });
}

/**
 * All a command printed on a pty of `columns` × `rows` (stdout and stderr as one), once it has
 * exited. Without the $COLUMNS of the shell that ran the tests: the pty's own width is the one
 * under test (perfcell takes $COLUMNS first).
 */
export function printedOnPty(file: string, args: readonly string[], { columns = 200, rows = 30 }: { readonly columns?: number; readonly rows?: number } = {}): Promise<string> {
  const { COLUMNS: _columns, ...env } = process.env;
  return new Promise((resolve) => {
    const child = pty.spawn(file, [...args], { cols: columns, rows, env: { ...env, NO_COLOR: '1' } as Record<string, string> });
    let text = '';
    child.onData((data) => (text += data));
    child.onExit(() => resolve(text));
  });
}
