import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { writeHtmlFile } from '../../src/cli/html-file.ts';

// A sysfs attribute without a write method refuses every writer, root too: a real EACCES where a
// test cannot count on a folder it may not write to (the tests run as root).
const refusing = '/sys/devices/system/cpu/online';

describe('writeHtmlFile: a page that cannot be written', () => {
  it.runIf(existsSync(refusing))('a file it may not write: the fix is its permissions, not a folder in the way', () => {
    // before: "(check that the path is a writable file, not a folder)", of a path that is a file
    expect(() => writeHtmlFile(refusing, '<html></html>')).toThrow(`cannot write the HTML report to ${refusing}: EACCES (check the path and its permissions)`);
  });

  it('a folder where the file should be: the fix is a file path', () => {
    const folder = mkdtempSync(`${tmpdir()}/perfcell-html-folder-`);
    try {
      expect(() => writeHtmlFile(folder, '<html></html>')).toThrow(`cannot write the HTML report to ${folder}: EISDIR (check that the path is a writable file, not a folder)`);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
