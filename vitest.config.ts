import { defineConfig } from 'vitest/config';

/**
 * Test files that run perfcell's measuring code inside the test's own process (windows over it,
 * the REPL's and the cells' evaluators, perf attached to it, module state such as the default
 * events' cache or a recorded interruption): each gets a fresh process, as every file once did.
 * With one process for several of them, five files failed (2026-12-03): a second evaluator could
 * not define its mark on the same global, a cache folder set by an earlier file was gone.
 */
const IN_PROCESS = [
  'test/session/**/*.test.ts',
  'test/repl/**/*.test.ts',
  'test/experiment/**/*.test.ts',
  'test/perf/**/*.test.ts',
  'test/attach/**/*.test.ts',
  'test/cli/run-label.test.ts',
  'test/cli/run-memory-null.test.ts',
  'test/cli/run-early-gate.test.ts',
  'test/cli/events-help.test.ts',
  'test/cli/attach-trailing.test.ts',
  'test/cli/attach-perf-checks.test.ts',
  'test/backends/cachegrind.test.ts',
  'test/render/compare-csv.test.ts',
  'test/live/follower.test.ts',
  'test/kernel/kernel-client.test.ts',
  'test/kernel/cell-engine-memory.test.ts',
  'test/kernel/cell-engine-sigint.test.ts',
  'test/kernel/configure-in-cell.test.ts',
  'test/kernel/cell-engine-stack-columns.test.ts',
];

export default defineConfig({
  test: {
    // Once per run: the tools the suite needs are here (or waived, and said so), and dist/ is
    // rebuilt when any source is newer than it; a failed build fails the run.
    globalSetup: ['test/global-setup.ts'],
    // Node 20 loads the file NODE_EXTRA_CA_CERTS names, and its whole root store, at every start
    // (47 ms of each node the tests spawn on this VM, 63 against 111 ms): the tests start perfcell
    // with it empty (as unset), as the bin's launcher starts most commands. bin-launcher.test.ts sets
    // it where it tests it.
    env: { NODE_EXTRA_CA_CERTS: '' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two files at a time, one per vCPU of the 2-vCPU machines this runs on. One at a time left both
    // vCPUs 56% busy (most tests wait on sleeping programs, perf's ticks, ptys), and vitest took
    // 490-522 s on fresh clones; two at a time 310-341 s here and 321-333 s on fresh clones
    // (2026-12-05). Three and four at a time were tried, to shake out tests that took the wall
    // clock for the truth: they gain little on two vCPUs (285-333 s), and at four some tests'
    // timing no longer holds. A test that looks for processes looks among its own (its
    // descendants, or the session `detached` gave perfcell), and a test's truth is the CPU a
    // process got, not the wall time: another file may run beside it. Both projects run together
    // (no groupOrder).
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        // Files that test perfcell from outside (its CLI, its kernel as a client sees it) or pure
        // code (parsers, renderers) share one process: a fresh process and module graph per file
        // cost some 270 ms each here (57 such files: 50.8 s isolated, 35.3 s shared).
        extends: true,
        test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: IN_PROCESS, isolate: false },
      },
      {
        extends: true,
        test: { name: 'isolated', include: IN_PROCESS },
      },
    ],
  },
});
