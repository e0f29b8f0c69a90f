/**
 * The lines of JavaScript or TypeScript source that start inside a literal or a comment (a
 * template literal's text, a block comment, a string continued by a backslash): text there is
 * not code, so a line such as `# %%` in it is no marker. A small scan, not a parser: a `/` reads
 * as a regular expression after a punctuator or a keyword such as return, as a division elsewhere.
 */

const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);
const REGEX_AFTER_PUNCTUATOR = /[(,=:[!&|?{};+\-*%<>~^]/;

/**
 * 1-based numbers of the lines that start inside a template literal, a comment or a string.
 * @example linesInLiterals('const s = `\n# %% text\n`;') // Set { 2, 3 }
 */
export function linesInLiterals(source: string): Set<number> {
  const inside = new Set<number>();
  let line = 1;
  /** Open braces of each template literal's `${…}` now being read; the last is the innermost. */
  const templateBraces: number[] = [];
  let before = ''; // the last token's last character, or a keyword, for regex-or-division
  let i = 0;
  const newLine = (inLiteral: boolean): void => {
    line++;
    if (inLiteral) inside.add(line);
  };
  /** Skips to just after `close` (a backslash escapes a character); a line end ends it where `endsAtLine`. */
  const skipTo = (close: string, endsAtLine: boolean): void => {
    while (i < source.length) {
      const char = source.charAt(i);
      if (char === '\\') {
        if (source.charAt(i + 1) === '\n') newLine(true);
        i += 2;
        continue;
      }
      if (char === '\n') {
        if (endsAtLine) return;
        newLine(true);
      }
      i++;
      if (char === close) return;
    }
  };
  /** Reads a template literal's text from i to its end (true) or to a `${` (false). */
  const skipTemplateText = (): boolean => {
    while (i < source.length) {
      const char = source.charAt(i);
      if (char === '\\') {
        if (source.charAt(i + 1) === '\n') newLine(true);
        i += 2;
      } else if (char === '`') {
        i++;
        return true;
      } else if (char === '$' && source.charAt(i + 1) === '{') {
        i += 2;
        return false;
      } else {
        if (char === '\n') newLine(true);
        i++;
      }
    }
    return true;
  };
  const readTemplate = (): void => {
    if (skipTemplateText()) {
      before = '`';
    } else {
      templateBraces.push(0);
      before = '{';
    }
  };
  while (i < source.length) {
    const char = source.charAt(i);
    if (char === '\n') {
      newLine(false);
      i++;
    } else if (/\s/.test(char)) {
      i++;
    } else if (source.startsWith('//', i)) {
      const end = source.indexOf('\n', i);
      i = end === -1 ? source.length : end;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      for (let at = source.indexOf('\n', i); at !== -1 && at < stop; at = source.indexOf('\n', at + 1)) newLine(true);
      i = stop;
    } else if (char === '"' || char === "'") {
      i++;
      skipTo(char, true);
      before = char;
    } else if (char === '`') {
      i++;
      readTemplate();
    } else if (char === '/' && (before === '' || REGEX_AFTER_PUNCTUATOR.test(before) || REGEX_AFTER_WORD.has(before))) {
      i++;
      let inClass = false;
      while (i < source.length && source.charAt(i) !== '\n') {
        const at = source.charAt(i);
        i += at === '\\' ? 2 : 1;
        if (at === '[') inClass = true;
        else if (at === ']') inClass = false;
        else if (at === '/' && !inClass) break;
      }
      before = '/';
    } else if (char === '}' && templateBraces.length > 0 && templateBraces.at(-1) === 0) {
      templateBraces.pop();
      i++;
      readTemplate();
    } else if (/[\w$]/.test(char)) {
      const word = /^[\w$]+/.exec(source.slice(i, i + 64))![0];
      i += word.length;
      before = word;
    } else {
      if (templateBraces.length > 0 && char === '{') templateBraces[templateBraces.length - 1]! += 1;
      if (templateBraces.length > 0 && char === '}') templateBraces[templateBraces.length - 1]! -= 1;
      before = char;
      i++;
    }
  }
  return inside;
}
