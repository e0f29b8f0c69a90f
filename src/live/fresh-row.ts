import { canRedraw } from './live-wanted.ts';

/*
 * A program that `run` measures may end in the middle of a row of the terminal (its last line had
 * no newline: `printf partial`), and the report that follows had started right after its text
 * ("partialprintf partial peaked 1.7 MiB"). As zsh does before its prompt (PROMPT_SP), as many
 * spaces as the terminal has columns go first: from a row's start they fill it without wrapping
 * (a terminal wraps only at the character after the last column), from anywhere else they wrap onto
 * the next row; a carriage return and an erase then leave the cursor at the start of an empty row,
 * the program's text kept on the row above. A cursor already at a row's start stays where it is.
 */

/** What moves the cursor of a terminal `columns` wide to the start of a row of its own. */
export function freshRowText(columns: number): string {
  return `${' '.repeat(columns)}\r\x1b[K`;
}

/** Writes freshRowText on `stream` where it is a terminal that can redraw a line (not TERM=dumb) of known width. */
export function moveToFreshRow(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): void {
  if (!canRedraw(stream, env)) return;
  const columns = stream.columns;
  if (!(columns > 0)) return;
  stream.write(freshRowText(columns));
}
