import { describe, expect, it } from 'vitest';
import { earlyWarmups } from '../../src/cli/early-warmups.ts';

// Which compare command lines start their warm-ups before the options are parsed: only those whose
// meaning is certain from argv alone. Pure: argv and the environment in, the plan out.

const argv = (...words: string[]): string[] => ['node', 'perfcell', ...words];
const noNode = (): boolean => false;

describe('earlyWarmups: compare warm-ups that may start while perfcell loads', () => {
  it('commands after --, the rounds --warmup asks for (1 by default), each command split as compare splits it', () => {
    expect(earlyWarmups(argv('compare', '--warmup', '2', '--runs', '10', '--', './a 1', "sh -c 'echo x'"), {}, noNode)).toEqual({
      commands: [['./a', '1'], ['sh', '-c', 'echo x']],
      noiseFloor: ['true'],
      rounds: 2,
    });
    expect(earlyWarmups(argv('compare', '--', 'true'), {}, noNode)).toEqual({ commands: [['true']], noiseFloor: ['true'], rounds: 1 });
    expect(earlyWarmups(argv('compare', '--warmup=3', '--json', '--no-progress', '-v', '--no-live', '--no-perf', '--runs=5', '--', 'a', 'b'), {}, noNode)).toEqual({ commands: [['a'], ['b']], noiseFloor: ['true'], rounds: 3 });
  });

  it('--names as compare takes them (one each, all different, not the noise floor\'s), and --shell: each command, and the noise floor, under sh -c', () => {
    expect(earlyWarmups(argv('compare', '--names', 'row', 'col', '--warmup', '1', '--', './r row', './r col'), {}, noNode)).toEqual({ commands: [['./r', 'row'], ['./r', 'col']], noiseFloor: ['true'], rounds: 1 });
    expect(earlyWarmups(argv('compare', '-n', 'x', '--shell', '--', 'echo a | wc -c'), {}, noNode)).toEqual({ commands: [['sh', '-c', 'echo a | wc -c']], noiseFloor: ['sh', '-c', 'true'], rounds: 1 });
    for (const names of [['row'], ['row', 'row'], ['row', 'noise floor'], []]) {
      expect(earlyWarmups(argv('compare', '--names', ...names, '--', 'a', 'b'), {}, noNode), names.join(',')).toBeNull();
    }
    expect(earlyWarmups(argv('compare', '--names', 'a', '--names', 'b', '--', 'a'), {}, noNode)).toBeNull();
  });

  // a hyperfine command line pasted after `perfcell compare` (df8002c) started late: its -w and -r were unknown here
  it("hyperfine's -w, -r and -N, as compare takes them: -N after --shell means no shell, -w and --warmup are one option", () => {
    expect(earlyWarmups(argv('compare', '-N', '-w', '2', '-r', '20', '--', './a 1', './b'), {}, noNode)).toEqual({ commands: [['./a', '1'], ['./b']], noiseFloor: ['true'], rounds: 2 });
    expect(earlyWarmups(argv('compare', '--shell', '-N', '--', 'echo a'), {}, noNode)).toEqual({ commands: [['echo', 'a']], noiseFloor: ['true'], rounds: 1 });
    expect(earlyWarmups(argv('compare', '-w', '1', '--warmup', '2', '--', 'a'), {}, noNode)).toBeNull();
    expect(earlyWarmups(argv('compare', '-r', '0', '--', 'a'), {}, noNode)).toBeNull();
  });

  it("the output's --style, --sort and -u/--time-unit with a value compare takes: they change no run", () => {
    expect(earlyWarmups(argv('compare', '--style', 'basic', '--sort', 'mean-time', '-u', 'millisecond', '--', 'a'), {}, noNode)).toEqual({ commands: [['a']], noiseFloor: ['true'], rounds: 1 });
    expect(earlyWarmups(argv('compare', '--time-unit=microsecond', '--style=none', '--', 'a'), {}, noNode)).toEqual({ commands: [['a']], noiseFloor: ['true'], rounds: 1 });
    for (const bad of [['--style', 'fancy'], ['--sort', 'name'], ['-u', 'minute'], ['--style'], ['-u', 'second', '--time-unit', 'second'], ['--style', 'none', '--json'], ['--no-progress', '--style', 'full']]) {
      expect(earlyWarmups(argv('compare', ...bad, '--', 'a'), {}, noNode), bad.join(' ')).toBeNull();
    }
  });

  it("the exports' files, where compare's check of their paths passes: it is asked once, for all of them", () => {
    const asked: unknown[] = [];
    const canWrite = (outputs: readonly { flag: string; path: string }[]): boolean => (asked.push(outputs), !outputs.some((output) => output.path.startsWith('/proc')));
    const words = ['--export-json', 'a.json', '--export-markdown=t.md', '--export-csv', 'c.csv', '--export-asciidoc', 't.adoc', '--export-orgmode', 't.org', '--export-hyperfine', 'h.json', '--html', 'p.html'];
    expect(earlyWarmups(argv('compare', ...words, '--', 'a'), {}, noNode, canWrite)).toEqual({ commands: [['a']], noiseFloor: ['true'], rounds: 1 });
    expect(asked).toEqual([[
      { flag: '--export-json', path: 'a.json' },
      { flag: '--export-markdown', path: 't.md' },
      { flag: '--export-csv', path: 'c.csv' },
      { flag: '--export-asciidoc', path: 't.adoc' },
      { flag: '--export-orgmode', path: 't.org' },
      { flag: '--export-hyperfine', path: 'h.json' },
      { flag: '--html', path: 'p.html' },
    ]]);
    expect(earlyWarmups(argv('compare', '--export-json', '/proc/x.json', '--', 'a'), {}, noNode, canWrite)).toBeNull();
    // given twice, or with no path before --: as compare would not take it
    expect(earlyWarmups(argv('compare', '--export-json', 'a.json', '--export-json', 'b.json', '--', 'a'), {}, noNode, canWrite)).toBeNull();
    expect(earlyWarmups(argv('compare', '--export-json', '--', 'a'), {}, noNode, canWrite)).toBeNull();
    // not asked: as it was
    expect(earlyWarmups(argv('compare', '--export-json', 'a.json', '--', 'a'), {}, noNode)).toBeNull();
    // - is stdout: refused by compare beside --json
    expect(earlyWarmups(argv('compare', '--export-markdown', '-', '--', 'a'), {}, noNode, canWrite)).toEqual({ commands: [['a']], noiseFloor: ['true'], rounds: 1 });
    expect(earlyWarmups(argv('compare', '--json', '--export-markdown', '-', '--', 'a'), {}, noNode, canWrite)).toBeNull();
  });

  it('no warm-ups asked for, or a value compare refuses: nothing starts early (compare reports the error first)', () => {
    expect(earlyWarmups(argv('compare', '--warmup', '0', '--', 'a'), {}, noNode)).toBeNull();
    for (const bad of [['--runs', '0'], ['--runs', '2.5'], ['--warmup', '-1'], ['--warmup', 'two'], ['--warmup'], ['--runs=']]) {
      expect(earlyWarmups(argv('compare', ...bad, '--', 'a'), {}, noNode), bad.join(' ')).toBeNull();
    }
    expect(earlyWarmups(argv('compare', '--warmup', '1', '--warmup', '2', '--', 'a'), {}, noNode)).toBeNull();
  });

  it('any other option, no --, no command, or a command compare cannot split: nothing starts early', () => {
    for (const words of [
      ['compare', '--prepare', 'make', '--', 'a'],
      ['compare', '--setup', 'make', '--', 'a'],
      ['compare', '-e', 'page-faults', '--', 'a'],
      ['compare', '--backend', 'cachegrind', '--', 'a'],
      ['compare', '--export-json', 'out.json', '--', 'a'],
      ['compare', '-i', '--', 'a'],
      ['compare', 'a', 'b'],
      ['compare', '--'],
      ['compare', '--', 'a', ''],
      ['compare', '--', "sh -c 'unclosed"],
      ['--debug', 'compare', '--', 'a'],
      ['run', '--', 'a'],
    ]) {
      expect(earlyWarmups(argv(...words), {}, noNode), words.join(' ')).toBeNull();
    }
  });

  it('a command with shell syntax starts early only where -N names no shell (compare refuses it otherwise)', () => {
    expect(earlyWarmups(argv('compare', '--', 'seq 9 | wc -l'), {}, noNode)).toBeNull();
    expect(earlyWarmups(argv('compare', '-N', '--', 'echo $HOME'), {}, noNode)).toEqual({ commands: [['echo', '$HOME']], noiseFloor: ['true'], rounds: 1 });
    expect(earlyWarmups(argv('compare', '--shell', '--', 'seq 9 | wc -l'), {}, noNode)).toEqual({ commands: [['sh', '-c', 'seq 9 | wc -l']], noiseFloor: ['sh', '-c', 'true'], rounds: 1 });
  });

  it('a Node program (its runs get gates of their own), or a switch that turns served or uncounted warm-ups off: nothing starts early', () => {
    expect(earlyWarmups(argv('compare', '--', 'node app.js', 'true'), {}, (file) => file === 'node')).toBeNull();
    for (const name of ['PERFCELL_EARLY_WARMUPS', 'PERFCELL_SERVED_RUNS', 'PERFCELL_WARMUP_UNCOUNTED']) {
      expect(earlyWarmups(argv('compare', '--', 'true'), { [name]: '0' }, noNode), name).toBeNull();
    }
  });
});
