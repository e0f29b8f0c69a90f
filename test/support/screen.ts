/**
 * What a terminal shows after `output` (raw pty bytes as text): each row as it is left, for the
 * control sequences the live view uses: CR, LF, and erase to the end of the row (ESC [ K); any
 * other escape sequence is dropped. Enough to see text left on a row that should have been erased.
 */
export function screenRows(output: string): string[] {
  const rows: string[][] = [[]];
  let row = 0;
  let column = 0;
  // eslint-disable-next-line no-control-regex
  const tokens = output.match(/\x1b\[[0-9;?]*[A-Za-z]|[\s\S]/g) ?? [];
  for (const token of tokens) {
    if (token === '\r') column = 0;
    else if (token === '\n') {
      row++;
      column = 0;
      rows[row] ??= [];
    } else if (token === '\x1b[K') rows[row]!.length = Math.min(rows[row]!.length, column);
    else if (token.length === 1) {
      const cells = rows[row]!;
      while (cells.length < column) cells.push(' ');
      cells[column++] = token;
    }
  }
  return rows.map((cells) => cells.join(''));
}
