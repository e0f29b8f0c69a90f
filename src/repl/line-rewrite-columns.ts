/**
 * A column of a line that a rewrite changed (static imports, static-imports.ts; a local
 * TypeScript module's import, typescript-imports.ts), in the line as it was before: the same in
 * the line's unchanged start, moved by the change's length in its unchanged end, null inside the
 * change. A rewrite keeps the lines, so the line number stays; of two changes on one line, the
 * columns between them are null.
 * @example columnBeforeRewrite('import { f } from "m"; g()', 'const { f } = await import("m"); g()', 34) // 24
 */
export function columnBeforeRewrite(before: string, after: string, column: number): number | null {
  if (before === after) return column;
  let sameStart = 0;
  while (sameStart < before.length && before[sameStart] === after[sameStart]) sameStart += 1;
  let sameEnd = 0;
  while (sameEnd < before.length - sameStart && sameEnd < after.length - sameStart && before[before.length - 1 - sameEnd] === after[after.length - 1 - sameEnd]) sameEnd += 1;
  if (column - 1 < sameStart) return column;
  const fromEnd = after.length - (column - 1);
  return fromEnd <= sameEnd ? before.length - fromEnd + 1 : null;
}
