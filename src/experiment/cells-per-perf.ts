/**
 * Cells a perf of a file's shared group is worth. Each perf is some 10-15 ms of CPU to start, and the
 * first window waits for all of them, while more perfs shorten each window's wait for a tick.
 * Files of trivial cells on this 2-vCPU VM (wall, medians of 6-10, 2026-12-03), one perf / four:
 * 10 cells 263 / 333 ms (two 291, three 307), 30 cells 377 / 406, 60 cells 507 / 502,
 * 200 cells 1226 / 1073. A file of up to this many cells is served by one perf, which `cells`
 * starts before it has read the file (src/cli/lanes/cells-early.ts).
 */
export const CELLS_PER_PERF = 50;
