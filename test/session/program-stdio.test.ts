import { describe, expect, it } from 'vitest';
import { hasOwnStdio, programStdio } from '../../src/session/program-stdio.ts';

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

  it('gives a file or pipe asked for (compare --input, --output) its descriptor, and /dev/null for null; a file not opened is an error', () => {
    expect(programStdio({ programStdin: { file: 'in.txt' }, programStdout: { file: './out.txt' } }, { stdinFd: 21, stdoutFd: 22 })).toEqual([21, 22, 'inherit']);
    expect(programStdio({ programStdin: { file: 'in.txt' }, programStdout: 'null' }, { stdinFd: 21 })).toEqual([21, 'ignore', 'inherit']);
    expect(programStdio({ programStdin: 'null', programStdout: 'pipe' }, { stdoutFd: 23 })).toEqual(['ignore', 23, 'inherit']);
    expect(() => programStdio({ programStdout: { file: './out.txt' } })).toThrow('./out.txt was not opened for the program');
    expect(hasOwnStdio({ programStdout: 'pipe' })).toBe(true);
    expect(hasOwnStdio({ programStdin: { file: 'in.txt' } })).toBe(true);
    expect(hasOwnStdio({ programStdout: 'stderr', programStdin: 'null' })).toBe(false);
    expect(hasOwnStdio({ quiet: true, programStdout: 'pipe' })).toBe(false);
  });
});
