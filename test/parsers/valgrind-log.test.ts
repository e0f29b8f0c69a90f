import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLogCommand, parseUnhandledInstruction } from '../../parsers/valgrind-log.ts';

const readSample = (name: string) => readFileSync(join(import.meta.dirname, '../../samples/cachegrind', name), 'utf8');

describe('parseUnhandledInstruction', () => {
  it('reads the bytes and the place of an instruction valgrind could not decode (a recorded log)', () => {
    expect(parseUnhandledInstruction(readSample('sha256rnds2.unhandled.valgrind.log'))).toEqual({
      bytes: '0xF 0x38 0xCB 0xD1 0x31 0xC0 0xC3 0x66 0xF 0x1F',
      location: '0x4014F0: main (in /tmp/tmp.pdAOirpEwB/sha256rnds2)',
    });
  });

  it('finds none in a program\'s own SIGILL (ud2, which valgrind decodes) or in a clean run', () => {
    expect(parseUnhandledInstruction(readSample('ud2.sigill.valgrind.log'))).toBeUndefined();
    expect(parseUnhandledInstruction(readSample('rowcol-row-64.dynamic.valgrind.log'))).toBeUndefined();
    expect(parseUnhandledInstruction('')).toBeUndefined();
  });

  it('keeps the bytes where the log is cut before valgrind says where (location null)', () => {
    const log = readSample('sha256rnds2.unhandled.valgrind.log');
    const cut = log.slice(0, log.indexOf('==', log.indexOf('unhandled instruction bytes')));
    expect(parseUnhandledInstruction(cut)).toEqual({ bytes: '0xF 0x38 0xCB 0xD1 0x31 0xC0 0xC3 0x66 0xF 0x1F', location: null });
  });
});

describe('parseLogCommand', () => {
  it('reads the command a recorded log ran, and a shell line as valgrind escapes it', () => {
    expect(parseLogCommand(readSample('rowcol-row-64.dynamic.valgrind.log'))).toBe('./rowcol row 64');
    expect(parseLogCommand('==27312== Parent PID: 27286\n==27312== Command: /usr/bin/sh -c /bin/kill\\ -9\\ $$\n')).toBe('/usr/bin/sh -c /bin/kill\\ -9\\ $$');
  });

  it('finds none in a log cut before its Command line', () => {
    const log = readSample('rowcol-row-64.dynamic.valgrind.log');
    expect(parseLogCommand(log.slice(0, log.indexOf('Command:')))).toBeUndefined();
    expect(parseLogCommand('')).toBeUndefined();
  });
});
