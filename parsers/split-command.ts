/**
 * Splits one command string into argv the way a POSIX shell splits words, without running a shell:
 * blanks separate words; '…' keeps everything literally; "…" keeps everything but lets \ escape
 * " \ $ and `; outside quotes \ escapes any character. Nothing is expanded ($VAR, *, ~ stay as typed).
 */

/**
 * The argv, or the reason the text cannot be split (an unclosed quote, a trailing backslash).
 * `shellSyntax`: the first piece of shell syntax a shell would act on and a split keeps as typed —
 * a pipe, list or redirection operator, a parenthesis outside quotes, `$` or a backtick outside
 * single quotes — where there is one (`|`, `&&`, `>`, `$(`); globs and ~ are not counted.
 */
export type SplitResult = { readonly argv: readonly string[]; readonly shellSyntax?: string } | { readonly error: string };

/** Characters a shell acts on outside quotes, and the two-character operators they start. */
const OPERATORS = '|&;<>()`$';
const PAIRS = new Set(['||', '&&', '>>', '<<', '$(', ';;']);

/** The operator at `index` in `text`: its two characters where they make one, else the one. */
function operatorAt(text: string, index: number): string {
  const pair = text.slice(index, index + 2);
  return PAIRS.has(pair) ? pair : text[index]!;
}

/**
 * @example splitCommand(`./rowcol col 1024`) // { argv: ['./rowcol', 'col', '1024'] }
 * @example splitCommand(`echo 'a b' "c \\"d\\""`) // { argv: ['echo', 'a b', 'c "d"'] }
 * @example splitCommand(`echo 'a`) // { error: 'unclosed single quote' }
 * @example splitCommand(`seq 9 | wc -l`) // { argv: ['seq', '9', '|', 'wc', '-l'], shellSyntax: '|' }
 */
export function splitCommand(text: string): SplitResult {
  const argv: string[] = [];
  let shellSyntax: string | undefined;
  let word = '';
  let inWord = false;
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === ' ' || char === '\t' || char === '\n') {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
      index++;
      continue;
    }
    // A backslash-newline joins lines, as in a shell: it is no part of any word.
    if (char === '\\' && text[index + 1] === '\n') {
      index += 2;
      continue;
    }
    inWord = true;
    if (char === "'") {
      const close = text.indexOf("'", index + 1);
      if (close === -1) return { error: 'unclosed single quote' };
      word += text.slice(index + 1, close);
      index = close + 1;
    } else if (char === '"') {
      index++;
      let closed = false;
      while (index < text.length) {
        const inner = text[index]!;
        if (inner === '"') {
          closed = true;
          index++;
          break;
        }
        const next = text[index + 1];
        if (inner === '\\' && next !== undefined && '"\\$`'.includes(next)) {
          word += next;
          index += 2;
        } else {
          // "$HOME" and "`date`" expand in a shell, quoted as they are
          if ((inner === '$' || inner === '`') && shellSyntax === undefined) shellSyntax = operatorAt(text, index);
          word += inner;
          index++;
        }
      }
      if (!closed) return { error: 'unclosed double quote' };
    } else if (char === '\\') {
      const next = text[index + 1];
      if (next === undefined) return { error: 'backslash at the end' };
      word += next;
      index += 2;
    } else {
      if (OPERATORS.includes(char) && shellSyntax === undefined) shellSyntax = operatorAt(text, index);
      word += char;
      index++;
    }
  }
  if (inWord) argv.push(word);
  return shellSyntax === undefined ? { argv } : { argv, shellSyntax };
}
