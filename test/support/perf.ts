import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isRunning } from '../../src/proc/child-processes.ts';
import { isWaived, runsWith } from './tools.ts';

/** Whether real perf can count software events here; probed once. Tests that need it say why when it cannot. */
export const perfUsable: boolean = (() => {
  try {
    execFileSync('perf', ['stat', '-x,', '-e', 'page-faults', '--', 'true'], {
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return true;
  } catch {
    return false;
  }
})();

if (!perfUsable) {
  console.warn(
    isWaived('perf')
      ? 'perf cannot count software events here, waived by PERFCELL_TEST_ALLOW_MISSING=perf: the tests that need it are skipped, each saying so (install linux-perf, perf_event_paranoid ≤ 2; see perfcell doctor)'
      : 'perf cannot count software events here and PERFCELL_TEST_ALLOW_MISSING does not waive it: the tests that need it fail (install linux-perf, perf_event_paranoid ≤ 2, see perfcell doctor; or waive with PERFCELL_TEST_ALLOW_MISSING=perf)',
  );
}

/**
 * Whether tests that need perf should run (runsWith's rule: present, or missing and not waived,
 * then they fail); a waived skip prints `skipping WHAT: perf is missing (waived …)` once.
 * @example describe.runIf(runsWithPerf('attach with real perf'))('…', () => { … })
 */
export function runsWithPerf(what: string): boolean {
  return runsWith('perf', perfUsable, what);
}

/** perf processes still running (no perf may outlive the command it measured). */
export function livePerfPids(): number[] {
  try {
    return execFileSync('pgrep', ['-x', 'perf']).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * perf processes counting one of `pids` (`--pid P` on their command line), whoever started them:
 * perfcell's perfs over its own process are children of their launcher (perfcell-exec --perf-group),
 * not of perfcell. Zombies are not counted.
 */
export function perfsCounting(pids: ReadonlySet<number>): number[] {
  return livePerfPids().filter((perf) => {
    try {
      const args = readFileSync(`/proc/${perf}/cmdline`, 'utf8').split('\0');
      const at = args.indexOf('--pid');
      return at !== -1 && pids.has(Number(args[at + 1])) && isRunning(perf);
    } catch {
      return false;
    }
  });
}

/** page-faults of a program as plain `perf stat` counts them: the reference for exact counts. */
export function perfStatPageFaults(command: readonly string[]): number {
  const result = spawnSync('perf', ['stat', '-x,', '-e', 'page-faults', '--', ...command], {
    env: { ...process.env, LC_ALL: 'C' },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const line = result.stderr.split('\n').find((text) => text.includes(',page-faults'));
  const value = Number(line?.split(',')[0]);
  if (!Number.isFinite(value)) throw new Error(`perf stat printed no page-faults: ${result.stderr}`);
  return value;
}

/**
 * The page-faults plain `perf stat` counts over several runs of a program: its own spread, which a
 * single run's count lies in (touch-pages 400 counts 448-453 here, so one run is no exact reference).
 */
export function perfStatPageFaultsRange(command: readonly string[], runs = 5): { min: number; max: number } {
  const counts = Array.from({ length: runs }, () => perfStatPageFaults(command));
  return { min: Math.min(...counts), max: Math.max(...counts) };
}

/** How far a count lies outside perf stat's range, as a fraction of it (0 inside it). */
export function outsidePerfStat(counted: number, range: { min: number; max: number }): number {
  if (counted < range.min) return (range.min - counted) / range.min;
  if (counted > range.max) return (counted - range.max) / range.max;
  return 0;
}
