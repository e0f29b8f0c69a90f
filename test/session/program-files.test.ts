import { constants } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProgramFiles, servedOpenFailure } from '../../src/session/program-files.ts';
import { temporaryFolders } from '../support/temp-folders.ts';

const tempFolder = temporaryFolders('each');

// A served run's held child cannot open its file (native/perfcell-serve.c leaves which, and errno,
// in its end report): compare says so in the words a gate per run's own open says it. Real files.
describe('servedOpenFailure', () => {
  it("says what openProgramFiles says of the same file: a missing input, an output in a missing folder", () => {
    const dir = tempFolder('perfcell-program-files-');
    const stdin = { programStdin: { file: join(dir, 'gone.txt') } };
    const stdout = { programStdout: { file: join(dir, 'no-folder', 'out.txt') } };
    expect(() => openProgramFiles(stdin)).toThrow(servedOpenFailure(stdin, 1, constants.errno.ENOENT));
    expect(() => openProgramFiles(stdout)).toThrow(servedOpenFailure(stdout, 2, constants.errno.ENOENT));
    expect(servedOpenFailure(stdin, 1, constants.errno.EACCES)).toBe(`cannot open ${join(dir, 'gone.txt')} to read as stdin for the program (EACCES): check the path`);
    expect(servedOpenFailure({ programStdout: 'pipe' }, 2, constants.errno.ENOENT)).toBe("cannot open perfcell's pipe to write as stdout for the program (ENOENT): check the path");
  });
});
