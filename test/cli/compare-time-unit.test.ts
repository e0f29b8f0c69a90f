import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { temporaryFolders } from '../support/temp-folders.ts';

const tempFolder = temporaryFolders('each');
const perfcell = (args: readonly string[]) => execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1' }, timeout: 60_000 });

// hyperfine's -u/--time-unit, with a real program.
describe('perfcell compare -u', () => {
  it('prints the summary and the markdown export in the unit given; the JSON keeps seconds', async () => {
    const dir = tempFolder('perfcell-time-unit-');
    const markdown = join(dir, 'times.md');
    const result = await perfcell(['compare', '--no-perf', '-w', '0', '-r', '2', '-u', 'microsecond', '--export-markdown', markdown, '--export-json', join(dir, 'runs.json'), '--', 'sleep 0.002']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^ {2}Time \(mean ± σ\): +\d{4,} µs {2}± +[\d.]+ µs$/m);
    expect(result.stdout).toMatch(/^Noise floor \(`true`\): \d+ µs ± [\d.]+ µs, 2 runs$/m);
    expect(readFileSync(markdown, 'utf8')).toContain('| Command | Mean [µs] | Min [µs] | Max [µs] | Relative |');
    const runs = JSON.parse(readFileSync(join(dir, 'runs.json'), 'utf8')) as { alternatives: { runs: { durationS: number }[] }[] };
    expect(runs.alternatives[0]?.runs[0]?.durationS).toBeLessThan(1);
  });

  it('refuses a unit hyperfine does not name', async () => {
    const result = await perfcell(['compare', '--no-perf', '-u', 'minute', '--', 'true']);
    expect([result.exitCode, result.stderr.trim()]).toEqual([2, "error: option '-u, --time-unit <unit>' argument 'minute' is invalid. Allowed choices are second, millisecond, microsecond."]);
  });
});
