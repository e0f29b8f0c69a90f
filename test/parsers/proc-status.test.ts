import { describe, expect, it } from 'vitest';
import { catchesSignal, parseProcStatus, takesDefaultAction } from '../../parsers/proc-status.ts';

// Lines as /proc/PID/status prints them (Linux 6.1), a perf with perfcell's library in it:
// SIGINT, SIGABRT, SIGALRM, SIGCHLD and SIGURG caught.
const PERF_STATUS = 'Name:\tperf\nVmHWM:\t   11264 kB\nVmRSS:\t   10240 kB\nSigBlk:\t0000000010000000\nSigIgn:\t0000000000001000\nSigCgt:\t0000000000412022\n';

describe('parseProcStatus', () => {
  it('reads VmRSS and VmHWM in bytes, null where a zombie has none', () => {
    expect(parseProcStatus(PERF_STATUS)).toEqual({ rssBytes: 10240 * 1024, peakRssBytes: 11264 * 1024 });
    expect(parseProcStatus('Name:\tperf\nState:\tZ (zombie)\n')).toEqual({ rssBytes: null, peakRssBytes: null });
  });
});

describe('catchesSignal', () => {
  it('reads the signal\'s bit (signo − 1) of SigCgt, not of the blocked or ignored masks', () => {
    expect([2, 6, 14, 17, 23].map((signo) => catchesSignal(PERF_STATUS, signo))).toEqual([true, true, true, true, true]);
    // SIGPIPE (13) is ignored here and SIGWINCH (28, bit 27) blocked: neither is caught
    expect([1, 13, 15, 28].map((signo) => catchesSignal(PERF_STATUS, signo))).toEqual([false, false, false, false]);
    // real-time signals in the mask's high half
    expect(catchesSignal('SigCgt:\t8000000000000000\n', 64)).toBe(true);
  });

  it('is false where SigCgt is missing or the number is no signal', () => {
    expect(catchesSignal('Name:\tperf\n', 23)).toBe(false);
    expect(catchesSignal(PERF_STATUS, 0)).toBe(false);
    expect(catchesSignal(PERF_STATUS, 65)).toBe(false);
  });
});

describe('takesDefaultAction', () => {
  it('is true only where the signal is neither caught, ignored nor blocked', () => {
    // SIGHUP and SIGTERM take their default action; SIGINT is caught, SIGPIPE ignored, SIGIO (29, bit 28) blocked
    expect([1, 15].map((signo) => takesDefaultAction(PERF_STATUS, signo))).toEqual([true, true]);
    expect([2, 13, 29].map((signo) => takesDefaultAction(PERF_STATUS, signo))).toEqual([false, false, false]);
  });

  it('is false where a mask is missing or the number is no signal', () => {
    expect(takesDefaultAction('SigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n', 15)).toBe(false);
    expect(takesDefaultAction(PERF_STATUS, 0)).toBe(false);
  });
});
