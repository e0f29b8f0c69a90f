import { foldLine } from './fold-line.ts';

/**
 * Breaks a line at spaces to fit `columns`. A table's row (columns apart by two spaces or more)
 * goes on under its last column, other lines under their own indent; a word longer than a line is
 * cut at the width as fold cuts it, each piece under that indent (fold-line.ts). Under 20 columns
 * the line stays whole.
 * @example wrapRow('tlb       not here     dTLB-loads, dTLB-load-misses', 40)
 *   // ['tlb       not here     dTLB-loads,', '                        dTLB-load-misses']
 */
export function wrapRow(line: string, columns: number): string[] {
  if (line.length <= columns || columns < 20) return [line];
  const leading = /^\s*/.exec(line)?.[0] ?? '';
  const hang = ' '.repeat(/^\s*(?:\S+(?: \S+)* {2,})+/.exec(line)?.[0].length ?? leading.length);
  const lines: string[] = [];
  let current = leading;
  for (const word of line.slice(leading.length).split(' ')) {
    if (current.trim() !== '' && current.length + 1 + word.length > columns) {
      lines.push(current);
      current = `${hang}${word}`;
    } else {
      current = current.trim() === '' ? `${current}${word}` : `${current} ${word}`;
    }
    const pieces = foldLine(current, columns, hang);
    lines.push(...pieces.slice(0, -1));
    current = pieces.at(-1)!;
  }
  lines.push(current);
  return lines;
}
