/**
 * One argv word as a POSIX shell reads it back unchanged: bare when it holds only safe
 * characters, else in single quotes (a quote inside becomes '\'' ), so a printed hint can be
 * pasted as it is.
 * @example shellQuote(['sh', '-c', 'exit 1']) // "sh -c 'exit 1'"
 */
export function shellQuote(argv: readonly string[]): string {
  return argv.map(quoteWord).join(' ');
}

function quoteWord(word: string): string {
  if (word !== '' && /^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", "'\\''")}'`;
}
