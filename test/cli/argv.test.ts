import { describe, expect, it } from 'vitest';
import { beforeCommand, firstCommandWord, shellFlagsAsHyperfine } from '../../src/cli/argv.ts';

describe("perfcell's argv, read before commander parses it", () => {
  it('finds the command past the global flags, and perfcell\'s own words before --', () => {
    expect(firstCommandWord(['node', 'perfcell', '--debug', 'run', '--', 'true'])).toBe('run');
    expect(beforeCommand(['node', 'perfcell', 'run', '--no-perf', '--', 'true', '--no-perf'])).toEqual(['node', 'perfcell', 'run', '--no-perf']);
  });

  it("turns hyperfine's --shell=SHELL into compare's -S SHELL, in compare's own words only", () => {
    expect(shellFlagsAsHyperfine(['node', 'perfcell', 'compare', '--shell=bash', '-r', '3', '--', 'x'])).toEqual(['node', 'perfcell', 'compare', '-S', 'bash', '-r', '3', '--', 'x']);
    // a command's own --shell=, after --, and other commands' argv stay as given
    expect(shellFlagsAsHyperfine(['node', 'perfcell', 'compare', '--', 'prog --shell=zsh'])).toEqual(['node', 'perfcell', 'compare', '--', 'prog --shell=zsh']);
    expect(shellFlagsAsHyperfine(['node', 'perfcell', 'run', '--shell=bash', '--', 'x'])).toEqual(['node', 'perfcell', 'run', '--shell=bash', '--', 'x']);
    expect(shellFlagsAsHyperfine(['node', 'perfcell', 'compare', '--shell', '--', 'x'])).toEqual(['node', 'perfcell', 'compare', '--shell', '--', 'x']);
  });
});
