import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
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
    // Real perf and real processes: two cores, so keep files from fighting over them.
    fileParallelism: false,
    reporters: ['default'],
  },
});
