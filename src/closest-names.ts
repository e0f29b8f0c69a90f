/**
 * The names closest to a mistyped one: an edit distance ≤ 2, or a name the typed one begins with
 * 3 letters or more (`interval` for `intervalMs`), nearest first. A mistyped command (cli/command-table.ts) and a library option no entry takes
 * (session/known-options.ts) are matched this way.
 */
export function closestNames(typed: string, names: readonly string[]): string[] {
  return names
    .map((name) => ({ name, distance: editDistance(typed, name) }))
    .filter(({ name, distance }) => distance <= 2 || (typed.length >= 3 && name.startsWith(typed)))
    .sort((a, b) => a.distance - b.distance)
    .map(({ name }) => name);
}

/** Damerau–Levenshtein (optimal string alignment): a swapped pair of letters is one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const row = rows[i]!;
      const above = rows[i - 1]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}
