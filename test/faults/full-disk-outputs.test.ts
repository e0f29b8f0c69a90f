import { linkSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { runsWithFullTmpdir } from '../support/full-tmpdir.ts';
import { temporaryFolders } from '../support/temp-folders.ts';
import { hasStrace, runsWith } from '../support/tools.ts';

/*
 * Output files on a full disk (a QA pass): every output was written in place, so a write that ran
 * out of room left the file cut, or empty, where an earlier one had been: `compare --save base`
 * emptied the comparison `--baseline base` reads, and `cells --write` cut the user's notebook to
 * what fitted (4096 bytes, its later cells gone, with 4 KiB left; nothing with none), said as
 * 'error: ENOSPC: no space left on device, write'. Now each is written whole or not at all. Real perfcell on a real 64 KiB tmpfs, filled, mounted in a mount namespace of the
 * command's own (unshare -m), so no mount outlives the test.
 */
const tempFolder = temporaryFolders('each');

/**
 * Runs perfcell in a full tmpfs holding a copy of `before` (its cwd), then copies what the tmpfs
 * holds (but its filler) to `after`, which it returns with perfcell's status and streams.
 */
async function runOnFullDisk(before: string, args: readonly string[]) {
  const work = tempFolder('perfcell-full-disk-');
  const mount = join(work, 'mount');
  const after = join(work, 'after');
  mkdirSync(mount);
  mkdirSync(after);
  const script = [
    'mount -t tmpfs -o size=64k tmpfs "$0" || exit 99',
    'cp -a "$1/." "$0/"',
    'dd if=/dev/zero of="$0/.fill" bs=4k count=100 2>/dev/null',
    '[ "$(df --output=avail "$0" | tail -1)" -eq 0 ] || exit 98',
    'cd "$0"; shift; "$@"; status=$?',
    'rm .fill; cp -a . "$AFTER/"; exit $status',
  ].join('\n');
  const result = await execa('unshare', ['-m', 'sh', '-c', script, mount, before, process.execPath, cliPath, ...args], {
    reject: false,
    timeout: 60_000,
    env: { NO_COLOR: '1', AFTER: after },
  });
  expect(result.exitCode, `${result.stderr}`).not.toBeGreaterThan(97);
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, after };
}

/** Every file under `folder`, relative, with its text. */
function filesIn(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files[join(entry.parentPath, entry.name).slice(folder.length + 1)] = readFileSync(join(entry.parentPath, entry.name), 'utf8');
  }
  return files;
}

const errorLines = (stderr: string): string[] => stderr.split('\n').filter((line) => line.startsWith('error: '));

describe.runIf(runsWithFullTmpdir('output files on a full disk'))('output files on a full disk', () => {
  it('compare keeps the earlier --save and export in place, writes no cut page, and says each in one line, exit 1', async () => {
    // an earlier comparison, saved and exported for real where there was room
    const before = tempFolder('perfcell-full-disk-before-');
    const earlier = await execa(process.execPath, [cliPath, 'compare', '--no-perf', '-r', '2', '--save', 'base', '--export-json', 'e.json', '--', 'true', 'sleep 0.001'], { cwd: before, reject: false, env: { NO_COLOR: '1' } });
    expect(earlier.exitCode, earlier.stderr).toBe(0);
    const kept = filesIn(before);
    expect(Object.keys(kept).sort()).toEqual(['.perfcell/base.json', 'e.json']);

    const result = await runOnFullDisk(before, ['compare', '--no-perf', '-r', '2', '--save', 'base', '--export-json', 'e.json', '--html', 'e.html', '--', 'true', 'sleep 0.001']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^Benchmark 1: true$/m);
    expect(errorLines(result.stderr)).toEqual([
      'error: cannot write e.json: ENOSPC: no space left on device, write (free space on its disk, or give a path on another)',
      'error: cannot write the HTML report to e.html: ENOSPC (free space on its disk, or give a path on another)',
      expect.stringMatching(/^error: cannot write \S+\/\.perfcell\/base\.json: ENOSPC: no space left on device, write \(free space on its disk, or give a path on another\)$/),
    ]);
    // before: both emptied, and an empty e.html
    expect(filesIn(result.after)).toEqual(kept);
  }, 60_000);

  it('cells --write leaves the notebook as it was, and says so, exit 1, the reports on stdout', async () => {
    const before = tempFolder('perfcell-full-disk-before-');
    const notebook = {
      cells: [
        { cell_type: 'code', metadata: {}, source: ['const a = 1;\n'], outputs: [], execution_count: null },
        { cell_type: 'code', metadata: {}, source: ['const b = 2;\n'], outputs: [], execution_count: null },
        { cell_type: 'markdown', metadata: {}, source: [`# notes\n${'the notes that matter '.repeat(60)}\n`] },
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    };
    writeFileSync(join(before, 'nb.ipynb'), JSON.stringify(notebook, null, 1));
    const kept = filesIn(before);

    const result = await runOnFullDisk(before, ['cells', '--no-perf', '--write', 'nb.ipynb']);
    expect(result.stdout).toMatch(/^cell 2 used -?[\d.]+ MiB RAM in/m);
    // before: "error: ENOSPC: no space left on device, write", the notebook cut to nothing
    expect(result.stderr.trim()).toBe('error: cannot write the reports into nb.ipynb: ENOSPC (free space on its disk, or give a path on another); the notebook is unchanged');
    expect(result.exitCode).toBe(1);
    expect(filesIn(result.after)).toEqual(kept);
  }, 60_000);

  it.each([
    ['run', []],
    ['run -r 2', ['-r', '2']],
  ] as const)('%s -o and --html: the report on stderr after a line naming the fix, no empty file left, exit 1', async (_name, repeat) => {
    const before = tempFolder('perfcell-full-disk-before-');
    const result = await runOnFullDisk(before, ['run', '--no-perf', ...repeat, '-o', 'r.txt', '--html', 'r.html', '--', 'true']);
    expect(result.exitCode).toBe(1);
    // before: "(check the path and its permissions)", and an empty r.txt and r.html left
    expect(errorLines(result.stderr)).toEqual([
      'error: cannot write the report to r.txt: ENOSPC (free space on its disk, or give a path on another); the report follows on stderr',
      'error: cannot write the HTML report to r.html: ENOSPC (free space on its disk, or give a path on another)',
    ]);
    expect(result.stderr).toMatch(/^true( peaked|: 2 runs)/m);
    expect(filesIn(result.after)).toEqual({});
  }, 60_000);
});

// A user over their disk quota: the write fails with EDQUOT, which libuv does not name (Node 20
// calls it 'Unknown system error -122'), so writeErrorFix's EDQUOT never matched and every output
// line sent the user to permissions: 'cannot write the HTML report to r.html: Unknown system
// error -122 (check the path and its permissions)', and compare's exports had a fix of their own
// that knew ENOSPC alone. strace injects EDQUOT into the open of each output file: one with a
// second name, which is written in place, so the open names its path (a new file's temporary
// name is not known here).
describe.runIf(runsWith('strace', hasStrace, 'output files over a disk quota'))('output files over a disk quota (EDQUOT)', () => {
  const overQuota = (folder: string, files: readonly string[], args: (folder: string) => readonly string[]) => {
    const paths = files.map((file) => join(folder, file));
    for (const path of paths) {
      writeFileSync(path, 'earlier\n');
      linkSync(path, `${path}.link`);
    }
    const traced = paths.flatMap((path) => ['-P', path]);
    // strace -P matches the path as the open gives it: the outputs are named whole
    return execa('strace', ['-f', '-qq', '-o', '/dev/null', ...traced, '-e', 'trace=openat', '-e', 'inject=openat:error=EDQUOT', process.execPath, cliPath, ...args(folder)], {
      cwd: folder,
      reject: false,
      timeout: 60_000,
      env: { NO_COLOR: '1' },
    });
  };

  it('run -o and --html name EDQUOT and the fix a full disk needs, exit 1', async () => {
    const folder = tempFolder('perfcell-quota-');
    const result = await overQuota(folder, ['r.txt', 'r.html'], (at) => ['run', '--no-perf', '-o', join(at, 'r.txt'), '--html', join(at, 'r.html'), '--', 'true']);
    expect(errorLines(result.stderr)).toEqual([
      `error: cannot write the report to ${join(folder, 'r.txt')}: EDQUOT (free space on its disk, or give a path on another); the report follows on stderr`,
      `error: cannot write the HTML report to ${join(folder, 'r.html')}: EDQUOT (free space on its disk, or give a path on another)`,
    ]);
    expect(result.exitCode).toBe(1);
  }, 60_000);

  it("compare's export names the fix a full disk needs, exit 1, the earlier file kept", async () => {
    const folder = tempFolder('perfcell-quota-');
    const result = await overQuota(folder, ['e.json'], (at) => ['compare', '--no-perf', '-r', '2', '--export-json', join(at, 'e.json'), '--', 'true']);
    expect(errorLines(result.stderr)).toEqual([`error: cannot write ${join(folder, 'e.json')}: EDQUOT (free space on its disk, or give a path on another)`]);
    expect(result.exitCode).toBe(1);
    expect(readFileSync(join(folder, 'e.json'), 'utf8')).toBe('earlier\n');
  }, 60_000);
});
