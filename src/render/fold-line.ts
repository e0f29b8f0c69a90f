/**
 * A line made too long by a word longer than a whole line, cut as fold(1) cuts it: pieces `width`
 * characters wide, each after the first under `hang`, the last what is left. Left whole, such a
 * word was wrapped by the terminal at its edge, at column 0. A piece takes one character past the
 * hang at least, so that a hang as wide as the line still moves on.
 * @example foldLine('  abcdefghij', 6, '  ') // ['  abcd', '  efgh', '  ij']
 */
export function foldLine(line: string, width: number, hang: string): string[] {
  const pieces: string[] = [];
  let characters = [...line];
  const cut = Math.max(width, [...hang].length + 1);
  while (characters.length > width) {
    pieces.push(characters.slice(0, cut).join(''));
    characters = [...hang, ...characters.slice(cut)];
  }
  pieces.push(characters.join(''));
  return pieces;
}
