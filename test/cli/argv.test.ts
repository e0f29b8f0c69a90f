import { describe, expect, it } from 'vitest';
import { beforeCommand, firstCommandWord, helpAsFlag, hyperfineSpellings } from '../../src/cli/argv.ts';

describe("perfcell's argv, read before commander parses it", () => {
  it('finds the command past the global flags, and perfcell\'s own words before --', () => {
    expect(firstCommandWord(['node', 'perfcell', '--debug', 'run', '--', 'true'])).toBe('run');
    expect(beforeCommand(['node', 'perfcell', 'run', '--no-perf', '--', 'true', '--no-perf'])).toEqual(['node', 'perfcell', 'run', '--no-perf']);
  });

  it('reads `help COMMAND…` as `COMMAND… --help`, past the global flags, and only as the command\'s name', () => {
    expect(helpAsFlag(['node', 'perfcell', 'help', 'kernel', 'install'])).toEqual(['node', 'perfcell', 'kernel', 'install', '--help']);
    expect(helpAsFlag(['node', 'perfcell', '--debug', 'help', 'run'])).toEqual(['node', 'perfcell', '--debug', 'run', '--help']);
    expect(helpAsFlag(['node', 'perfcell', 'help'])).toEqual(['node', 'perfcell', '--help']);
    // the listing names `help [command]`: `help help` is the listing ('unknown command 'help' (did you mean repl?)')
    expect(helpAsFlag(['node', 'perfcell', 'help', 'help'])).toEqual(['node', 'perfcell', '--help']);
    // a program or a cell named help stays as given
    expect(helpAsFlag(['node', 'perfcell', 'run', '--', 'help'])).toEqual(['node', 'perfcell', 'run', '--', 'help']);
    expect(helpAsFlag(['node', 'perfcell', 'compare', 'x.ts', '--cells', 'help', 'b'])).toEqual(['node', 'perfcell', 'compare', 'x.ts', '--cells', 'help', 'b']);
  });

  it("turns hyperfine's --shell=SHELL into compare's -S SHELL, in compare's own words only", () => {
    expect(hyperfineSpellings(['node', 'perfcell', 'compare', '--shell=bash', '-r', '3', '--', 'x'])).toEqual(['node', 'perfcell', 'compare', '-S', 'bash', '-r', '3', '--', 'x']);
    // a command's own --shell=, after --, and other commands' argv stay as given
    expect(hyperfineSpellings(['node', 'perfcell', 'compare', '--', 'prog --shell=zsh'])).toEqual(['node', 'perfcell', 'compare', '--', 'prog --shell=zsh']);
    expect(hyperfineSpellings(['node', 'perfcell', 'run', '--shell=bash', '--', 'x'])).toEqual(['node', 'perfcell', 'run', '--shell=bash', '--', 'x']);
    expect(hyperfineSpellings(['node', 'perfcell', 'compare', '--shell', '--', 'x'])).toEqual(['node', 'perfcell', 'compare', '--shell', '--', 'x']);
  });

  it("reads -n as hyperfine's one name for the next command only in a line without -- and --cells", () => {
    expect(hyperfineSpellings(['node', 'perfcell', 'compare', '-r', '3', '-n', 'a', 'sleep 1', '-n', 'b', 'sleep 2'])).toEqual(['node', 'perfcell', 'compare', '-r', '3', '--command-name', 'a', 'sleep 1', '--command-name', 'b', 'sleep 2']);
    // compare's list of names: before --, and with --cells
    expect(hyperfineSpellings(['node', 'perfcell', 'compare', '-n', 'a', 'b', '--', 'x', '-n'])).toEqual(['node', 'perfcell', 'compare', '-n', 'a', 'b', '--', 'x', '-n']);
    expect(hyperfineSpellings(['node', 'perfcell', 'compare', 'f.ts', '--cells', 'A', 'B', '-n', 'a', 'b'])).toEqual(['node', 'perfcell', 'compare', 'f.ts', '--cells', 'A', 'B', '-n', 'a', 'b']);
    expect(hyperfineSpellings(['node', 'perfcell', 'run', '-n', 'a', 'x'])).toEqual(['node', 'perfcell', 'run', '-n', 'a', 'x']);
  });

  it("takes hyperfine's -L (two words) and -P (three) whole in a line without -- and --cells; with --, as given", () => {
    const compare = ['node', 'perfcell', 'compare'];
    expect(hyperfineSpellings([...compare, '-r', '3', '-L', 't', '1,2', '--parameter-scan', 'n', '1', '3', 'sleep {t}', 'x {n}'])).toEqual([
      ...compare, '-r', '3', '--parameter-list=t', '--parameter-list=1,2', '--parameter-scan=n', '--parameter-scan=1', '--parameter-scan=3', 'sleep {t}', 'x {n}',
    ]);
    // a value that starts with '-' is still the option's, as hyperfine takes it
    expect(hyperfineSpellings([...compare, '-L', 'n', '-1,-2', 'x {n}'])).toEqual([...compare, '--parameter-list=n', '--parameter-list=-1,-2', 'x {n}']);
    expect(hyperfineSpellings([...compare, '-L', 't', '1,2', '--', 'sleep {t}'])).toEqual([...compare, '-L', 't', '1,2', '--', 'sleep {t}']);
  });
});
