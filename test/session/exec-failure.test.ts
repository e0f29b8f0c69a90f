import { describe, expect, it } from 'vitest';
import { describeExecFailure } from '../../src/session/exec-failure.ts';

describe('describeExecFailure', () => {
  it('tells a directory from a file without the execute bit, both EACCES', () => {
    expect(describeExecFailure('/tmp', 13, 'Permission denied')).toBe('cannot run /tmp: it is a directory (give a program, e.g. perfcell run -- ls /tmp)');
    expect(describeExecFailure('./notes.txt', 13, 'Permission denied', () => false)).toBe('cannot run ./notes.txt: permission denied (make it executable: chmod +x ./notes.txt)');
  });
  it('names a missing program and a file that is no program', () => {
    expect(describeExecFailure('nope', 2, 'No such file or directory')).toBe('cannot run nope: no such file or directory (check the name, PATH and permissions)');
    expect(describeExecFailure('./x.bin', 8, 'Exec format error')).toBe('cannot run ./x.bin: not a program this machine can run (run a script through its interpreter, e.g. sh ./x.bin)');
  });
});
