/**
 * The error line for a stdout that cannot be written, its hint by why. Its own file: the bin
 * (bin.ts) says it for --version, which it writes itself, without loading main.ts.
 * @example stdoutFailure({ code: 'EIO' }) // "error: could not write the results to stdout (EIO): its terminal has gone (…)"
 */
export function stdoutFailure(error: { readonly code?: string | undefined; readonly message?: string }): string {
  const hint =
    error.code === 'ENOSPC' || error.code === 'EDQUOT'
      ? 'check where stdout goes (a full disk?)'
      : error.code === 'EIO'
        ? 'its terminal has gone (a hang-up); to keep the results, send them to a file, or start perfcell with nohup or in tmux'
        : 'check where stdout goes';
  return `error: could not write the results to stdout (${error.code ?? error.message ?? 'unknown'}): ${hint}`;
}
