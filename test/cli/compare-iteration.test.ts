import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliPath, fixture } from '../support/fixtures.ts';
import { temporaryFolders } from '../support/temp-folders.ts';

const tempFolder = temporaryFolders('each');

/** compare of two commands that each append `NAME $HYPERFINE_ITERATION $PERFCELL_ITERATION` to a log; its lines. */
async function iterations(extra: readonly string[], environment: Readonly<Record<string, string>> = {}): Promise<string[]> {
  const log = join(tempFolder('perfcell-iteration-'), 'runs.log');
  const says = (name: string) => `echo "${name} $HYPERFINE_ITERATION $PERFCELL_ITERATION" >> ${log}`;
  const result = await execa(process.execPath, [cliPath, 'compare', '-w', '2', '-r', '2', '--shell', ...extra, '--', says('a'), says('b')], { reject: false, env: { NO_COLOR: '1', ...environment }, timeout: 60_000 });
  expect(result.exitCode, result.stderr).toBe(0);
  return readFileSync(log, 'utf8').trim().split('\n');
}

// two warm-up rounds, then two measured ones, the alternatives taking turns at going first (a b, b a)
const EXPECTED = ['a warmup-0', 'b warmup-0', 'a warmup-1', 'b warmup-1', 'a 0', 'b 0', 'b 1', 'a 1'].map((run) => `${run} ${run.split(' ')[1]}`);

// hyperfine 1.19's $HYPERFINE_ITERATION (warmup-0, … then 0, …, per command), and compare's own
// $PERFCELL_ITERATION, in each run's environment however the run is started. Real programs.
describe('perfcell compare: $HYPERFINE_ITERATION and $PERFCELL_ITERATION', () => {
  it.each([
    ['served, warm-ups started early (the default)', {}],
    ['served, warm-ups started with compare', { PERFCELL_EARLY_WARMUPS: '0' }],
    ['a gate and perf per run', { PERFCELL_SERVED_RUNS: '0' }],
  ])('each run has its own: %s', async (_, environment) => {
    expect(await iterations([], environment)).toEqual(EXPECTED);
  });

  it('--prepare and --conclude have the run\'s, as hyperfine 1.21 gives them', async () => {
    const dir = tempFolder('perfcell-iteration-');
    const log = join(dir, 'hooks.log');
    const result = await execa(process.execPath, [cliPath, 'compare', '--no-perf', '-w', '1', '-r', '2', '--prepare', `echo "prepare $HYPERFINE_ITERATION" >> ${log}`, '--conclude', `echo "conclude $PERFCELL_ITERATION" >> ${log}`, '--', `${fixture('sleep-ms')} 1`], { reject: false, env: { NO_COLOR: '1' }, timeout: 60_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['prepare warmup-0', 'conclude warmup-0', 'prepare 0', 'conclude 0', 'prepare 1', 'conclude 1']);
  });
});
