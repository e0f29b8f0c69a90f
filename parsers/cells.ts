/**
 * Splits a JS/TS file into cells on `// %%` lines, the percent format of Jupytext and VS Code:
 *
 *     // %% setup
 *     const n = 1024;
 *     // %% sum rows
 *     …
 */

import { linesInLiterals } from './lines-in-literals.ts';

/** A file's extension, lower case; undefined where its name has none. */
export function extensionOf(file: string): string | undefined {
  return /\.([^./]+)$/.exec(file)?.[1]?.toLowerCase();
}

/**
 * Whether `cells` runs a file of this extension (extensionOf): JavaScript or TypeScript (js, ts,
 * mjs, cts, jsx, tsx, …) or an ipynb notebook. A file with no extension runs as JavaScript too.
 * @example isCellFileExtension('mts') // true
 */
export function isCellFileExtension(extension: string): boolean {
  return /^(?:[cm]?[jt]sx?|ipynb)$/.test(extension);
}

export interface Cell {
  /** Text after `%%` without Jupytext's cell type and metadata (markerTitle); `cell N` when that is empty (N counts markers from 1); `prelude` for code before the first marker. */
  readonly title: string;
  /** Position in the returned list, from 0. */
  readonly index: number;
  /** 1-based line of the `// %%` marker; null for the prelude. */
  readonly markerLine: number | null;
  /** 1-based file line of the cell's first code line: code line k is file line startLine + k − 1. */
  readonly startLine: number;
  /** The cell's lines, joined with '\n', the marker excluded. */
  readonly code: string;
  /** True when the cell has nothing but whitespace. */
  readonly isBlank: boolean;
  /**
   * The 1-based line of the marker that ends this cell where that line is inside a template
   * literal or a block comment (linesInLiterals): any `// %%` line is a marker, as Jupytext reads
   * them, so it cut the literal in two and the cell cannot compile. Absent otherwise.
   */
  readonly cutAtMarkerLine?: number;
}

const CELL_MARKER = /^\s*\/\/\s*%%(.*)$/;

/**
 * The text after a `// %%` marker (its title, and any cell type and metadata: markerTitle), or
 * undefined when the line is not a marker.
 * @example parseCellMarker('// %% sum rows') // 'sum rows'
 * @example parseCellMarker('//%%') // ''
 */
export function parseCellMarker(line: string): string | undefined {
  return CELL_MARKER.exec(line)?.[1]?.trim();
}

/** A prose cell's type in a marker's text, `[markdown]`, `[md]` or `[raw]`, a word of its own. */
const PROSE_TYPE = /(?:^|\s)\[(?:markdown|md|raw)\](?=\s|$)/i;

/**
 * Whether a marker's text gives its cell a type other than code: Jupytext's percent format writes
 * prose as `// %% [markdown]` (or `[md]`) cells of comment lines, and `[raw]` cells, the type in
 * brackets after an optional title (`// %% Notes [markdown] key="value"`), as VS Code reads them.
 * @example isProseMarker('[markdown]') // true
 * @example isProseMarker('sum rows') // false
 */
export function isProseMarker(markerTitle: string): boolean {
  return PROSE_TYPE.test(markerTitle);
}

/** A key of Jupytext's `key=value` cell metadata as it writes them, `=` right after it. */
const METADATA_KEY = /(?<=^|\s)[A-Za-z_][\w.-]*=/g;

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The metadata keys Jupytext itself writes with a number (the blank lines it keeps around a cell);
 * any other `key=number` is a title (`// %% n=1000`, `size=1e6`: cells named by their input size),
 * as users' metadata comes as strings, lists, objects and booleans.
 */
const NUMERIC_METADATA_KEYS: ReadonlySet<string> = new Set(['lines_to_next_cell', 'lines_to_end_of_cell_marker']);

/** Whether `pair` (`key=value`) is one of Jupytext's metadata: its value JSON, and a number only for its own keys. */
function isMetadataPair(pair: string): boolean {
  const equal = pair.indexOf('=');
  const value = pair.slice(equal + 1);
  if (!isJson(value)) return false;
  return typeof JSON.parse(value) !== 'number' || NUMERIC_METADATA_KEYS.has(pair.slice(0, equal).trim());
}

/** Whether `text` is nothing but `key=value` pairs whose values are JSON, as Jupytext writes a cell's metadata (`tags=["x"] hide=true`). */
function isKeyValueMetadata(text: string): boolean {
  // a value may hold spaces and even ' k=' inside its JSON: a piece that is no JSON yet takes the next one on
  const [first = '', ...rest] = text.split(/(?=\s+[A-Za-z_][\w.-]*=)/);
  let pending = first;
  for (const piece of [...rest, null]) {
    if (isMetadataPair(pending)) pending = '';
    if (piece === null) break;
    pending = pending === '' ? piece.trimStart() : pending + piece;
  }
  return pending === '';
}

/**
 * A cell's title from its marker's text: Jupytext's percent format writes
 * `// %% Optional title [cell type] key="value"`, the metadata as `key=value` pairs with JSON values
 * (`tags=["x"]`), or, in older files, as one JSON object (`{"tags": ["x"]}`). The cell type and
 * the metadata are not the title. Text that is not such metadata stays in the title (`n = 1000`,
 * which Jupytext never writes so, `a=b`, or `n=1000`: a number is metadata only under Jupytext's own
 * keys, NUMERIC_METADATA_KEYS).
 * @example markerTitle('rows tags=["x"] hide=true') // 'rows'
 * @example markerTitle('Notes [markdown] {"tags": ["y"]}') // 'Notes'
 */
export function markerTitle(text: string): string {
  const typeless = text.replace(new RegExp(PROSE_TYPE.source, 'gi'), ' ').trim();
  const curly = typeless.indexOf('{');
  const equal = typeless.indexOf('=');
  if (curly >= 0 && (equal < 0 || curly < equal) && isJson(typeless.slice(curly)) && typeless.trimEnd().endsWith('}')) return typeless.slice(0, curly).trim();
  for (const key of typeless.matchAll(METADATA_KEY)) {
    if (isKeyValueMetadata(typeless.slice(key.index))) return typeless.slice(0, key.index).trim();
  }
  return typeless;
}

/**
 * The cells of a source file. Code before the first marker becomes a cell titled `prelude` only
 * when it is not blank; a file without markers is one prelude cell (or none when blank); a first
 * line `#!…` is read as a comment (`//…`). A
 * markdown or raw cell (isProseMarker) is no code to run: it is left out, as a notebook's
 * markdown cells are (it still counts for the N of `cell N`).
 * @example splitCells('// %% a\nx = 1\n// %%\ny = 2').map((c) => [c.title, c.startLine]) // [['a', 2], ['cell 2', 4]]
 */
export function splitCells(source: string): readonly Cell[] {
  // A hashbang (`#!/usr/bin/env -S npx tsx`, for a file also run as a script) is JavaScript only as
  // a file's first characters, and a cell is no file's start: it failed the prelude as a syntax
  // error, and with it the run. It becomes a comment of the same length, so positions stay.
  const lines = source.replace(/^#!/, '//').split(/\r?\n/);
  const cells: Cell[] = [];
  let title = 'prelude';
  let markerLine: number | null = null;
  let body: string[] = [];
  let markerCount = 0;
  let isProse = false;
  let inLiterals: Set<number> | undefined;

  const close = (nextMarkerLine?: number): void => {
    const code = body.join('\n');
    const isBlank = code.trim() === '';
    if ((markerLine === null && isBlank) || isProse) return;
    inLiterals ??= nextMarkerLine === undefined ? undefined : linesInLiterals(source);
    const isCut = nextMarkerLine !== undefined && inLiterals !== undefined && inLiterals.has(nextMarkerLine);
    cells.push({ title, index: cells.length, markerLine, startLine: (markerLine ?? 0) + 1, code, isBlank, ...(isCut ? { cutAtMarkerLine: nextMarkerLine } : {}) });
  };

  lines.forEach((line, index) => {
    const markerText = parseCellMarker(line);
    if (markerText === undefined) {
      body.push(line);
      return;
    }
    close(index + 1);
    markerCount++;
    isProse = isProseMarker(markerText);
    const named = markerTitle(markerText);
    title = named === '' ? `cell ${markerCount}` : named;
    markerLine = index + 1;
    body = [];
  });
  // The empty string split() leaves after the final newline is not a code line.
  if (source.endsWith('\n')) body.pop();
  close();
  return cells;
}

/**
 * The 1-based line of the first `# %%` line of a file with no `// %%` marker: the cell marker of
 * Python's percent format (Jupyter, VS Code), which a JavaScript or TypeScript file cannot hold
 * (`#` starts no statement); undefined where the file has `// %%` markers or no such line outside
 * a template literal, a block comment or a string (text there, e.g. Python code in a template).
 * @example findPythonMarkerLine('# %% setup\nconst n = 1;') // 1
 * @example findPythonMarkerLine('// %% setup\nconst s = `\n# %% python in a string\n`;') // undefined
 */
export function findPythonMarkerLine(source: string): number | undefined {
  const lines = source.split(/\r?\n/);
  if (lines.some((line) => parseCellMarker(line) !== undefined)) return undefined;
  const inLiterals = linesInLiterals(source);
  const index = lines.findIndex((line, at) => /^\s*#\s*%%/.test(line) && !inLiterals.has(at + 1));
  return index === -1 ? undefined : index + 1;
}

const WHITE_SPACE = /\s/;
const LINE_END = /[\n\r\u2028\u2029]/;

/**
 * True when `code` is nothing but comments and white space, as JavaScript and TypeScript read
 * them: `//` and `/* *\/` comments, and the HTML-like `<!--` and `-->` that scripts also take for
 * line comments (where only comments come before them, as here). A file's header before its first
 * marker is such a prelude, and is not reported as a cell. Deciding that needs no compiler, so a
 * .js file with a header starts none (see src/experiment/transpile-cell.ts).
 * @example isCommentsOnly('// row against column\n/* 2048² doubles *\/') // true
 * @example isCommentsOnly('/* setup *\/ const n = 2048;') // false
 */
export function isCommentsOnly(code: string): boolean {
  let i = 0;
  while (i < code.length) {
    if (WHITE_SPACE.test(code.charAt(i))) {
      i++;
    } else if (code.startsWith('//', i) || code.startsWith('<!--', i) || code.startsWith('-->', i)) {
      const lineEnd = code.slice(i).search(LINE_END);
      i = lineEnd === -1 ? code.length : i + lineEnd;
    } else if (code.startsWith('/*', i)) {
      const end = code.indexOf('*/', i + 2);
      if (end === -1) return false;
      i = end + 2;
    } else {
      return false;
    }
  }
  return true;
}
