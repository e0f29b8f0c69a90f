/**
 * Pads cells so columns line up: the first column left-aligned, the others right-aligned
 * (numbers), unless `align` says otherwise. Trailing blanks are trimmed.
 * @example alignColumns([['a', '1'], ['bbb', '22']]) // ['a     1', 'bbb  22']
 */
export function alignColumns(rows: readonly (readonly string[])[], align: readonly ('left' | 'right')[] = [], gap = 2): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, [...cell].length)));
  return rows.map((row) =>
    row
      .map((cell, index) => {
        const side = align[index] ?? (index === 0 ? 'left' : 'right');
        const pad = ' '.repeat((widths[index] ?? 0) - [...cell].length);
        return side === 'left' ? cell + pad : pad + cell;
      })
      .join(' '.repeat(gap))
      .trimEnd(),
  );
}
