/**
 * compare -L NAME VALUES (hyperfine's --parameter-list): each command run once per value, named
 * for it, its values in the document; --prepare's {NAME} filled in per run. Real processes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { CompareDocument } from '../../src/experiment/compare-document.ts';
import { cliPath, fixture } from '../support/fixtures.ts';
import { temporaryFolders } from '../support/temp-folders.ts';

const dir = temporaryFolders('all')('perfcell-compare-parameters-');

const perfcell = (args: readonly string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1', ...env }, cwd: dir, timeout: 120_000, forceKillAfterDelay: 1_000 });

describe('perfcell compare -L', () => {
  it('runs each command for each value, named for it, and keeps the values with each alternative', async () => {
    const log = join(dir, 'prepared.log');
    const result = await perfcell([
      'compare', '--no-perf', '--json', '--warmup', '0', '--runs', '3',
      '-L', 'ms', '2,6', '--names', 'short', 'long',
      '--prepare', `echo {ms} >> ${log}`, '--conclude', `echo done-{ms} >> ${log}`, '--export-markdown', join(dir, 'scan.md'),
      '--export-csv', join(dir, 'scan.csv'),
      '--', `${fixture('sleep-ms')} {ms}`, `${fixture('sleep-ms')} 4`,
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as CompareDocument;
    expect(document.alternatives.map((alternative) => [alternative.name, alternative.command, alternative.parameters])).toEqual([
      ['short (ms = 2)', [fixture('sleep-ms'), '2'], { ms: '2' }],
      ['long (ms = 2)', [fixture('sleep-ms'), '4'], { ms: '2' }],
      ['short (ms = 6)', [fixture('sleep-ms'), '6'], { ms: '6' }],
      ['long (ms = 6)', [fixture('sleep-ms'), '4'], { ms: '6' }],
    ]);
    // the values took effect: 2 ms against 6 ms of sleep (the quickest run: a busy machine only adds)
    const quickestS = (index: number): number => Math.min(...(document.alternatives[index]?.runs ?? []).map((run) => run['durationS'] ?? 0));
    expect(quickestS(0)).toBeGreaterThanOrEqual(0.002);
    expect(quickestS(2)).toBeGreaterThanOrEqual(0.006);
    expect(quickestS(2) - quickestS(0), JSON.stringify(document.alternatives.map((alternative) => alternative.runs.map((run) => run['durationS'])))).toBeGreaterThan(0.003);
    // the markdown export has the values' table too: each command's mean, Relative to the first at that value
    const markdown = readFileSync(join(dir, 'scan.md'), 'utf8');
    const table = markdown.slice(markdown.indexOf('### By value')).split('\n').filter((line) => line.startsWith('| ms = '));
    expect(table.map((line) => line.split(' | ').slice(0, 2))).toEqual([
      ['| ms = 2', '`short (ms = 2)`'],
      ['| ms = 2', '`long (ms = 2)`'],
      ['| ms = 6', '`short (ms = 6)`'],
      ['| ms = 6', '`long (ms = 6)`'],
    ]);
    expect(table[0]).toMatch(/ \| 1\.00 \|$/);
    expect(markdown).toMatch(/\nms = 6: .*long \(ms = 6\)/);
    // the CSV export has hyperfine's parameter_ms column, and By value's comparison on each row
    const [header, ...csv] = readFileSync(join(dir, 'scan.csv'), 'utf8').trimEnd().split('\n').map((line) => line.split(','));
    const column = (name: string): number => header?.indexOf(name) ?? -1;
    const timeRows = csv.filter((row) => row[0] === 'durationS' && row[3] === 'alternative');
    expect(timeRows.map((row) => [row[4], row[column('parameter_ms')], row[column('value_ratio')] === ''])).toEqual([
      ['short (ms = 2)', '2', true],
      ['long (ms = 2)', '2', false],
      ['short (ms = 6)', '6', true],
      ['long (ms = 6)', '6', false],
    ]);
    // long (4 ms) against short at each value: longer than 2 ms, shorter than 6 ms
    expect(Number(timeRows[1]?.[column('value_ratio')])).toBeGreaterThan(1);
    expect(Number(timeRows[3]?.[column('value_ratio')])).toBeLessThan(1);
    // --prepare ran before each run with its alternative's value: 3 rounds of 4 alternatives
    // (short 2, long 2, short 6, long 6), taking turns at going first (Williams' orders of four:
    // 0 1 2 3, 1 3 0 2, 3 2 1 0), and --conclude after it, each with its value
    const runs = (values: readonly string[]) => values.flatMap((value) => [value, `done-${value}`]);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([...runs(['2', '2', '6', '6']), ...runs(['2', '6', '2', '6']), ...runs(['6', '6', '2', '2'])]);
    // at each value, the second command against the first: 4 ms of sleep is longer than 2, shorter than 6
    const timeComparisons = (results: CompareDocument['results']) => results.find((result) => result.metric.role === 'primary')?.comparisons ?? [];
    expect(document.byValue?.map(({ parameters, results }) => [parameters, timeComparisons(results).map((comparison) => [comparison.baselineName, comparison.alternativeName])])).toEqual([
      [{ ms: '2' }, [['short (ms = 2)', 'long (ms = 2)']]],
      [{ ms: '6' }, [['short (ms = 6)', 'long (ms = 6)']]],
    ]);
  }, 120_000);

  it('says at each value how the commands compare, in place of the summary against the first', async () => {
    const result = await perfcell(['compare', '--no-perf', '--warmup', '0', '--runs', '4', '-L', 'ms', '2,8', '--', `${fixture('sleep-ms')} {ms}`, `${fixture('sleep-ms')} 5`], { COLUMNS: '300' });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).not.toContain('Summary (against');
    const [header, ...lines] = result.stdout.slice(result.stdout.indexOf('By value')).split('\n\n')[0]!.split('\n');
    expect(header).toBe('By value (against the first command at each)');
    // each value once, with time's verdict, the summary's (on a busy machine, 4 runs may not tell);
    // another metric that differs meaningfully goes under it (a run read 1.11× less peak RSS)
    const at = (ms: number) => lines.filter((line) => line.startsWith(`  ms = ${ms}: `));
    expect(at(2)).toEqual([expect.stringMatching(/^ {2}ms = 2: (.* 5 \(ms = 2\) is [\d.]+× .*slower; p |time: no (significant|meaningful) difference)/)]);
    expect(at(8)).toEqual([expect.stringMatching(/^ {2}ms = 8: (.* 5 \(ms = 8\) is [\d.]+× .*faster; p |time: no (significant|meaningful) difference)/)]);
    const others = lines.filter((line) => !/^ {2}ms = [28]: /.test(line) && !/^ {2}\d+ more metrics?: /.test(line));
    for (const line of others) expect(line, lines.join('\n')).toMatch(/^ {10}\S.* 5 \(ms = [28]\) has /);
    // --verbose: every alternative against the first, and the values' answer after it
    const verbose = await perfcell(['compare', '--no-perf', '--verbose', '--warmup', '0', '--runs', '2', '-L', 'ms', '2,8', '--', `${fixture('sleep-ms')} {ms}`, `${fixture('sleep-ms')} 5`], { COLUMNS: '300' });
    expect(verbose.stdout).toMatch(/\nBy value \(against the first command at each\)\n {2}ms = 2: /);
  }, 120_000);

  it('-P scans a range (-D its step), as -L would list it', async () => {
    const result = await perfcell(['compare', '--no-perf', '--json', '--warmup', '0', '--runs', '1', '-P', 'ms', '1', '5', '-D', '2', '--', `${fixture('sleep-ms')} {ms}`]);
    expect(result.exitCode, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as CompareDocument;
    expect(document.alternatives.map((alternative) => [alternative.command, alternative.parameters])).toEqual([
      [[fixture('sleep-ms'), '1'], { ms: '1' }],
      [[fixture('sleep-ms'), '3'], { ms: '3' }],
      [[fixture('sleep-ms'), '5'], { ms: '5' }],
    ]);
  }, 60_000);

  it('says what is wrong in one line naming the fix, before anything runs (exit 2)', async () => {
    const cases: Array<[readonly string[], RegExp]> = [
      [['-L', 'n', '1,2', '--', 'true'], /^error: parameter n: no command has \{n\} in it \(write \{n\} where its values go/],
      [['-L', 'n', '--', 'sleep {n}'], /^error: -L takes a name and its values: -L size 512,1024 \(then -- and the commands\)$/],
      [['-L', 'n', '1', '--setup', 'make {n}', '--', 'sleep {n}'], /^error: -L and -P values go into the commands, --names, --prepare and --conclude, not --setup or --cleanup/],
      [['x.js', '--cells', 'a', 'b', '-L', 'n', '1'], /^error: -L is for commands/],
      [['-L', 'n', '1,2', '--names', 'a', 'b', 'c', '--', 'sleep {n}', 'true'], /^error: --names gave 3 names for 2 commands × 2 values \(4 alternatives\)/],
      [['-D', '2', '--', 'sleep 1'], /^error: -D is the step of -P \(e\.g\. -P n 256 1024 -D 256\)$/],
      [['-P', 'n', '1', '--', 'sleep {n}'], /^error: -P takes a name, its least and its greatest value/],
      [['-L', 'n', '1', '-P', 'n', '1', '2', '--', 'sleep {n}'], /^error: n was given to both -L and -P \(give it to one\)$/],
    ];
    for (const [args, expected] of cases) {
      const result = await perfcell(['compare', '--no-perf', ...args]);
      expect([result.exitCode, result.stderr], args.join(' ')).toEqual([2, expect.stringMatching(expected)]);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  }, 60_000);
});
