/**
 * perfcell's stdout may be a pipe whose reader has gone (`| head -1`) or a full disk
 * (`> /dev/full`). Writing to it then is not perfcell's failure: the write is dropped, the caller
 * learns that stdout is gone, and no stack trace reaches the user (perf stat, time and GNU tools
 * behave alike). Errors that are not about the reader are reported the same way.
 */
let isStdoutGone = false;
let isGuarded = false;

function guard(): void {
  if (isGuarded) return;
  isGuarded = true;
  process.stdout.on('error', () => {
    isStdoutGone = true;
  });
}

/** Writes `text` to stdout; resolves false when stdout is closed or full (EPIPE, ENOSPC, …). */
export function writeStdout(text: string): Promise<boolean> {
  guard();
  if (isStdoutGone) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      process.stdout.write(text, (error) => {
        if (error) isStdoutGone = true;
        resolve(!error);
      });
    } catch {
      isStdoutGone = true;
      resolve(false);
    }
  });
}

/** True once a write to stdout has failed. */
export function stdoutIsGone(): boolean {
  return isStdoutGone;
}
