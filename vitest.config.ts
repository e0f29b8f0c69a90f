import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Once per run: the tools the suite needs are here (or waived, and said so), and dist/ is
    // rebuilt when any source is newer than it; a failed build fails the run.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Real perf and real processes: two cores, so keep files from fighting over them.
    fileParallelism: false,
    reporters: ['default'],
  },
});
