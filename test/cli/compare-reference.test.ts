/**
 * compare --reference CMD (--reference-name NAME), as hyperfine's: CMD runs first and every command
 * is compared against it; under -L and -P it runs once, with no value, and the summary against it
 * stands beside By value. Real processes (sleep-ms sleeps its argument's milliseconds).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { CompareDocument } from '../../src/experiment/compare-document.ts';
import { cliPath, fixture } from '../support/fixtures.ts';
import { roundsInOrder } from '../support/run-order.ts';

const perfcell = (args: readonly string[]) =>
  execa(process.execPath, [cliPath, 'compare', '--no-perf', '-w', '0', '-r', '4', ...args], { reject: false, env: { NO_COLOR: '1' }, timeout: 120_000, forceKillAfterDelay: 1_000 });
const timeOf = (document: CompareDocument) => document.results.find((result) => result.metric.role === 'primary');

describe('perfcell compare --reference', () => {
  it('runs the reference first, named by --reference-name, and compares every command against it', async () => {
    const sleep = fixture('sleep-ms');
    // 2 and 20 ms: over 1.5× apart even where a loaded machine adds 30 ms to each run (2 and 6 were not, beside two test runs and a busy loop)
    const result = await perfcell(['--json', '--reference', `${sleep} 2`, '--reference-name', 'old', '--', `${sleep} 20`]);
    expect(result.exitCode, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as CompareDocument;
    expect(document.alternatives.map((alternative) => [alternative.name, alternative.command, alternative.parameters])).toEqual([
      ['old', [sleep, '2'], undefined],
      [`${sleep} 20`, [sleep, '20'], undefined],
    ]);
    const [against] = timeOf(document)?.comparisons ?? [];
    expect([against?.baselineName, against?.alternativeName]).toEqual(['old', `${sleep} 20`]);
    expect(against?.ratio.ratio).toBeGreaterThan(1.5);
  });

  it('under -L runs once with no value: the summary against it, and By value beside it', async () => {
    const sleep = fixture('sleep-ms');
    // the reference sleeps 10 ms; a sleeps 2 or 30, b 20: each far from the reference, beside a busy machine too (10 runs: at 5, b's 20 ms read 'no significant difference (p = 0.078)' against the 10 ms in a loaded fresh-clone CI)
    const text = await perfcell(['-w', '1', '-r', '10', '--reference', `${sleep} 10`, '-L', 'ms', '2,30', '--names', 'a', 'b', '--', `${sleep} {ms}`, `${sleep} 20`]);
    expect(text.exitCode, text.stderr).toBe(0);
    const summary = text.stdout.slice(text.stdout.indexOf('Summary (against')).split('\n\n')[0]?.split('\n') ?? [];
    expect(summary[0]).toBe(`Summary (against ${sleep} 10)`);
    // each of the four alternatives against the reference, in time (a line of another metric that
    // differs may come under one: beside busy loops, a peak RSS 1.2× more once)
    const timeVerdicts = summary.map((line) => /^ {2}(\S+ \(ms = \d+\)) is .* (faster|slower);/.exec(line)).filter((match) => match !== null);
    expect(timeVerdicts.map((match) => [match[1], match[2]]), text.stdout).toEqual([
      ['a (ms = 2)', 'faster'], ['b (ms = 2)', 'slower'], ['a (ms = 30)', 'slower'], ['b (ms = 30)', 'slower'],
    ]);
    expect(text.stdout).toMatch(/\nBy value \(against the first command at each\)\n {2}ms = 2: b \(ms = 2\) is /);
    const json = await perfcell(['--json', '--reference', `${sleep} 3`, '-L', 'ms', '2,6', '--', `${sleep} {ms}`, `${sleep} 4`]);
    const document = JSON.parse(json.stdout) as CompareDocument;
    // the reference has no values; By value's groups leave it out
    expect(document.alternatives.map((alternative) => alternative.parameters)).toEqual([undefined, { ms: '2' }, { ms: '2' }, { ms: '6' }, { ms: '6' }]);
    expect(document.byValue?.map((group) => group.results[0]?.summaries.length)).toEqual([2, 2]);
  }, 120_000);

  // A QA pass: a reference that is one of -L's commands was refused, '--names must differ from each
  // other…', though no --names was given; a command given twice is numbered, and so is this one
  it("numbers an -L command that reads as the reference, as a command given twice is; names given by hand stay refused", async () => {
    const sleep = fixture('sleep-ms');
    const result = await perfcell(['--json', '--reference', `${sleep} 2`, '-L', 'ms', '2,3', '--', `${sleep} {ms}`]);
    expect(result.exitCode, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as CompareDocument;
    expect(document.alternatives.map((alternative) => [alternative.name, alternative.parameters])).toEqual([
      [`${sleep} 2`, undefined], [`${sleep} 2 #2`, { ms: '2' }], [`${sleep} 3`, { ms: '3' }],
    ]);
    const byHand = await perfcell(['--reference', `${sleep} 2`, '--reference-name', 'a', '--names', 'a', '--', `${sleep} 3`]);
    expect([byHand.exitCode, byHand.stderr]).toEqual([2, "error: --names must differ from each other and from 'noise floor' (they key the results and a baseline)"]);
  });

  it("takes --prepare (--conclude, --input, --output) once per command and the reference's first, as hyperfine does", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-reference-hooks-'));
    try {
      const log = join(dir, 'log');
      const result = await perfcell(['--reference', 'true', '--prepare', `echo ref >> ${log}`, '--prepare', `echo a >> ${log}`, '--output', `${dir}/ref.txt`, '--output', `${dir}/a.txt`, '--', 'echo a']);
      expect(result.exitCode, result.stderr).toBe(0);
      // four rounds, taking turns at going first: the reference's hook before its runs, the command's before its own
      expect(readFileSync(log, 'utf8')).toBe(roundsInOrder(['ref\n', 'a\n'], 0, 4).flat().join(''));
      expect([readFileSync(join(dir, 'ref.txt'), 'utf8'), readFileSync(join(dir, 'a.txt'), 'utf8')]).toEqual(['', 'a\n']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("under -L takes them N×V+1 times as hyperfine does: the reference's first, then one per command and value", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-reference-hooks-'));
    try {
      const log = join(dir, 'log');
      const result = await perfcell(['--reference', 'true', '-L', 'n', '1,2', '--prepare', `echo ref >> ${log}`, '--prepare', `echo one {n} >> ${log}`, '--prepare', `echo two {n} >> ${log}`, '--', 'sleep 0.00{n}']);
      expect(result.exitCode, result.stderr).toBe(0);
      // four rounds of the reference and the command at n = 1 and at n = 2, each after its own hook,
      // taking turns at going first and at following each other (Williams' orders of three)
      expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
        'ref', 'one 1', 'two 2',
        'one 1', 'two 2', 'ref',
        'two 2', 'ref', 'one 1',
        'two 2', 'one 1', 'ref',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what is wrong in one line naming the fix, before anything runs (exit 2)', async () => {
    const cases: [string[], string][] = [
      [['--reference', 'sleep {ms}', '-L', 'ms', '1,2', '--', 'sleep 0.00{ms}'], 'error: --reference runs once, not once per value: its {ms} would run as typed (give the command with {ms} after --, or a reference without it)'],
      [['--reference', 'true', '--prepare', 'a', '--prepare', 'b', '--', 'true', 'false'], "error: with --reference, give --prepare once for all, or 3 times: the reference's first, then one per command (it was given 2 times)"],
      [['--reference', 'true', '--prepare', 'a', '--prepare', 'b', '-L', 'n', '1,2', '--', 'sleep 0.00{n}'], 'error: with --reference, give --prepare once, for the reference and every command, without {…} (the reference runs with no value), or 3 times: the reference\'s first, then one per command and value'],
      [['--reference', 'true', '--conclude', 'echo {ms}', '-L', 'ms', '1,2', '--', 'sleep 0.00{ms}'], 'error: with --reference, give --conclude once, for the reference and every command, without {…} (the reference runs with no value), or 3 times: the reference\'s first, then one per command and value'],
      [['--reference', 'true', '--prepare', 'a', '--prepare', 'b', '--prepare', 'c', '--prepare', 'd', '-L', 'n', '1,2', '--', 'sleep 0.00{n}'], "error: --prepare was given 4 times for 1 commands × 2 values (give it once for all, once per command, or once per alternative, or 3 times with --reference: the reference's first, with {NAME} where a value goes)"],
      [['--reference-name', 'old', '--', 'true'], 'error: --reference-name names the --reference command (give it: --reference CMD --reference-name NAME)'],
      [['--reference', 'true', '--'], 'error: nothing to compare (usage: perfcell compare -- "CMD A" "CMD B", or perfcell compare FILE --cells "A" "B")'],
      [['cells.ts', '--cells', 'A', '--reference', 'true'], 'error: --reference is for commands (compare cells by their titles: the first is the one the others are compared against)'],
    ];
    for (const [args, message] of cases) {
      const result = await perfcell(args);
      expect([args.join(' '), result.exitCode, result.stderr]).toEqual([args.join(' '), 2, message]);
    }
  });
});
