/**
 * PERFCELL_SHARED_PERF=0: one perf per window (armed ahead) instead of one shared perf. Its own
 * module: the lanes that start a file's shared perf first thing (cli/lanes/cells-early.ts,
 * compare-cells-early.ts) ask before the rest of perfcell's modules run.
 */
export function sharedPerfWanted(environment: NodeJS.ProcessEnv = process.env): boolean {
  return environment['PERFCELL_SHARED_PERF'] !== '0';
}
