/**
 * compare -L NAME VALUES (hyperfine's --parameter-list): each command run once per value, named
 * for it, its values in the document; --prepare's {NAME} filled in per run. Real processes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import type { CompareDocument } from '../../src/experiment/compare-document.ts';
import { cliPath, fixture } from '../support/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'perfcell-compare-parameters-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const perfcell = (args: readonly string[]) =>
  execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1' }, cwd: dir, timeout: 120_000, forceKillAfterDelay: 1_000 });

describe('perfcell compare -L', () => {
  it('runs each command for each value, named for it, and keeps the values with each alternative', async () => {
    const log = join(dir, 'prepared.log');
    const result = await perfcell([
      'compare', '--no-perf', '--json', '--warmup', '0', '--runs', '2',
      '-L', 'ms', '2,6', '--names', 'short', 'long',
      '--prepare', `echo {ms} >> ${log}`,
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
    // the values took effect: 2 ms against 6 ms of sleep
    const medianS = (index: number): number => {
      const times = (document.alternatives[index]?.runs ?? []).map((run) => run['durationS'] ?? 0).sort((a, b) => a - b);
      return times[Math.floor(times.length / 2)] ?? 0;
    };
    expect(medianS(0)).toBeGreaterThanOrEqual(0.002);
    expect(medianS(2)).toBeGreaterThanOrEqual(0.006);
    expect(medianS(2) - medianS(0)).toBeGreaterThan(0.003);
    // --prepare ran before each run with its alternative's value: 2 rounds of 4 alternatives
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['2', '2', '6', '6', '2', '2', '6', '6']);
  }, 120_000);

  it('says what is wrong in one line naming the fix, before anything runs (exit 2)', async () => {
    const cases: Array<[readonly string[], RegExp]> = [
      [['-L', 'n', '1,2', '--', 'true'], /^error: -L n: no command has \{n\} in it \(write \{n\} where its values go/],
      [['-L', 'n', '1,2', 'sleep {n}'], /^error: -L takes a name and its values: -L size 512,1024 \(then -- and the commands\)$/],
      [['-L', 'n', '1', '--setup', 'make {n}', '--', 'sleep {n}'], /^error: -L values go into the commands, --names and --prepare, not --setup or --cleanup/],
      [['x.js', '--cells', 'a', 'b', '-L', 'n', '1'], /^error: -L is for commands/],
      [['-L', 'n', '1,2', '--names', 'a', 'b', 'c', '--', 'sleep {n}', 'true'], /^error: --names gave 3 names for 2 commands × 2 values \(4 alternatives\)/],
    ];
    for (const [args, expected] of cases) {
      const result = await perfcell(['compare', '--no-perf', ...args]);
      expect([result.exitCode, result.stderr], args.join(' ')).toEqual([2, expect.stringMatching(expected)]);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  }, 60_000);
});
