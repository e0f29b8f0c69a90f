/**
 * compare --export-hyperfine writes what hyperfine's --export-json writes, so that what was
 * written for hyperfine's JSON reads perfcell's runs: checked against real hyperfine's file for
 * the same scan (-L), key by key and type by type. Real processes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { HyperfineResult } from '../../src/render/compare-hyperfine.ts';
import { cliPath, fixture } from '../support/fixtures.ts';
import { temporaryFolders } from '../support/temp-folders.ts';
import { hasHyperfine, runsWith } from '../support/tools.ts';

const dir = temporaryFolders('all')('perfcell-compare-hyperfine-');
const kind = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

describe.runIf(runsWith('hyperfine', hasHyperfine, "the test of compare --export-hyperfine against hyperfine's own file"))('perfcell compare --export-hyperfine', () => {
  it("writes hyperfine's --export-json: the same results in the same order, the same keys of the same types", async () => {
    const sleep = fixture('sleep-ms');
    const commands = [`${sleep} {ms}`, `${sleep} 3`];
    const ours = join(dir, 'perfcell.json');
    const theirs = join(dir, 'hyperfine.json');
    const perfcell = await execa(process.execPath, [cliPath, 'compare', '--no-perf', '-N', '-w', '0', '-r', '3', '-L', 'ms', '2,4', '--export-hyperfine', ours, '--', ...commands], { reject: false, timeout: 120_000, env: { NO_COLOR: '1' } });
    expect(perfcell.exitCode, perfcell.stderr).toBe(0);
    const hyperfine = await execa('hyperfine', ['-N', '-w', '0', '-r', '3', '-L', 'ms', '2,4', '--export-json', theirs, ...commands], { reject: false, timeout: 120_000 });
    expect(hyperfine.exitCode, hyperfine.stderr).toBe(0);
    const read = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { results: HyperfineResult[] }).results;
    const [mine, reference] = [read(ours), read(theirs)];
    // hyperfine's order (the commands vary fastest) and values; a command without {ms} is named for its value by perfcell
    expect(mine.map((result) => result.parameters)).toEqual(reference.map((result) => result.parameters));
    expect(mine.map((result) => result.command)).toEqual([`${sleep} 2`, `${sleep} 3 (ms = 2)`, `${sleep} 4`, `${sleep} 3 (ms = 4)`]);
    expect(reference.map((result) => result.command)).toEqual([`${sleep} 2`, `${sleep} 3`, `${sleep} 4`, `${sleep} 3`]);
    mine.forEach((result, index) => {
      const expected = reference[index] as unknown as Record<string, unknown>;
      const got = result as unknown as Record<string, unknown>;
      // every key hyperfine writes, of the same type (hyperfine 1.19 adds memory_usage_byte: perfcell writes it too)
      expect(Object.fromEntries(Object.keys(expected).map((key) => [key, kind(got[key])]))).toEqual(Object.fromEntries(Object.keys(expected).map((key) => [key, kind(expected[key])])));
      expect(result.times).toHaveLength(3);
      expect(result.exit_codes).toEqual([0, 0, 0]);
      // seconds, as hyperfine's: a sleep of N ms takes at least N ms in both
      const sleptS = Number(/\d+(?=(?: \(ms = \d\))?$)/.exec(result.command)?.[0]) / 1000;
      expect(result.min).toBeGreaterThanOrEqual(sleptS);
      expect(reference[index]?.min).toBeGreaterThanOrEqual(sleptS);
      expect(result.mean).toBeCloseTo((result.times.reduce((sum, time) => sum + time, 0)) / 3, 12);
      expect(result.memory_usage_byte.every((bytes) => typeof bytes === 'number' && bytes > 0)).toBe(true);
    });
  }, 120_000);

  it("writes a run kept under -i that died of a signal as hyperfine does, 128 + n (a QA pass: null)", async () => {
    const line = ['-N', '-i', '-w', '0', '-r', '2', 'sh -c "exit 3"', 'sh -c "kill -9 $$"', 'sh -c "kill -TERM $$"'];
    const ours = join(dir, 'signal-perfcell.json');
    const theirs = join(dir, 'signal-hyperfine.json');
    const perfcell = await execa(process.execPath, [cliPath, 'compare', '--no-perf', ...line, '--export-hyperfine', ours], { reject: false, timeout: 120_000, env: { NO_COLOR: '1' } });
    expect(perfcell.exitCode, perfcell.stderr).toBe(0);
    const hyperfine = await execa('hyperfine', [...line, '--export-json', theirs], { reject: false, timeout: 120_000 });
    expect(hyperfine.exitCode, hyperfine.stderr).toBe(0);
    const exitCodes = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { results: HyperfineResult[] }).results.map((result) => result.exit_codes);
    expect(exitCodes(theirs)).toEqual([[3, 3], [137, 137], [143, 143]]);
    expect(exitCodes(ours)).toEqual(exitCodes(theirs));
  }, 120_000);

  it("takes hyperfine's own -n NAME CMD pairs, a command left unnamed named by itself, as hyperfine names them", async () => {
    const sleep = fixture('sleep-ms');
    const line = ['-N', '-w', '0', '-r', '2', '-n', 'fast', `${sleep} 1`, '-n', 'slow', `${sleep} 3`, `${sleep} 2`];
    const ours = join(dir, 'named-perfcell.json');
    const theirs = join(dir, 'named-hyperfine.json');
    const perfcell = await execa(process.execPath, [cliPath, 'compare', '--no-perf', ...line, '--export-hyperfine', ours], { reject: false, timeout: 120_000, env: { NO_COLOR: '1' } });
    expect(perfcell.exitCode, perfcell.stderr).toBe(0);
    const hyperfine = await execa('hyperfine', [...line, '--export-json', theirs], { reject: false, timeout: 120_000 });
    expect(hyperfine.exitCode, hyperfine.stderr).toBe(0);
    const commands = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { results: HyperfineResult[] }).results.map((result) => result.command);
    expect(commands(ours)).toEqual(commands(theirs));
    expect(commands(ours)).toEqual(['fast', 'slow', `${sleep} 2`]);
    expect(perfcell.stdout).toMatch(/^Benchmark 2: slow$/m);
  }, 120_000);

  it("takes hyperfine's -L NAME VALUES and -P NAME MIN MAX as two and three words, the commands after them (a QA pass: refused)", async () => {
    const sleep = fixture('sleep-ms');
    for (const [flag, ...scan] of [['-L', 'ms', '1,3'], ['-P', 'ms', '1', '2']] as const) {
      const line = ['-N', '-w', '0', '-r', '2', flag, ...scan, `${sleep} {ms}`, `${sleep} 2`];
      const ours = join(dir, `scan${flag}-perfcell.json`);
      const theirs = join(dir, `scan${flag}-hyperfine.json`);
      const perfcell = await execa(process.execPath, [cliPath, 'compare', '--no-perf', ...line, '--export-hyperfine', ours], { reject: false, timeout: 120_000, env: { NO_COLOR: '1' } });
      expect(perfcell.exitCode, perfcell.stderr).toBe(0);
      const hyperfine = await execa('hyperfine', [...line, '--export-json', theirs], { reject: false, timeout: 120_000 });
      expect(hyperfine.exitCode, hyperfine.stderr).toBe(0);
      const parameters = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { results: HyperfineResult[] }).results.map((result) => result.parameters);
      expect(parameters(ours)).toEqual(parameters(theirs));
      expect(parameters(ours)).toHaveLength(4);
    }
  }, 120_000);
});
