import { alignColumns } from './align-columns.ts';
import { foldLine } from './fold-line.ts';

const length = (text: string): number => [...text].length;

/**
 * Breaks a line at spaces so that no piece is wider than `width`, never inside a word (a word
 * longer than the width goes on its own line, cut at the width as `fold` cuts it). Continuation
 * lines are indented two more than the line's own indent, so they read as part of it. No width (a
 * pipe, a file): the line whole.
 * @example wrapLine('  col is 2.31× ± 0.08 slower; p < 0.001', 24) // ['  col is 2.31× ± 0.08', '    slower; p < 0.001']
 */
export function wrapLine(line: string, width: number | undefined): string[] {
  if (width === undefined || length(line) <= width) return [line];
  const indent = /^ */.exec(line)![0];
  const hanging = `${indent}  `;
  const words = line.slice(indent.length).split(/ +/);
  const lines: string[] = [];
  let current = indent;
  let isStart = true;
  for (const word of words) {
    const candidate = isStart ? current + word : `${current} ${word}`;
    if (!isStart && length(candidate) > width) {
      lines.push(current);
      current = hanging + word;
    } else {
      current = candidate;
    }
    isStart = false;
    // a word longer than a whole line: cut at the width, each piece under the hanging indent
    const pieces = foldLine(current, width, hanging);
    lines.push(...pieces.slice(0, -1));
    current = pieces.at(-1)!;
  }
  lines.push(current);
  return lines;
}

/** Every line of a block wrapped at `width` (see wrapLine); none: every line whole. */
export function wrapLines(lines: readonly string[], width: number | undefined): string[] {
  return lines.flatMap((line) => line.split('\n')).flatMap((line) => wrapLine(line, width));
}

/**
 * The columns of `rows` that fit `width`: every one, less those of `droppable` (in that order) it
 * takes to fit, where dropping them can. What fitTable shows, for a caller whose footnote is about
 * a column (it goes with the column).
 */
export function keptColumns(rows: readonly (readonly string[])[], width: number, droppable: readonly number[] = [], align: readonly ('left' | 'right')[] = []): number[] {
  let kept = rows[0]?.map((_, index) => index) ?? [];
  for (const column of droppable) {
    if (fits(renderColumns(rows, kept, align), width)) return kept;
    kept = kept.filter((index) => index !== column);
  }
  return kept;
}

/**
 * Aligned table rows that fit `width`: drops the columns named in `droppable` (in that order) until
 * the rows fit; if the first column (names) is still too wide, each row's name goes on its own
 * line above its numbers, indented two more (a name wider than the width broken as wrapLine breaks
 * a line). No width (a pipe, a file): every column, a row a line.
 * `align` as alignColumns' (numbers right, by default).
 * @example fitTable([['time', 'mean', 'median'], ['  row', '12.1 ms', '12.0 ms']], 20, [2])
 */
export function fitTable(rows: readonly (readonly string[])[], width: number | undefined, droppable: readonly number[] = [], align: readonly ('left' | 'right')[] = []): string[] {
  if (width === undefined) return alignColumns(rows, align);
  const kept = keptColumns(rows, width, droppable, align);
  const lines = renderColumns(rows, kept, align);
  if (fits(lines, width)) return lines;
  // Names on their own line; the numbers under them, all at one indent so their columns line up.
  const numbers = kept.slice(1);
  const numberRows = alignColumns(
    rows.map((row) => numbers.map((index) => row[index] ?? '')),
    numbers.map((index) => align[index] ?? 'right'),
  );
  // a name wider than the width itself breaks as any line does (at spaces, under a hanging indent)
  return rows.flatMap((row, index) => [...wrapLine(row[kept[0] ?? 0] ?? '', width), `    ${numberRows[index]!}`.trimEnd()]);
}

function renderColumns(rows: readonly (readonly string[])[], columns: readonly number[], align: readonly ('left' | 'right')[]): string[] {
  return alignColumns(
    rows.map((row) => columns.map((index) => row[index] ?? '')),
    columns.map((index) => align[index] ?? (index === 0 ? 'left' : 'right')),
  );
}

const fits = (lines: readonly string[], width: number): boolean => lines.every((line) => length(line) <= width);
