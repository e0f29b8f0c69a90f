import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliPath, fixture } from '../support/fixtures.ts';
import { temporaryFolders } from '../support/temp-folders.ts';
import { printedOnPty } from '../support/terminal.ts';

const tempFolder = temporaryFolders('each');
const perfcell = (args: readonly string[]) => execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1' }, timeout: 60_000 });
const PROGRESS = /\r\x1b\[K\[[█░]+\] \d+\/2/;

// hyperfine's --style, with real programs on a real pty (the progress line is drawn only on a terminal).
describe('perfcell compare --style', () => {
  const line = ['compare', '--no-perf', '-w', '0', '-r', '2', '--', `${fixture('sleep-ms')} 2`];

  it('basic and color draw no progress line on a terminal, auto and nocolor do; each prints the summary', { timeout: 60_000 }, async () => {
    for (const style of ['auto', 'nocolor', 'basic', 'color']) {
      const printed = await printedOnPty(process.execPath, [cliPath, ...line.slice(0, 1), '--style', style, ...line.slice(1)]);
      expect(printed, style).toContain('Benchmark 1: ');
      if (style === 'basic' || style === 'color') expect(printed, style).not.toMatch(PROGRESS);
      else expect(printed, style).toMatch(PROGRESS);
    }
  });

  it('none prints neither on a terminal, and still writes the exports', { timeout: 60_000 }, async () => {
    const json = join(tempFolder('perfcell-style-'), 'runs.json');
    const printed = await printedOnPty(process.execPath, [cliPath, 'compare', '--style', 'none', '--export-json', json, ...line.slice(1)]);
    expect(printed).not.toContain('Benchmark');
    expect(printed).not.toMatch(PROGRESS);
    expect((JSON.parse(readFileSync(json, 'utf8')) as { alternatives: { runs: unknown[] }[] }).alternatives[0]?.runs).toHaveLength(2);
  });

  it('full draws the progress line where stderr is no terminal, on stderr', async () => {
    const piped = await perfcell(['compare', '--style', 'full', ...line.slice(1)]);
    expect(piped.exitCode, piped.stderr).toBe(0);
    expect(piped.stderr).toMatch(PROGRESS);
    expect(piped.stdout).not.toMatch(PROGRESS);
    expect((await perfcell(line)).stderr).not.toMatch(PROGRESS);
  });

  it('refuses what contradicts it, naming the fix', async () => {
    expect((await perfcell(['compare', '--style', 'none', '--json', '--', 'true'])).stderr).toBe('error: --style none prints nothing, and --json prints the document (give one; --export-json FILE writes it under --style none)');
    expect((await perfcell(['compare', '--style', 'full', '--no-progress', '--', 'true'])).stderr).toBe('error: --style full draws the progress line, and --no-progress drops it (give one; --style basic has none)');
  });
});

// hyperfine's --sort, with real programs of known times.
describe('perfcell compare --sort', () => {
  const sleep = fixture('sleep-ms');

  it('mean-time puts the fastest first in the summary and the document, and compares against it; command keeps the order given', async () => {
    const dir = tempFolder('perfcell-sort-');
    const commands = [`${sleep} 12`, `${sleep} 2`, `${sleep} 6`];
    const sorted = await perfcell(['compare', '--no-perf', '-w', '0', '-r', '3', '--sort', 'mean-time', '--export-json', join(dir, 'sorted.json'), '--', ...commands]);
    expect(sorted.exitCode, sorted.stderr).toBe(0);
    expect(sorted.stdout.match(/^Benchmark \d: .*$/gm)).toEqual([`Benchmark 1: ${sleep} 2`, `Benchmark 2: ${sleep} 6`, `Benchmark 3: ${sleep} 12`]);
    expect(sorted.stdout).toContain(`Summary (against ${sleep} 2)`);
    const document = JSON.parse(readFileSync(join(dir, 'sorted.json'), 'utf8')) as { settings: { sort?: string }; alternatives: { name: string }[]; results: { comparisons: { baselineName: string }[] }[] };
    expect(document.settings.sort).toBe('mean-time');
    expect(document.alternatives.map(({ name }) => name)).toEqual([`${sleep} 2`, `${sleep} 6`, `${sleep} 12`]);
    expect(new Set(document.results.flatMap(({ comparisons }) => comparisons.map(({ baselineName }) => baselineName)))).toEqual(new Set([`${sleep} 2`]));
    const given = await perfcell(['compare', '--no-perf', '-w', '0', '-r', '2', '--sort', 'command', '--', ...commands]);
    expect(given.stdout.match(/^Benchmark \d: .*$/gm)).toEqual(commands.map((command, index) => `Benchmark ${index + 1}: ${command}`));
  });

  it('keeps a --reference first, the one every command is compared against', async () => {
    const result = await perfcell(['compare', '--no-perf', '-w', '0', '-r', '2', '--sort', 'mean-time', '--reference', `${sleep} 6`, '--', `${sleep} 12`, `${sleep} 2`]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.match(/^Benchmark \d: .*$/gm)).toEqual([`Benchmark 1: ${sleep} 6`, `Benchmark 2: ${sleep} 2`, `Benchmark 3: ${sleep} 12`]);
  });
});
