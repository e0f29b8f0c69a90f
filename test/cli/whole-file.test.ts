import { spawnSync } from 'node:child_process';
import { chmodSync, linkSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeWholeFile, writeWholeFileAsync } from '../../src/whole-file.ts';
import { cliPath } from '../support/fixtures.ts';
import { mountProblem } from '../support/full-tmpdir.ts';
import { nobodyCanRun, warnNobodySkipped } from '../support/nobody.ts';
import { temporaryFolders } from '../support/temp-folders.ts';

/*
 * writeWholeFile replaces a file by renaming a new one over it (a full disk leaves the earlier
 * file; test/faults/full-disk-outputs.test.ts makes one): what a rename could change besides the
 * text stays as a write in place leaves it.
 */
const tempFolder = temporaryFolders('each');

describe.each([
  ['writeWholeFile', async (path: string, text: string) => writeWholeFile(path, text)],
  ['writeWholeFileAsync', writeWholeFileAsync],
] as const)('%s', (_name, write) => {
  it('replaces a file\'s text, keeps its mode, and leaves nothing beside it', async () => {
    const folder = tempFolder('perfcell-whole-');
    const file = join(folder, 'report.txt');
    writeFileSync(file, 'earlier and longer\n');
    chmodSync(file, 0o640);
    await write(file, 'new\n');
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(folder)).toEqual(['report.txt']);
  });

  it('writes through a link to the file, which stays a link', async () => {
    const folder = tempFolder('perfcell-whole-');
    writeFileSync(join(folder, 'target.json'), '{}');
    symlinkSync('target.json', join(folder, 'link.json'));
    await write(join(folder, 'link.json'), '[1]');
    expect(lstatSync(join(folder, 'link.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(folder, 'target.json'), 'utf8')).toBe('[1]');
  });

  it('writes a file with hard links in place, so every name reads the new text', async () => {
    const folder = tempFolder('perfcell-whole-');
    writeFileSync(join(folder, 'a.csv'), 'old');
    linkSync(join(folder, 'a.csv'), join(folder, 'b.csv'));
    await write(join(folder, 'a.csv'), 'new');
    expect(readFileSync(join(folder, 'b.csv'), 'utf8')).toBe('new');
  });

  it('writes a device directly: /dev/null stays the device, /dev/full says ENOSPC', async () => {
    await write('/dev/null', 'text');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    await expect(Promise.resolve().then(() => write('/dev/full', 'text'))).rejects.toMatchObject({ code: 'ENOSPC' });
  });

  it('a folder given as the file: EISDIR, as a write in place says', async () => {
    const folder = tempFolder('perfcell-whole-');
    await expect(Promise.resolve().then(() => write(folder, 'text'))).rejects.toMatchObject({ code: 'EISDIR' });
    expect(readdirSync(folder)).toEqual([]);
  });
});

warnNobodySkipped('the output files another user owns');

// Where a file may be written but not replaced, it is written in place, as before whole files: a
// sticky folder (/tmp) lets only a file's owner rename over it, whatever its mode says (the first
// try at whole files said 'cannot write the report to …/r.txt: EPERM' there), and a folder that
// refuses new files can hold a file that takes writes; and where a rename would work but the
// replacement could not keep the file's owner (a folder anyone may write, not sticky), root's file
// became nobody's
describe.runIf(nobodyCanRun)('run -o, as another user, to a file that user may write', () => {
  it.each([
    ['in a sticky folder', 0o1777],
    ['in a folder it may not create files in', 0o555],
    ['in a folder anyone may write, the owner kept', 0o777],
  ])('%s: written in place, exit 0', (_name, folderMode) => {
    const folder = tempFolder('perfcell-whole-other-');
    const file = join(folder, 'r.txt');
    writeFileSync(file, 'earlier\n');
    chmodSync(file, 0o666);
    chmodSync(folder, folderMode);
    const result = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, cliPath, 'run', '--no-perf', '-o', file, '--', 'true'], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    });
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(readFileSync(file, 'utf8')).toMatch(/^true peaked /);
    expect(statSync(file).uid).toBe(process.getuid?.());
    chmodSync(folder, 0o700);
  });
});

// A file bind-mounted over another (a container's `-v ./report.txt:/out/report.txt`) is a mount
// point, which no rename may replace (EBUSY, from the same file system or another): it is written
// in place, as before whole files, where the rename said 'cannot write the report to out.txt:
// EBUSY' and left the file as it was. In a mount namespace of its own (unshare -m), so no mount
// outlives the test.
describe.runIf(mountProblem === null)('run -o to a file bind-mounted over another', () => {
  it('is written in place through the mount, exit 0', () => {
    const folder = tempFolder('perfcell-whole-mount-');
    const source = join(folder, 'source.txt');
    const file = join(folder, 'out.txt');
    writeFileSync(source, 'earlier\n');
    writeFileSync(file, 'under the mount\n');
    const script = 'mount --bind "$0" "$1" || exit 99; shift; exec "$@"';
    const result = spawnSync('unshare', ['-m', 'sh', '-c', script, source, file, process.execPath, cliPath, 'run', '--no-perf', '-o', file, '--', 'true'], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    });
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(readFileSync(source, 'utf8')).toMatch(/^true peaked /);
    expect(readFileSync(file, 'utf8')).toBe('under the mount\n');
    expect(readdirSync(folder).sort()).toEqual(['out.txt', 'source.txt']);
  });
});
