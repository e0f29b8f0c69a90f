/**
 * Reads the code cells of a Jupyter notebook (nbformat 4) as the cells of a `// %%` file, so
 * `perfcell cells NOTEBOOK.ipynb` runs them like a cell file. Pure: text in, data out.
 */
import { markerTitle, type Cell } from './cells.ts';

/** A code cell of a notebook, with where it sits among the notebook's cells. */
export interface NotebookCell extends Cell {
  /** Index in the notebook's `cells` array (markdown cells included), from 0. */
  readonly notebookIndex: number;
}

export interface ParsedNotebook {
  /** kernelspec.language, else language_info.name; null when the notebook names none. */
  readonly language: string | null;
  /** Whether the cells are read as TypeScript: every language but `javascript` (TypeScript accepts JavaScript). */
  readonly typescript: boolean;
  /** The code cells that hold code, in order. */
  readonly cells: readonly NotebookCell[];
}

const LANGUAGES = new Set(['typescript', 'javascript', 'ts', 'js']);

/**
 * The code cells of a notebook's JSON text, or why they cannot be run. A cell's source is a
 * string or a list of lines (nbformat allows both). Titles are `cell N` (N counts code cells
 * from 1) unless the cell starts with a `// %% title` line, which is then left out of the code.
 * @example splitNotebook('{"nbformat":4,"metadata":{},"cells":[{"cell_type":"code","source":["const a = 1;\\n","a"]}]}')
 * // { notebook: { language: null, typescript: true, cells: [{ title: 'cell 1', code: 'const a = 1;\na', notebookIndex: 0, … }] } }
 */
export function splitNotebook(text: string): { readonly notebook: ParsedNotebook } | { readonly problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error: unknown) {
    return { problem: `is not a notebook: not JSON (${(error as Error).message})` };
  }
  if (typeof data !== 'object' || data === null || !Array.isArray((data as { cells?: unknown }).cells)) return { problem: 'is not a notebook: no "cells" list' };
  const notebook = data as { nbformat?: unknown; metadata?: { kernelspec?: { language?: unknown }; language_info?: { name?: unknown } }; cells: unknown[] };
  if (typeof notebook.nbformat === 'number' && notebook.nbformat < 4) return { problem: `is nbformat ${notebook.nbformat} (save it as nbformat 4, e.g. with jupyter nbconvert --to notebook)` };
  const named = notebook.metadata?.kernelspec?.language ?? notebook.metadata?.language_info?.name;
  const language = typeof named === 'string' ? named.toLowerCase() : null;
  if (language !== null && !LANGUAGES.has(language)) return { problem: `is a ${language} notebook (perfcell runs JavaScript or TypeScript cells)` };

  const cells: NotebookCell[] = [];
  let codeCount = 0;
  notebook.cells.forEach((raw, notebookIndex) => {
    const cell = raw as { cell_type?: unknown; source?: unknown };
    if (cell.cell_type !== 'code') return;
    codeCount++;
    const source = Array.isArray(cell.source) ? cell.source.map(String).join('') : typeof cell.source === 'string' ? cell.source : '';
    const lines = source.split(/\r?\n/);
    const marker = /^\s*\/\/\s*%%(.*)$/.exec(lines[0] ?? '');
    const title = (marker?.[1] === undefined ? '' : markerTitle(marker[1])) || `cell ${codeCount}`;
    const code = (marker ? lines.slice(1) : lines).join('\n');
    if (code.trim() === '') return;
    cells.push({ title, index: cells.length, markerLine: null, startLine: marker ? 2 : 1, code, isBlank: false, notebookIndex });
  });
  return { notebook: { language, typescript: language !== 'javascript' && language !== 'js', cells } };
}
