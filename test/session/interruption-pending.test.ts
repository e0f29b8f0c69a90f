import { describe, expect, it } from 'vitest';
import { isStopSignalPending } from '../../src/session/interruption.ts';

const status = (shd: string, sig = '0000000000000000') => `Name:\tnode\nSigPnd:\t${sig}\nShdPnd:\t${shd}\nSigBlk:\t0000000000000000\n`;

describe('isStopSignalPending', () => {
  it('reads SIGINT, SIGTERM and SIGHUP queued for the process, nothing else', () => {
    const reads = (text: string) => (path: string) => (path === '/proc/self/status' ? text : '');
    expect(isStopSignalPending(reads(status('0000000000000002')))).toBe(true);
    expect(isStopSignalPending(reads(status('0000000000004000')))).toBe(true);
    expect(isStopSignalPending(reads(status('0000000000000001')))).toBe(true);
    expect(isStopSignalPending(reads(status('0000000000010000')))).toBe(false); // SIGCHLD
    // a thread's own pending set is not read: stop signals reach the process, not one thread
    expect(isStopSignalPending(reads(status('0000000000000000', '0000000000000002')))).toBe(false);
    expect(isStopSignalPending(() => { throw new Error('no /proc'); })).toBe(false);
  });

  it('is false in this process, which has none queued', () => {
    expect(isStopSignalPending()).toBe(false);
  });
});
