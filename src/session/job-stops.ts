/**
 * Counts this process's continues after a job-control stop (Ctrl-Z, then fg or bg: SIGCONT). A
 * listener does not change what SIGCONT does: the kernel continues a stopped process whether it is
 * caught or not. Time measured across a stop holds the stop: compare leaves out a round that a
 * change of this count says held one (experiment/interleave.ts).
 *
 * A SIGCONT sent to a process that was not stopped counts too: such a round is run again for nothing.
 */
let continues = 0;
let listening = false;

const onContinue = (): void => {
  continues++;
};

/** How many SIGCONTs this process has had since the first call (which starts the count at 0). */
export function continueCount(): number {
  if (!listening) {
    listening = true;
    process.on('SIGCONT', onContinue);
  }
  return continues;
}

/**
 * Whether this process was continued since continueCount() returned `before`. A turn of the event
 * loop first: SIGCONT's listener runs in the poll phase in which this process first looks after it
 * was continued, which may be the one that also saw what was measured end.
 */
export async function continuedSince(before: number): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  return continueCount() !== before;
}
