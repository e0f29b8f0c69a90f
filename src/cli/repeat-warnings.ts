/**
 * The warnings of `run -r N`'s runs, each said once: the same text once, as before, and texts
 * that differ only in their figures (perf's last interval missed by 3.1 ms in one run, 40 ms in
 * another) once, with how many runs had one, where they had been a line each: 25 lines of "perf
 * ended without its last interval …" under one `run -r 2000` on a busy machine (a QA pass).
 * @example mergeRunWarnings([['missed 3 ms'], [], ['missed 40 ms']]) // ['missed 3 ms (in 2 of 3 runs; the figures are the first\'s)']
 */
export function mergeRunWarnings(perRun: ReadonlyArray<readonly string[]>): string[] {
  const groups = new Map<string, { readonly first: string; readonly runs: Set<number>; readonly texts: Set<string> }>();
  perRun.forEach((warnings, run) => {
    for (const warning of warnings) {
      const shape = warning.replace(/\d+(?:[.,]\d+)*/g, '#');
      const group = groups.get(shape) ?? { first: warning, runs: new Set<number>(), texts: new Set<string>() };
      group.runs.add(run);
      group.texts.add(warning);
      groups.set(shape, group);
    }
  });
  return [...groups.values()].map(({ first, runs, texts }) =>
    texts.size === 1 ? first : `${first} (in ${runs.size} of ${perRun.length} runs; the figures are the first's)`,
  );
}
