import { spawnSync } from 'node:child_process';
import { cliPath } from './fixtures.ts';

/**
 * Tests that run perfcell as the user nobody (uid 65534) need root to drop to it and need nobody
 * to read this checkout, which a clone under a 0700 folder (a home, mktemp -d) does not allow.
 */
export const nobodyCanRun: boolean =
  process.getuid?.() === 0 && spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'test', '-r', cliPath]).status === 0;

/** Says once, in the test output, why a nobody test is skipped. */
export function warnNobodySkipped(what: string): void {
  if (!nobodyCanRun) {
    console.warn(`skipping ${what}: it needs root and a checkout the user nobody can read (${cliPath}); clone into a world-readable folder to run it`);
  }
}
