import { spawnSync } from 'node:child_process';

/**
 * Tools the suite needs (test/global-setup.ts fails the run when one is missing) unless a developer
 * waives them: PERFCELL_TEST_ALLOW_MISSING=valgrind,chromium (or `all`). A test that needs a waived,
 * missing tool is skipped, and says so once in the output; a missing tool that is not waived fails
 * the test that needs it, naming how to install it.
 */
export function isWaived(tool: string): boolean {
  const names = (process.env.PERFCELL_TEST_ALLOW_MISSING ?? '').split(',').map((name) => name.trim());
  return names.includes(tool) || names.includes('all');
}

const said = new Set<string>();

/** Whether tests that need `tool` should run: true when it is present or not waived (then they fail and say why). */
export function runsWith(tool: string, present: boolean, what: string): boolean {
  if (present) return true;
  if (!isWaived(tool)) return true;
  const line = `skipping ${what}: ${tool} is missing (waived by PERFCELL_TEST_ALLOW_MISSING)`;
  if (!said.has(line)) {
    said.add(line);
    console.warn(line);
  }
  return false;
}

/** Whether `strace -V` runs here. */
export const hasStrace: boolean = spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;

/** Whether `valgrind --version` runs here. */
export const hasValgrind: boolean = spawnSync('valgrind', ['--version'], { stdio: 'ignore' }).status === 0;

/** Whether `hyperfine --version` runs here. */
export const hasHyperfine: boolean = spawnSync('hyperfine', ['--version'], { stdio: 'ignore' }).status === 0;
