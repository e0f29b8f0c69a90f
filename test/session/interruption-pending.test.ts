import { describe, expect, it } from 'vitest';
import { isStopSignalPending } from '../../src/session/interruption.ts';

const status = (shd: string, sig = '0000000000000000') => `Name:\tnode\nSigPnd:\t${sig}\nShdPnd:\t${shd}\nSigBlk:\t0000000000000000\n`;

describe('isStopSignalPending', () => {
  it('reads SIGINT, SIGTERM and SIGHUP queued for the process or one of its threads, nothing else', () => {
    const reads = (files: Record<string, string>) => (path: string) => files[path] ?? '';
    expect(isStopSignalPending(reads({ '/proc/self/status': status('0000000000000002') }), () => [])).toBe(true);
    expect(isStopSignalPending(reads({ '/proc/self/status': status('0000000000004000') }), () => [])).toBe(true);
    expect(isStopSignalPending(reads({ '/proc/self/status': status('0000000000010000') }), () => [])).toBe(false); // SIGCHLD
    expect(isStopSignalPending(reads({ '/proc/self/status': status('0000000000000000'), '/proc/self/task/7/status': status('0000000000000000', '0000000000000001') }), () => ['6', '7'])).toBe(true);
    expect(isStopSignalPending(() => { throw new Error('no /proc'); }, () => [])).toBe(false);
  });

  it('is false in this process, which has none queued', () => {
    expect(isStopSignalPending()).toBe(false);
  });
});
