import { describe, expect, it } from 'vitest';
import { programStdio } from '../../src/session/program-stdio.ts';

describe("programStdio: an external command's stdin, stdout and stderr", () => {
  it('inherits all by default; quiet reads /dev/null and discards stdout; stdout to stderr and stdin from /dev/null each on their own', () => {
    expect(programStdio({})).toEqual(['inherit', 'inherit', 'inherit']);
    expect(programStdio({ quiet: true })).toEqual(['ignore', 'ignore', 'inherit']);
    // run --json: the program's stdout on perfcell's stderr, its stdin perfcell's
    expect(programStdio({ programStdout: 'stderr' })).toEqual(['inherit', 2, 'inherit']);
    // compare --show-output
    expect(programStdio({ programStdout: 'stderr', programStdin: 'null' })).toEqual(['ignore', 2, 'inherit']);
    // quiet wins over a stdout asked for
    expect(programStdio({ quiet: true, programStdout: 'stderr' })).toEqual(['ignore', 'ignore', 'inherit']);
  });
});
