import { describe, expect, it } from 'vitest';
import { continueCount, noteInterruption, noteStopRequest } from '../../src/session/job-stops.ts';

/**
 * Which SIGCONTs count as a job-control stop's end (src/session/job-stops.ts). The listener is
 * perfcell's own, called as a signal would call it (process.emit), so the order of two signals
 * that land in one turn of the event loop can be set.
 */
describe('continueCount and interruptions', () => {
  // first: the interruptions below are remembered for 200 ms
  it('counts a SIGCONT with no interruption near it', () => {
    const before = continueCount();
    process.emit('SIGCONT', 'SIGCONT');
    expect(continueCount()).toBe(before + 1);
  });
  it("takes a SIGCONT just before an interruption for timeout's, not a stop's end (CI: its listener ran before SIGINT's on a loaded machine)", () => {
    const before = continueCount();
    process.emit('SIGCONT', 'SIGCONT');
    noteInterruption();
    expect(continueCount()).toBe(before);
  });

  it("takes a SIGCONT just after an interruption for timeout's", () => {
    const before = continueCount();
    noteInterruption();
    process.emit('SIGCONT', 'SIGCONT');
    expect(continueCount()).toBe(before);
  });

  it('counts a SIGCONT after a Ctrl-Z, whatever interruption comes with it', () => {
    const before = continueCount();
    noteStopRequest();
    process.emit('SIGCONT', 'SIGCONT');
    noteInterruption();
    expect(continueCount()).toBe(before + 1);
  });
});
