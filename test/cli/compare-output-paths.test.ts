import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutputPaths, outputPathProblem } from '../../src/cli/output-paths.ts';
import { cliPath } from '../support/fixtures.ts';
import { nobodyCanRun, warnNobodySkipped } from '../support/nobody.ts';

// compare writes its exports (--export-json/-csv/-markdown, --html, --save) after every run: a path
// that cannot be written used to be found only then, the comparison's time lost. They are checked
// before the first run (usage error, exit 2, one line naming the fix), and nothing is created early.

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'perfcell-outputs-'));
  // the user nobody runs compare in here (the permission test): it may read, not write
  chmodSync(dir, 0o755);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const perfcell = (args: readonly string[], asNobody = false) =>
  asNobody
    ? execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, cliPath, ...args], { reject: false, env: { NO_COLOR: '1' }, cwd: dir, timeout: 60_000, forceKillAfterDelay: 1_000 })
    : execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1' }, cwd: dir, timeout: 60_000, forceKillAfterDelay: 1_000 });

/** A compare whose first alternative appends a line to `log` each run: the log says whether anything ran. */
const compareArgs = (log: string, ...outputs: string[]) => ['compare', '--no-perf', '--runs', '2', '--warmup', '0', '--shell', ...outputs, '--', `echo ran >> ${log}`, 'true'];

describe('compare checks its output paths before the first run', () => {
  it('a folder given as --export-csv is refused, nothing runs', async () => {
    const log = join(dir, 'folder.log');
    const folder = join(dir, 'results');
    mkdirSync(folder);
    const result = await perfcell(compareArgs(log, '--export-json', join(dir, 'fine.json'), '--export-csv', folder));
    expect(result.stderr).toBe(`error: --export-csv ${folder} is a folder (give a file name in it, e.g. --export-csv ${folder}/compare.csv)`);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(existsSync(log)).toBe(false);
    // the good path was not created empty up front either
    expect(existsSync(join(dir, 'fine.json'))).toBe(false);
  });

  it('a file where a folder should be (--html notes.txt/page.html) is refused, nothing runs', async () => {
    const log = join(dir, 'file-parent.log');
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'kept\n');
    const page = join(notes, 'sub', 'page.html');
    const result = await perfcell(compareArgs(log, '--html', page));
    expect(result.stderr).toBe(`error: --html ${page} cannot be written: ${notes} is a file, not a folder (check the path)`);
    expect(result.exitCode).toBe(2);
    expect(existsSync(log)).toBe(false);
    expect(readFileSync(notes, 'utf8')).toBe('kept\n');
  });

  // A review's note: an export naming the file of the cells compared was written over it once
  // every run was done, the cells lost without a word (exit 0); refused before the first run
  it('an export naming the file of the cells, by its name or a link, is refused, nothing runs, the file kept', async () => {
    const cells = join(dir, 'compared.js');
    const text = '// %% one\nlet a = 1\n// %% two\nlet b = 2\n';
    writeFileSync(cells, text);
    symlinkSync(cells, join(dir, 'compared-link.js'));
    const args = ['compare', cells, '--cells', 'one', 'two', '--no-perf', '--runs', '2', '--warmup', '0'];
    const named = await perfcell([...args, '--html', cells]);
    expect([named.exitCode, named.stdout, named.stderr]).toEqual([2, '', `error: --html ${cells} would be written over ${cells}, the file of the cells (give it another file)`]);
    const linked = await perfcell([...args, '--export-json', 'fine.json', '--export-csv', 'compared-link.js']);
    expect([linked.exitCode, linked.stderr]).toEqual([2, `error: --export-csv compared-link.js would be written over ${cells}, the file of the cells (give it another file)`]);
    expect(readFileSync(cells, 'utf8')).toBe(text);
    expect(existsSync(join(dir, 'fine.json'))).toBe(false);
  });

  it('two exports naming one file are refused', async () => {
    const log = join(dir, 'same.log');
    const result = await perfcell(compareArgs(log, '--export-json', 'out.txt', '--export-markdown', 'out.txt'));
    expect(result.stderr).toBe('error: --export-json and --export-markdown both name out.txt (give each its own file)');
    expect(result.exitCode).toBe(2);
    expect(existsSync(log)).toBe(false);
  });

  it('two exports reaching one file through a symlink, a hard link or a linked folder are refused', async () => {
    const log = join(dir, 'linked.log');
    writeFileSync(join(dir, 'table.csv'), 'earlier\n');
    symlinkSync('table.csv', join(dir, 'table-link.csv'));
    linkSync(join(dir, 'table.csv'), join(dir, 'table-hard.csv'));
    mkdirSync(join(dir, 'real'));
    symlinkSync('real', join(dir, 'real-link'));
    for (const [first, second] of [['table.csv', 'table-link.csv'], ['table.csv', 'table-hard.csv'], ['real/new/t.csv', 'real-link/new/t.csv']] as const) {
      const result = await perfcell(compareArgs(log, '--export-csv', first, '--export-markdown', second));
      expect(result.stderr).toBe(`error: --export-csv ${first} and --export-markdown ${second} are one file (a link: give each its own file)`);
      expect(result.exitCode).toBe(2);
    }
    expect(existsSync(log)).toBe(false);
    // a link to a file not yet made (a broken link, or a chain of them) reaches the file the other export makes
    symlinkSync('target.csv', join(dir, 'dangling.json'));
    symlinkSync('dangling.json', join(dir, 'dangling-2.json'));
    for (const first of ['dangling.json', 'dangling-2.json']) {
      const dangling = await perfcell(compareArgs(log, '--export-json', first, '--export-csv', 'target.csv'));
      expect(dangling.stderr).toBe(`error: --export-json ${first} and --export-csv target.csv are one file (a link: give each its own file)`);
      expect(dangling.exitCode).toBe(2);
    }
    expect(existsSync(log)).toBe(false);
    expect(existsSync(join(dir, 'target.csv'))).toBe(false);
    // two files in one linked folder are two files
    const apart = await perfcell(compareArgs(log, '--export-csv', 'real/a.csv', '--export-markdown', 'real-link/b.md'));
    expect(apart.exitCode, apart.stderr).toBe(0);
    expect(readFileSync(join(dir, 'real', 'b.md'), 'utf8')).toContain('### time');
  });

  it.runIf(nobodyCanRun)('a folder the user may not write to is refused, nothing runs (as nobody)', async () => {
    const log = join(dir, 'nobody.log');
    writeFileSync(log, '');
    chmodSync(log, 0o666);
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o755 });
    const result = await perfcell(compareArgs(log, '--export-markdown', join(locked, 'new', 'table.md')), true);
    expect(result.stderr).toBe(`error: --export-markdown ${join(locked, 'new', 'table.md')} cannot be written: no permission to create files in ${locked} (pick a folder you can write to)`);
    expect(result.exitCode).toBe(2);
    expect(readFileSync(log, 'utf8')).toBe('');
    expect(existsSync(join(locked, 'new'))).toBe(false);
  });
  if (!nobodyCanRun) warnNobodySkipped('the compare export permission test');

  it('missing folders are still made, and every export written', async () => {
    const log = join(dir, 'fine.log');
    const out = join(dir, 'new', 'deeper');
    const result = await perfcell(compareArgs(log, '--export-json', join(out, 'c.json'), '--export-csv', join(out, 'c.csv'), '--export-markdown', join(out, 'c.md'), '--html', join(out, 'c.html')));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('ran\nran\n');
    for (const file of ['c.json', 'c.csv', 'c.md', 'c.html']) expect(readFileSync(join(out, file), 'utf8').length).toBeGreaterThan(0);
  });

  // /dev/full passes the check (a writable file) and refuses the write after the runs (ENOSPC), as a full disk would
  it('a file that cannot be written after the runs is said in one line; the exports after it, the page and --save are still written, exit 1', async () => {
    const log = join(dir, 'full.log');
    const out = join(dir, 'after-full');
    const result = await perfcell([...compareArgs(log, '--export-json', '/dev/full', '--export-csv', join(out, 'c.csv'), '--export-markdown', join(out, 'c.md'), '--html', join(out, 'c.html'), '--save', 'after-full')]);
    expect(readFileSync(log, 'utf8')).toBe('ran\nran\n');
    expect(result.stderr.split('\n').filter((line) => line.startsWith('error: '))).toEqual(['error: cannot write /dev/full: ENOSPC: no space left on device, write (free space on its disk, or give a path on another)']);
    expect(result.exitCode).toBe(1);
    expect(readFileSync(join(out, 'c.csv'), 'utf8').split('\n')[0]).toMatch(/^metric,label,unit,role,name,/);
    expect(readFileSync(join(out, 'c.md'), 'utf8')).toContain('### time');
    expect(readFileSync(join(out, 'c.html'), 'utf8')).toContain('</html>');
    expect(JSON.parse(readFileSync(join(dir, '.perfcell', 'after-full.json'), 'utf8')).alternatives).toHaveLength(2);
    // the summary still reached stdout
    expect(result.stdout).toMatch(/^Benchmark 1: echo ran >> /);
  });
});

describe('outputPathProblem (real files)', () => {
  it('names a folder path, a trailing slash, an empty name, and accepts a new file in a new folder', () => {
    expect(outputPathProblem({ flag: '--export-json', path: dir })).toBe(`--export-json ${dir} is a folder (give a file name in it, e.g. --export-json ${dir}/compare.json)`);
    expect(outputPathProblem({ flag: '--html', path: join(dir, 'not-there/') })).toBe(`--html ${join(dir, 'not-there')}/ names a folder (give a file name in it, e.g. --html ${join(dir, 'not-there')}/compare.html)`);
    expect(outputPathProblem({ flag: '--export-csv', path: '' })).toBe('--export-csv was given an empty file name (give a file, e.g. --export-csv ./compare.csv)');
    expect(outputPathProblem({ flag: '--export-csv', path: join(dir, 'a', 'b', 'c.csv') })).toBeNull();
    expect(existsSync(join(dir, 'a'))).toBe(false);
  });

  it('an existing file that may not be written is named (checked through the probe: root may write any file)', () => {
    const file = join(dir, 'existing.json');
    writeFileSync(file, '{}');
    const probe = { stat: (path: string) => (path === file ? ({ isDirectory: () => false } as import('node:fs').Stats) : null), isWritable: () => false };
    expect(outputPathProblem({ flag: '--export-json', path: file }, probe)).toBe(`--export-json ${file} exists and may not be written (pick another file, or make it writable)`);
    expect(() => checkOutputPaths([{ flag: '--export-json', path: file }])).not.toThrow();
  });

  // root passes access() in /proc and /sys: a comparison measured to its end, then lost to an export
  // that could not be made there (real /proc and /sys, whoever runs the test)
  it('refuses a file in /proc or /sys, and an existing kernel file, before the work', () => {
    expect(outputPathProblem({ flag: '--export-json', path: '/proc/x.json' })).toBe('--export-json /proc/x.json cannot be written: /proc is on proc, a kernel file system that holds no files of ours (pick a folder you can write to)');
    expect(outputPathProblem({ flag: '--export-csv', path: '/sys/kernel/out/x.csv' })).toBe('--export-csv /sys/kernel/out/x.csv cannot be written: /sys/kernel is on sysfs, a kernel file system that holds no files of ours (pick a folder you can write to)');
    expect(outputPathProblem({ flag: '--export-json', path: '/proc/sys/vm/drop_caches' })).toBe('--export-json /proc/sys/vm/drop_caches is a kernel file (on proc), not one to write results to (pick another file)');
    // /dev/stdout is /proc/self/fd/1, followed to this test's pipe: an export there is read as it comes
    expect(outputPathProblem({ flag: '--export-csv', path: '/dev/stdout' })).toBeNull();
  });
});

// A QA pass: `run --html out -- sleep 2` ran the whole 2 s, then said it could not write to the
// folder `out`; cells ran every cell first, and attach watched to the end. compare refused it up
// front. All four now check their output files before the work.
describe('run, cells and attach check their output files before the work', () => {
  it.each([
    ['run --html', (folder: string, log: string) => ['run', '--no-perf', '--html', folder, '--', 'sh', '-c', `echo ran >> ${log}`], 'run.html'],
    ['run -o', (folder: string, log: string) => ['run', '--no-perf', '-o', folder, '--', 'sh', '-c', `echo ran >> ${log}`], 'run.txt'],
    ['cells --html', (folder: string, log: string) => {
      const cells = join(dir, 'log-cell.js');
      writeFileSync(cells, `// %% log\nrequire('node:fs').appendFileSync(${JSON.stringify(log)}, 'ran\\n');\n`);
      return ['cells', '--no-perf', '--html', folder, cells];
    }, 'cells.html'],
  ] as const)('%s FOLDER: refused in one line, exit 2, nothing run', async (name, args, example) => {
    const folder = join(dir, `out-${name.replace(/\W+/g, '-')}`);
    mkdirSync(folder);
    const log = join(dir, `${name.replace(/\W+/g, '-')}.log`);
    const result = await perfcell(args(folder, log));
    const flag = name.split(' ')[1];
    expect(result.stderr).toBe(`error: ${flag} ${folder} is a folder (give a file name in it, e.g. ${flag} ${folder}/${example})`);
    expect(result.exitCode).toBe(2);
    expect(existsSync(log)).toBe(false);
  });

  // compare's outputs take - for stdout (hyperfine's); run's stdout is the program's, and these had made a file named '-'
  it.each([
    ['run --html', (log: string) => ['run', '--no-perf', '--html', '-', '--', 'sh', '-c', `echo ran >> ${log}`], 'run.html'],
    ['run -o', (log: string) => ['run', '--no-perf', '-o', '-', '--', 'sh', '-c', `echo ran >> ${log}`], 'run.txt'],
    ['cells --html', (log: string) => {
      const cells = join(dir, 'dash-cell.js');
      writeFileSync(cells, `// %% log\nrequire('node:fs').appendFileSync(${JSON.stringify(log)}, 'ran\\n');\n`);
      return ['cells', '--no-perf', '--html', '-', cells];
    }, 'cells.html'],
  ] as const)('%s -: refused in one line, exit 2, nothing run and no file named -', async (name, args, example) => {
    const log = join(dir, `dash-${name.replace(/\W+/g, '-')}.log`);
    const result = await perfcell(args(log));
    const flag = name.split(' ')[1];
    expect(result.stderr).toBe(`error: ${flag} - would write a file named '-': only compare's outputs go to stdout (give a file, e.g. ${flag} ./${example}, or ./- for that name)`);
    expect(result.exitCode).toBe(2);
    expect(existsSync(log)).toBe(false);
    expect(existsSync(join(dir, '-'))).toBe(false);
  });

  it('attach --html FOLDER: refused before the watch', async () => {
    const folder = join(dir, 'out-attach');
    mkdirSync(folder);
    const started = performance.now();
    const result = await perfcell(['attach', String(process.pid), '-d', '5', '--no-perf', '--html', folder]);
    expect(result.stderr).toBe(`error: --html ${folder} is a folder (give a file name in it, e.g. --html ${folder}/attach.html)`);
    expect(result.exitCode).toBe(2);
    expect(performance.now() - started).toBeLessThan(4000);
  });
});
