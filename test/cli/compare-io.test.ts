import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { CompareDocument } from '../../src/experiment/compare-document.ts';
import { runUngated } from '../../src/session/run-ungated.ts';
import { cliPath } from '../support/fixtures.ts';
import { temporaryFolders } from '../support/temp-folders.ts';
import { hasValgrind, runsWith } from '../support/tools.ts';

const tempFolder = temporaryFolders('each');

const perfcell = (args: readonly string[], cwd: string, env: Readonly<Record<string, string>> = {}) =>
  execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1', ...env }, cwd, timeout: 120_000 });

/**
 * compare's two ways of running a command: served (the default: one long-lived gate, whose held
 * child opens the files and which empties an output file at the release, native/perfcell-serve.c)
 * and a gate per run (PERFCELL_SERVED_RUNS=0, and where no server can run: perfcell opens the
 * files and hands them to the gate, src/session/program-files.ts).
 */
const WAYS: ReadonlyArray<readonly [string, Readonly<Record<string, string>>]> = [
  ['served', {}],
  ['a gate per run', { PERFCELL_SERVED_RUNS: '0' }],
];

/**
 * A command whose output shrinks by a byte each run (a count kept in ./count): after N runs an
 * output file emptied at each run holds 1000 - (N - 1) bytes; one written over from its start
 * without being emptied would still hold the first run's 1000.
 */
const SHRINKING = 'n=$(cat count 2>/dev/null || echo 0); echo $((n + 1)) > count; head -c $((1000 - n)) /dev/zero';

// hyperfine's --input and --output, with real programs: what each run reads and where it writes.
describe.each(WAYS)('perfcell compare --input and --output, %s', (_, env) => {
  it('feeds each run the --input file from its start, and leaves each --output file holding its command\'s last run', async () => {
    const dir = tempFolder('perfcell-compare-io-');
    const input = randomBytes(12_345);
    writeFileSync(join(dir, 'in.bin'), input);
    const result = await perfcell(['compare', '-w', '1', '-r', '3', '--json', '--input', 'in.bin', '--output', './wc.txt', '--output', 'copies/cat.bin', '--', 'wc -c', 'cat'], dir, env);
    expect(result.exitCode, result.stderr).toBe(0);
    // every run read all 12,345 bytes (a shared offset would have left the later runs 0)
    expect(readFileSync(join(dir, 'wc.txt'), 'utf8')).toBe('12345\n');
    // its folder made, as the exports' are; cat's copy whole, not another command's output
    expect(readFileSync(join(dir, 'copies', 'cat.bin')).equals(input)).toBe(true);
    const document = JSON.parse(result.stdout) as CompareDocument;
    expect(document.alternatives.map((alternative) => alternative.io)).toEqual([
      { stdin: { file: 'in.bin' }, stdout: { file: './wc.txt' } },
      { stdin: { file: 'in.bin' }, stdout: { file: 'copies/cat.bin' } },
    ]);
  });

  /** SHRINKING compared with `schedule`: how many times it ran, and the size of the file its runs wrote. */
  const shrinkingRuns = async (schedule: readonly string[]): Promise<{ runs: number; sizeBytes: number }> => {
    const dir = tempFolder('perfcell-compare-io-');
    const result = await perfcell(['compare', ...schedule, '--shell', '--output', './out.bin', '--', SHRINKING], dir, env);
    expect(result.exitCode, result.stderr).toBe(0);
    return { runs: Number(readFileSync(join(dir, 'count'), 'utf8')), sizeBytes: statSync(join(dir, 'out.bin')).size };
  };

  it('empties an --output file as each run starts (hyperfine creates it anew), the runs armed ahead as usual', async () => {
    const { runs, sizeBytes } = await shrinkingRuns(['-w', '1', '-r', '3']);
    // one warm-up and three runs; the noise floor writes nowhere near it
    expect(runs).toBe(4);
    expect(sizeBytes).toBe(1000 - (runs - 1));
  });

  it('leaves the last run\'s output where a run armed after it is never run (--min-time: the schedule may go on)', async () => {
    const { runs, sizeBytes } = await shrinkingRuns(['-w', '0', '-m', '2', '--min-time', '0.2']);
    expect(runs).toBeGreaterThanOrEqual(2);
    // a held run emptied the file only as it was released, which the last armed one never was
    expect(sizeBytes).toBe(1000 - (runs - 1));
  });

  it('stops, naming the file, where an --input file is gone by a later run (here the command removes it)', async () => {
    const dir = tempFolder('perfcell-compare-io-');
    writeFileSync(join(dir, 'gone.txt'), 'x\n');
    const result = await perfcell(['compare', '-w', '0', '-r', '2', '--no-perf', '--input', 'gone.txt', '--', 'rm gone.txt'], dir, env);
    expect(result.exitCode).toBe(1);
    // served: the held child leaves why in its end report, and compare says it once, the run not started; a gate per run: perfcell's open says it
    expect(result.stderr).toMatch(/^error: ('[^']+' did not start: )?cannot open \S*gone\.txt to read as stdin for the program \(ENOENT\): check the path$/m);
    expect(result.stderr.match(/cannot open/g)).toHaveLength(1);
  });

  it('gives every run a real pipe with --output pipe, and drains it: 50 MB written, a pipe to `test -p`; /dev/null by default', async () => {
    const dir = tempFolder('perfcell-compare-io-');
    const piped = await perfcell(['compare', '-w', '0', '-r', '2', '--no-perf', '--shell', '--output', 'pipe', '--', 'test -p /dev/stdout', 'head -c 50000000 /dev/zero'], dir, env);
    expect(piped.exitCode, piped.stderr).toBe(0);
    // by default stdin and stdout are /dev/null, a character device, not a pipe
    const quiet = await perfcell(['compare', '-w', '0', '-r', '2', '--no-perf', '--shell', '--', 'test -c /dev/stdout && test -c /dev/stdin && ! test -p /dev/stdout'], dir, env);
    expect(quiet.exitCode, quiet.stderr).toBe(0);
    const notPipe = await perfcell(['compare', '-w', '0', '-r', '1', '--no-perf', '--shell', '--', 'test -p /dev/stdout'], dir, env);
    expect(notPipe.exitCode).toBe(1);
    expect(notPipe.stderr).toContain("'test -p /dev/stdout' exited with code 1");
  });

  // mkdtemp's own 'error: ENOENT: no such file or directory, mkdtemp …/perfcell-pipe-XXXXXX' named
  // neither TMPDIR nor a fix (a QA pass); a full TMPDIR was said so already
  it('--output pipe with a TMPDIR that is not there: one line naming TMPDIR and the fix', async () => {
    const dir = tempFolder('perfcell-compare-io-');
    const missing = join(dir, 'no-such-folder');
    const result = await perfcell(['compare', '-w', '0', '-r', '2', '--no-perf', '--output', 'pipe', '--', 'true'], dir, { TMPDIR: missing });
    expect([result.exitCode, result.stderr.trim()]).toEqual([1, `error: cannot make a pipe for the program's stdout: TMPDIR (${missing}) takes no file (ENOENT) (point TMPDIR at a folder that can be written, or use --output null, or a file)`]);
  });

  it('leaves nothing of its pipe behind, even when perfcell is killed (SIGKILL) while a run writes to it', async () => {
    const dir = tempFolder('perfcell-compare-io-');
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const child = execa(process.execPath, [cliPath, 'compare', '-w', '0', '-r', '20', '--no-perf', '--shell', '--output', 'pipe', '--', 'echo x; sleep 0.2'], { reject: false, cwd: dir, env: { NO_COLOR: '1', TMPDIR: tmp, ...env } });
    // the first runs are under way: the pipe was made before the first of them was armed
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    child.kill('SIGKILL');
    await child;
    expect(readdirSync(tmp).filter((name) => name.startsWith('perfcell-pipe-'))).toEqual([]);
  });

  it('--output inherit prints on stderr, as --show-output; stdout keeps the document', async () => {
    const dir = tempFolder('perfcell-compare-io-');
    const result = await perfcell(['compare', '-w', '0', '-r', '2', '--no-perf', '--json', '--shell', '--output', 'inherit', '--', 'echo said-$$'], dir, env);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr.split('\n').filter((line) => /^said-\d+$/.test(line))).toHaveLength(2);
    expect((JSON.parse(result.stdout) as CompareDocument).alternatives[0]?.io).toEqual({ stdin: 'null', stdout: 'stderr' });
  });

});

describe('perfcell compare --input and --output: their checks, -L, cachegrind, no gate', () => {
  it('refuses, in one line and before any run, what cannot be read or written, or meant', async () => {
    const dir = tempFolder('perfcell-compare-io-');
    writeFileSync(join(dir, 'in.txt'), 'x\n');
    const cases: Array<[readonly string[], string]> = [
      [['--output', 'nul', '--', 'true'], "error: option '--output <where>' argument 'nul' is invalid. give null, pipe, inherit, or a file's path with a / in it (./nul for a file in this folder)"],
      [['--input', 'missing.txt', '--', 'true'], 'error: --input missing.txt does not exist (give a file for the commands to read on stdin, or null)'],
      [['--input', '.', '--', 'true'], 'error: --input . is a folder (give a file for the commands to read on stdin, or null)'],
      [['--input', 'in.txt', '--output', './in.txt', '--', 'cat'], 'error: --input and --output both name ./in.txt (the output would empty the input: give each its own file)'],
      [['--output', './a', '--output', './b', '--output', './c', '--', 'true', 'false'], 'error: --output was given 3 times for 2 alternatives (give it once for all, or once per alternative in order)'],
      [['--input', 'in.txt', '--input', 'in.txt', '--', 'cat'], 'error: --input was given 2 times for 1 alternatives (give it once for all, or once per alternative in order)'],
      [['--output', '/proc/x.txt', '--', 'true'], 'error: --output /proc/x.txt cannot be written: /proc is on proc, a kernel file system that holds no files of ours (pick a folder you can write to)'],
      [['--output', './x.json', '--export-json', 'x.json', '--', 'true'], 'error: --export-json and --output both name ./x.json (give each its own file)'],
      [['--show-output', '--output', 'pipe', '--', 'true'], 'error: --show-output is --output inherit for every command (give one of them)'],
      [['x.js', '--cells', 'a', '--input', 'in.txt'], "error: --input is for commands' stdin and stdout (a cell runs in perfcell; --show-output prints what cells log, on stderr)"],
      [['--reference', 'true', '--output', './a', '--output', './b', '--output', './c', '--', 'true'], "error: with --reference, give --output once for all, or 2 times: the reference's first, then one per command (it was given 3 times)"],
    ];
    for (const [args, message] of cases) {
      const result = await perfcell(['compare', '--no-perf', ...args], dir);
      expect([result.exitCode, result.stderr.trim()], args.join(' ')).toEqual([2, message]);
    }
    // nothing was written, or emptied
    expect(readFileSync(join(dir, 'in.txt'), 'utf8')).toBe('x\n');
  });

  it('fills {NAME} in --input and --output paths under -L, a file per value', async () => {
    const dir = tempFolder('perfcell-compare-io-');
    writeFileSync(join(dir, 'in-3.txt'), 'a\nb\nc\n');
    writeFileSync(join(dir, 'in-5.txt'), 'a\nb\nc\nd\ne\n');
    // the shell's comment holds {n}: each value's wc -l reads and writes that value's files
    const result = await perfcell(['compare', '-w', '0', '-r', '2', '--no-perf', '--shell', '-L', 'n', '3,5', '--input', 'in-{n}.txt', '--output', './lines-{n}.txt', '--', 'wc -l # {n}'], dir);
    expect(result.exitCode, result.stderr).toBe(0);
    expect([readFileSync(join(dir, 'lines-3.txt'), 'utf8'), readFileSync(join(dir, 'lines-5.txt'), 'utf8')]).toEqual(['3\n', '5\n']);
    // one per alternative, in order
    const each = await perfcell(['compare', '-w', '0', '-r', '2', '--no-perf', '--input', 'in-3.txt', '--input', 'in-5.txt', '--output', './a.txt', '--output', './b.txt', '--', 'wc -l', 'wc -l'], dir);
    expect(each.exitCode, each.stderr).toBe(0);
    expect([readFileSync(join(dir, 'a.txt'), 'utf8'), readFileSync(join(dir, 'b.txt'), 'utf8')]).toEqual(['3\n', '5\n']);
  });

  it.runIf(runsWith('valgrind', hasValgrind, '--input and --output under --backend cachegrind'))('feeds and writes the same files under --backend cachegrind', async () => {
    const dir = tempFolder('perfcell-compare-io-');
    writeFileSync(join(dir, 'in.txt'), 'one\ntwo\n');
    const result = await perfcell(['compare', '--backend', 'cachegrind', '-r', '1', '--input', 'in.txt', '--output', './out.txt', '--', 'wc -l'], dir);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('2\n');
  });

  // A run with no gate (none compiles here) spawns the program itself: the same files, emptied before it starts.
  it('feeds and writes the same files in a run with no exec gate', async () => {
    const dir = tempFolder('perfcell-compare-io-');
    writeFileSync(join(dir, 'in.txt'), 'one\ntwo\nthree\n');
    writeFileSync(join(dir, 'out.txt'), 'what an earlier run left, longer than the output\n');
    const report = await runUngated(['wc', '-l'], { perf: false, programStdin: { file: join(dir, 'in.txt') }, programStdout: { file: join(dir, 'out.txt') } }, { cause: 'a test', fix: 'none' });
    expect(report.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('3\n');
  });
});
