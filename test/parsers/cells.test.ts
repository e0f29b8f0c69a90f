import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { transformSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { extensionOf, findPythonMarkerLine, isCellFileExtension, isCommentsOnly, isProseMarker, markerTitle, parseCellMarker, splitCells } from '../../parsers/cells.ts';

const rowcolPath = join(import.meta.dirname, '../../samples/rowcol/rowcol.ts');
const rowcolSource = readFileSync(rowcolPath, 'utf8');

const tempDir = mkdtempSync(join(tmpdir(), 'perfcell-cells-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

/** Writes a real file and reads it back, so line endings and encodings are what a user's file has. */
function viaFile(name: string, text: string): string {
  const path = join(tempDir, name);
  writeFileSync(path, text);
  return readFileSync(path, 'utf8');
}

describe('parseCellMarker', () => {
  it('reads the title of marker lines and nothing else', () => {
    expect(parseCellMarker('// %% sum rows')).toBe('sum rows');
    expect(parseCellMarker('  //%%   spaced title  ')).toBe('spaced title');
    expect(parseCellMarker('//%%')).toBe('');
    expect(parseCellMarker('// %% [markdown]')).toBe('[markdown]');
    expect(parseCellMarker('// % not a cell')).toBeUndefined();
    expect(parseCellMarker('x = 1; // %% trailing')).toBeUndefined();
    expect(parseCellMarker('# %% python style')).toBeUndefined();
    expect(parseCellMarker('/* %% */')).toBeUndefined();
  });
});

describe('splitCells on samples/rowcol/rowcol.ts', () => {
  const cells = splitCells(rowcolSource);
  const fileLines = rowcolSource.split('\n');

  it('finds the prelude comment and the four titled cells', () => {
    expect(cells.map((cell) => cell.title)).toEqual(['prelude', 'setup', 'sum rows', 'sum columns', 'check']);
    expect(cells.map((cell) => cell.index)).toEqual([0, 1, 2, 3, 4]);
    expect(cells[0]!.markerLine).toBeNull();
    expect(cells[0]!.startLine).toBe(1);
  });

  it('puts each marker on its line and each cell’s code at startLine', () => {
    for (const cell of cells) {
      if (cell.markerLine !== null) {
        expect(fileLines[cell.markerLine - 1]).toMatch(new RegExp(`^// %% ${cell.title}$`));
        expect(cell.startLine).toBe(cell.markerLine + 1);
      }
      const codeLines = cell.code.split('\n');
      expect(fileLines.slice(cell.startLine - 1, cell.startLine - 1 + codeLines.length)).toEqual(codeLines);
    }
  });

  it('loses no line: markers and code put back together give the file again', () => {
    const rebuilt = cells
      .flatMap((cell) => (cell.markerLine === null ? [cell.code] : [fileLines[cell.markerLine - 1]!, cell.code]))
      .join('\n');
    expect(rebuilt + '\n').toBe(rowcolSource);
  });

  it('runs as cells in one shared scope, each cell again and again, with errors on the file’s lines', () => {
    const context = vm.createContext({});
    const run = (title: string): unknown => {
      const cell = cells.find((candidate) => candidate.title === title)!;
      // Type stripping keeps line numbers, so the cell's startLine still maps its errors.
      const { code } = transformSync(cell.code, { loader: 'ts', format: 'esm', sourcemap: false });
      return new vm.Script(code, { filename: rowcolPath, lineOffset: cell.startLine - 1 }).runInContext(context);
    };
    for (const cell of cells) run(cell.title);
    run('sum rows');
    run('sum columns');
    run('check');
    expect(vm.runInContext('[rowSum, columnSum, expectedSum]', context)).toEqual([3145722, 3145722, 3145722]);

    vm.runInContext('rowSum = -1', context);
    const checkCell = cells.find((cell) => cell.title === 'check')!;
    const throwLine = checkCell.startLine + checkCell.code.split('\n').findIndex((line) => line.includes('throw'));
    expect(() => run('check')).toThrow('sums differ: rows -1, columns 3145722, expected 3145722');
    const stack = (() => {
      try {
        run('check');
      } catch (error: unknown) {
        return String((error as Error).stack);
      }
      return 'did not throw';
    })();
    expect(stack).toContain(`${rowcolPath}:${throwLine}`);
  });
});

describe('splitCells', () => {
  it('numbers untitled cells by marker and keeps blank cells', () => {
    const cells = splitCells(viaFile('untitled.js', 'let a = 1;\n// %%\na += 1;\n//%%   \n\n// %% last\n'));
    expect(cells).toEqual([
      { title: 'prelude', index: 0, markerLine: null, startLine: 1, code: 'let a = 1;', isBlank: false },
      { title: 'cell 1', index: 1, markerLine: 2, startLine: 3, code: 'a += 1;', isBlank: false },
      { title: 'cell 2', index: 2, markerLine: 4, startLine: 5, code: '', isBlank: true },
      { title: 'last', index: 3, markerLine: 6, startLine: 7, code: '', isBlank: true },
    ]);
  });

  it('drops a blank prelude, keeps a comment-only one', () => {
    expect(splitCells(viaFile('blank.ts', '\n  \n// %% a\nx();\n')).map((cell) => cell.title)).toEqual(['a']);
    expect(splitCells(viaFile('header.ts', '// header\n// %% a\nx();\n')).map((cell) => cell.title)).toEqual(['prelude', 'a']);
  });

  it('makes a file without markers one prelude cell, and a blank file no cells', () => {
    expect(splitCells(viaFile('plain.js', 'console.log(1);\nconsole.log(2);\n'))).toEqual([
      { title: 'prelude', index: 0, markerLine: null, startLine: 1, code: 'console.log(1);\nconsole.log(2);', isBlank: false },
    ]);
    expect(splitCells(viaFile('empty.js', ''))).toEqual([]);
    expect(splitCells(viaFile('spaces.js', ' \n\t\n'))).toEqual([]);
  });

  it('accepts CRLF files and a last line without newline', () => {
    const cells = splitCells(viaFile('crlf.ts', '// %% one\r\nconst x = 1;\r\n\r\n// %% two\r\nx + 1'));
    expect(cells.map((cell) => [cell.title, cell.startLine, cell.code])).toEqual([
      ['one', 2, 'const x = 1;\n'],
      ['two', 5, 'x + 1'],
    ]);
  });

  it('reads a hashbang first line as a comment of the same length, so it is no prelude code', () => {
    // a cell is no file's start, where alone JavaScript takes '#!': the prelude had failed as a syntax error, and the run with it
    const header = splitCells(viaFile('script.ts', '#!/usr/bin/env -S npx tsx\n// header\n// %% a\nx();\n'));
    expect(header.map((cell) => [cell.title, cell.code])).toEqual([
      ['prelude', '///usr/bin/env -S npx tsx\n// header'],
      ['a', 'x();'],
    ]);
    expect(isCommentsOnly(header[0]!.code)).toBe(true);
    expect(splitCells('#!/usr/bin/env node\nconst a = 1;').map((cell) => [cell.startLine, cell.code])).toEqual([[1, '///usr/bin/env node\nconst a = 1;']]);
    expect(splitCells('const a = 1;\n#!not a hashbang').map((cell) => cell.code)).toEqual(['const a = 1;\n#!not a hashbang']);
  });

  it('finds Python\'s # %% marker only in a file without // %% markers', () => {
    expect(findPythonMarkerLine('// rows\n# %% setup\nconst n = 1;\n#%%\n')).toBe(2);
    expect(findPythonMarkerLine('  #  %%\r\nx')).toBe(1);
    expect(findPythonMarkerLine('// %% setup\nconst s = `\n# %% python in a string\n`;')).toBeUndefined();
    expect(findPythonMarkerLine('const a = 1;\n// # %% in a comment\n#!x')).toBeUndefined();
    // a # %% line inside a template literal, a block comment or a continued string is text, not a marker
    expect(findPythonMarkerLine('const py = `\n# %% cell\nprint(1)\n`;\nconsole.log(py.length);')).toBeUndefined();
    expect(findPythonMarkerLine('/*\n# %% in a block comment\n*/\nconst a = 1;')).toBeUndefined();
    expect(findPythonMarkerLine("const s = 'a\\\n# %% continued string';")).toBeUndefined();
    expect(findPythonMarkerLine('const t = `${`\n# %% nested`}\n`;\n# %% after\n')).toBe(4);
    expect(findPythonMarkerLine('const r = /`/; const q = a / 2 / 1;\n# %% after a regex\n')).toBe(2);
    expect(findPythonMarkerLine('const s = "`"; // `\n# %% after a string and a comment\n')).toBe(2);
  });

  it('leaves out Jupytext markdown and raw cells, which hold prose, not code to measure', () => {
    // a percent-format file as Jupytext writes it: they had run as cells titled '[markdown]', each with a report and a row
    const source = '// %% [markdown]\n// # Row against column\n\n// %% setup\nconst n = 4;\n// %% Notes [md] tags=["x"]\n// prose\n// %% [raw]\nnot code\n// %%\nn + 1;\n';
    expect(splitCells(viaFile('percent.ts', source)).map((cell) => [cell.title, cell.index, cell.startLine])).toEqual([
      ['setup', 0, 5],
      ['cell 5', 1, 11],
    ]);
    expect(['[markdown]', '[MD]', 'Notes [markdown] key="v"', '[raw]'].map(isProseMarker)).toEqual([true, true, true, true]);
    expect(['sum rows', '[markdownish]', 'a[md]', 'markdown', '[code]'].map(isProseMarker)).toEqual([false, false, false, false, false]);
  });

  // A QA pass: Jupytext's metadata after a title ended up in it, 'rows tags=["x"]' in the report and the table
  it("titles a cell without the Jupytext cell type and metadata after the title (key=JSON pairs, or one JSON object)", () => {
    const source = '// %% rows tags=["x"]\nconst a = 1;\n// %% sum {"tags": ["y"]}\nconst b = 2;\n// %% tags=["z"] hide_input=true\nconst c = 3;\n';
    expect(splitCells(viaFile('meta.ts', source)).map((cell) => cell.title)).toEqual(['rows', 'sum', 'cell 3']);
    expect(['rows tags=["x"] hide=true', 'x tags=["a b=c", "d"] k={"s": 1}', 'Notes [markdown] key="value"', 'rows [raw]'].map(markerTitle)).toEqual(['rows', 'x', 'Notes', 'rows']);
    // not metadata as Jupytext writes it (a value that is no JSON, spaces around '='): the title keeps it
    expect(['n = 1000', 'a=b', 'f(a=1)', 'title {not json}', 'sum rows', 'tag=x rows'].map(markerTitle)).toEqual(['n = 1000', 'a=b', 'f(a=1)', 'title {not json}', 'sum rows', 'tag=x rows']);
    // cells named by their input size keep their names (a review: `// %% n=1000` ran as `cell 1`, its
    // title taken for metadata); a number is metadata only under Jupytext's own keys
    expect(['n=1000', 'size=1e6', 'n=1000 tags=["x"]', 'rows lines_to_next_cell=2', 'lines_to_next_cell=2'].map(markerTitle)).toEqual(['n=1000', 'size=1e6', 'n=1000', 'rows', '']);
  });

  it('leaves markers inside strings and block comments alone only when not at line start', () => {
    // A marker is any line that is one; this is the Jupytext rule, not a JS parser.
    const cells = splitCells('const s = "// %% not a marker";\n/*\n// %% inside a comment\n*/');
    expect(cells.map((cell) => cell.title)).toEqual(['prelude', 'inside a comment']);
  });

  // A QA pass: a // %% line inside a template literal failed its cell as "unexpected end of input
  // (the cell ends too early)", nothing saying that the marker had cut the literal in two
  it('marks a cell whose end marker is inside a template literal or block comment it opened, and no other', () => {
    const source = '// %% t\nconst t = `a\n// %% inside\nb`;\n// %% c\n/*\n// %% commented\n*/\n// %% fine\nconst s = "// %% text";\n// %% last\n1;\n';
    expect(splitCells(source).map((cell) => [cell.title, cell.cutAtMarkerLine])).toEqual([
      ['t', 3],
      ['inside', undefined],
      ['c', 7],
      ['commented', undefined],
      ['fine', undefined],
      ['last', undefined],
    ]);
  });
});

describe('isCommentsOnly', () => {
  // esbuild decided this before (a prelude compiled as TypeScript, empty once compiled): the
  // scanner must agree with it on every kind of comment and white space, and on what is code
  const esbuildSaysCommentsOnly = (code: string): boolean => {
    try {
      return transformSync(code, { loader: 'ts' }).code.trim() === '';
    } catch {
      return false;
    }
  };
  const cases = [
    '', ' \n\t', '// header', '// a\r\n// b\r\n', '/* a */', '/** @file\n * rows\n */\n\n// b', '/* a', '/*/ */', '//a\n/*\n*/ //c',
    '<!-- old', '--> old', ' /* a */ --> x', '\u00a0// a\n\ufeff', '\u2028// x\u2029', '#!/usr/bin/env node\n// x', ';', '"use strict"',
    '/* a */ x', '// a\nconst n = 1;', 'x // trailing', '/* unterminated */ */', '//\n',
  ];
  it.each(cases)('agrees with esbuild on %j', (code) => {
    expect(isCommentsOnly(code)).toBe(esbuildSaysCommentsOnly(code));
  });
  it('leaves what TypeScript erases (types only) to the compiler: not comments', () => {
    expect(esbuildSaysCommentsOnly('type T = number;')).toBe(true);
    expect(isCommentsOnly('type T = number;')).toBe(false);
  });
});

describe('extensionOf and isCellFileExtension: the files cells runs (cells and compare ask the same)', () => {
  it('takes the last extension, lower case, and none from a folder\'s dot or a bare name', () => {
    expect(extensionOf('rowcol.MJS')).toBe('mjs');
    expect(extensionOf('dir.v2/cells.test.ts')).toBe('ts');
    expect(extensionOf('dir.v2/cells')).toBeUndefined();
    expect(extensionOf('page-faults')).toBeUndefined();
  });

  it('runs JavaScript, TypeScript and notebooks, not other languages', () => {
    for (const extension of ['js', 'ts', 'mjs', 'cjs', 'mts', 'cts', 'jsx', 'tsx', 'ipynb']) expect(isCellFileExtension(extension), extension).toBe(true);
    for (const extension of ['py', 'sh', 'json', 'jss', 'xts', '']) expect(isCellFileExtension(extension), extension).toBe(false);
  });
});
