import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Real perf and real processes: two cores, so keep files from fighting over them.
    fileParallelism: false,
    reporters: ['default'],
  },
});
