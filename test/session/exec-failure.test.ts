import { describe, expect, it } from 'vitest';
import { describeExecFailure, launchError } from '../../src/session/exec-failure.ts';
import { UsageError } from '../../src/errors.ts';

describe('describeExecFailure', () => {
  it('tells a directory from a file without the execute bit, both EACCES', () => {
    expect(describeExecFailure('/tmp', 13, 'Permission denied')).toBe('cannot run /tmp: it is a directory (give a program, e.g. perfcell run -- ls /tmp)');
    expect(describeExecFailure('./notes.txt', 13, 'Permission denied', () => false)).toBe('cannot run ./notes.txt: permission denied (make it executable: chmod +x ./notes.txt)');
  });
  it('names a missing program and a file that is no program', () => {
    expect(describeExecFailure('nope', 2, 'No such file or directory')).toBe('cannot run nope: no such file or directory (check the name, PATH and permissions)');
    expect(describeExecFailure('./x.bin', 8, 'Exec format error')).toBe('cannot run ./x.bin: not a program this machine can run (run a script through its interpreter, e.g. sh ./x.bin)');
  });
  it('names the missing interpreter of a program that exists (ENOENT from its #! line or its ELF loader)', () => {
    const head = (text: string | Buffer) => () => ({ path: '/opt/x/tool', head: Buffer.from(text) });
    expect(describeExecFailure('tool', 2, 'No such file or directory', () => false, head('#! /usr/bin/python2 -u\nprint 1\n'))).toBe(
      'cannot run tool: its interpreter /usr/bin/python2 (named on its #! line) was not found (install it, or correct the #! line of /opt/x/tool)',
    );
    expect(describeExecFailure('tool', 2, 'No such file or directory', () => false, head('#!/bin/sh\r\necho\r\n'))).toBe(
      'cannot run tool: its #! line ends in a Windows line break (\\r), so its interpreter /bin/sh is not found (convert the file: dos2unix /opt/x/tool)',
    );
    // a 64-bit little-endian ELF header whose one program header is PT_INTERP at offset 120
    const elf = Buffer.alloc(160);
    elf.write('\x7fELF', 0, 'latin1');
    elf[4] = 2;
    elf[5] = 1;
    elf.writeBigUInt64LE(64n, 0x20);
    elf.writeUInt16LE(56, 0x36);
    elf.writeUInt16LE(1, 0x38);
    elf.writeUInt32LE(3, 64);
    elf.writeBigUInt64LE(120n, 64 + 0x08);
    elf.writeBigUInt64LE(25n, 64 + 0x20);
    elf.write('/lib/ld-musl-x86_64.so.1\0', 120, 'latin1');
    expect(describeExecFailure('tool', 2, 'No such file or directory', () => false, head(elf))).toBe(
      'cannot run tool: its dynamic loader /lib/ld-musl-x86_64.so.1 was not found (a program built for another system? check it with: file /opt/x/tool)',
    );
    expect(describeExecFailure('tool', 2, 'No such file or directory', () => false, () => null)).toBe('cannot run tool: no such file or directory (check the name, PATH and permissions)');
  });
  it('says what an empty program name is', () => {
    expect(describeExecFailure('', 13, 'Permission denied')).toBe('cannot run a program with an empty name (the word after -- is ""; give a program, e.g. perfcell run -- ls)');
  });
  it('gives 127 for a program not found and 126 for one that cannot run', () => {
    expect(launchError('nope', 2, 'No such file or directory').exitStatus).toBe(127);
    expect(launchError('/tmp', 13, 'Permission denied').exitStatus).toBe(126);
    expect(launchError('./x.bin', 8, 'Exec format error').exitStatus).toBe(126);
    expect(launchError('nope', 2, 'No such file or directory')).toBeInstanceOf(UsageError);
  });
});
