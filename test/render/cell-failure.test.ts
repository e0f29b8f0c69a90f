import { describe, expect, it } from 'vitest';
import { formatCellFailure } from '../../src/render/cell-failure.ts';

const failure = { message: 'Error: sums differ', line: 2, column: 9, stack: 'Error: sums differ' };

describe('formatCellFailure', () => {
  it('names the file line of a cell file, and in a notebook the cell\'s own line', () => {
    expect(formatCellFailure('rowcol.ts', 'check', { ...failure, line: 34 })).toBe("cell 'check' failed at rowcol.ts:34:9: Error: sums differ");
    // before: "failed at rowcol.ipynb:2:9", a line of the cell read as a line of the .ipynb file
    expect(formatCellFailure('rowcol.ipynb', 'cell 4', failure)).toBe("cell 'cell 4' of rowcol.ipynb failed at its line 2:9: Error: sums differ");
    expect(formatCellFailure('rowcol.ipynb', 'cell 4', { ...failure, line: null, column: null })).toBe("cell 'cell 4' of rowcol.ipynb failed: Error: sums differ");
    expect(formatCellFailure('a.js', 'one', { ...failure, line: null, column: null })).toBe("cell 'one' failed in a.js: Error: sums differ");
  });
});
