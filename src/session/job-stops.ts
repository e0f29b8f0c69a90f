/**
 * Counts this process's continues after a job-control stop (Ctrl-Z, then fg or bg: SIGCONT). A
 * listener does not change what SIGCONT does: the kernel continues a stopped process whether it is
 * caught or not. Time measured across a stop holds the stop: a report whose window saw this count
 * change says so (HELD_STOP_NOTE), and compare, `run -r` and timeit leave out a round or run that
 * held one and run it again (experiment/interleave.ts).
 *
 * A SIGCONT sent to a process that was not stopped counts too (such a round is run again for
 * nothing), but for the one `timeout` sends: GNU timeout follows its signal (SIGINT, SIGTERM, …)
 * with a SIGCONT, so that a stopped command takes it. A SIGCONT within STRAY_CONTINUE_NS after an
 * interruption (noteInterruption) is taken for that one, unless a Ctrl-Z (a SIGTSTP, caught where
 * perfcell follows stops on its event loop: noteStopRequest) came since the last continue: every
 * `timeout -s INT 10 perfcell run …` had said a Ctrl-Z fell into its command.
 */

/** A report's warning where a job-control stop fell into its command (the stop is in its time). */
export const HELD_STOP_NOTE = 'a job-control stop (Ctrl-Z) fell into this command: its time, and what is figured over it (rates, CPU %, GC pauses), include the stop';

/** What compare says of `roundsRerun` (> 0) rounds a job-control stop made it run again (experiment/interleave.ts). */
export function rerunRoundNote(roundsRerun: number): string {
  return roundsRerun === 1
    ? 'a measured round held a job-control stop (Ctrl-Z): its runs were left out, and the round ran again'
    : `${roundsRerun} measured rounds held a job-control stop (Ctrl-Z): their runs were left out, and each round ran again`;
}

/** What `run -r` and timeit say of `runsRerun` (> 0) runs a job-control stop made them run again. */
export function rerunRunNote(runsRerun: number): string {
  return `${runsRerun === 1 ? 'a run' : `${runsRerun} runs`} held a job-control stop (Ctrl-Z): left out of the statistics, and run again`;
}

let continues = 0;
let listening = false;
/** When the last interruption (SIGINT, SIGTERM, SIGHUP) came, monotonic ns; null before any. */
let interruptedAtNs: bigint | null = null;
/** Whether a Ctrl-Z came since the last continue. */
let stopRequested = false;
/** timeout sends its SIGCONT right after its signal: microseconds apart, well under this. */
const STRAY_CONTINUE_NS = 200_000_000n;

/** The last SIGCONT counted that no Ctrl-Z came before, monotonic ns: an interruption just after it takes it back. */
let unexplainedContinueAtNs: bigint | null = null;

const onContinue = (): void => {
  const nowNs = process.hrtime.bigint();
  const afterInterruption = interruptedAtNs !== null && nowNs - interruptedAtNs < STRAY_CONTINUE_NS;
  if (stopRequested || !afterInterruption) {
    continues++;
    unexplainedContinueAtNs = stopRequested ? null : nowNs;
  }
  stopRequested = false;
};

/**
 * An interruption came (interruption.ts): a SIGCONT right after it is timeout's, not a stop's end;
 * so is one right before it, where both came in one turn of the event loop and SIGCONT's listener
 * ran first (on a loaded machine: `timeout -s INT` then read as a Ctrl-Z in CI's run).
 */
export function noteInterruption(): void {
  const nowNs = process.hrtime.bigint();
  interruptedAtNs = nowNs;
  if (unexplainedContinueAtNs !== null && nowNs - unexplainedContinueAtNs < STRAY_CONTINUE_NS) continues--;
  unexplainedContinueAtNs = null;
}

/** A Ctrl-Z came (follow-stop.ts): the next SIGCONT ends a stop, whatever came with it. */
export function noteStopRequest(): void {
  stopRequested = true;
}

/** How many SIGCONTs this process has had since the first call (which starts the count at 0). */
export function continueCount(): number {
  if (!listening) {
    listening = true;
    process.on('SIGCONT', onContinue);
  }
  return continues;
}

/**
 * Starts counting SIGCONTs (continueCount) and gives the listener the turn of the event loop it
 * needs before a stop can be seen: a stop in the same turn as the first count (the first run of
 * an in-process compare with no warm-up) was missed, its SIGCONT counted a turn later still.
 */
export async function startCountingContinues(count: () => number = continueCount): Promise<void> {
  count();
  await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Whether this process was continued since `count` (continueCount(), or a stand-in for it) returned
 * `before`. A turn of the event loop first: SIGCONT's listener runs in the poll phase in which this
 * process first looks after it was continued, which may be the one that also saw what was measured end.
 */
export async function continuedSince(before: number, count: () => number = continueCount): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  return count() !== before;
}

/** No stop and `fg` by hand fits in less: a window this short is not given a turn of the event loop to see one. */
const SHORTEST_STOP_BY_HAND_NS = 50_000_000n;

/**
 * Whether a job-control stop fell into a window that began when continueCount() returned `before`
 * and lasted `durationNs` (its end was just now). A window that lasted long enough to hold a stop by
 * hand gets continuedSince()'s turn of the event loop: a synchronous cell holds SIGCONT's listener
 * until it ends, and the awaits after it may all be met in the poll phase that also holds the signal.
 */
export async function heldStop(before: number, durationNs: bigint): Promise<boolean> {
  return durationNs >= SHORTEST_STOP_BY_HAND_NS ? continuedSince(before) : continueCount() !== before;
}
