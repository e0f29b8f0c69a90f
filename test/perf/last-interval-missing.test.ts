import { describe, expect, it } from 'vitest';
import { lastIntervalMissing } from '../../src/perf/controller.ts';

describe('lastIntervalMissing: whether perf ended without the interval that holds the window\'s end', () => {
  it('after a SIGINT, an interval stamped at or after it is the last one: nothing missing', () => {
    expect(lastIntervalMissing({ lastTimeS: 0.2512, sigintS: 0.2511, endS: 0.2511 })).toBeNull();
    expect(lastIntervalMissing({ lastTimeS: 0.2511, sigintS: 0.2511, endS: 0.2511 })).toBeNull();
  });

  it('after a SIGINT, a last interval stamped before it is a tick: the rest is missing, and the message says how much', () => {
    const problem = lastIntervalMissing({ lastTimeS: 0.2, sigintS: 0.2421, endS: 0.2421 });
    expect(problem?.code).toBe('PERF_LAST_INTERVAL_MISSING');
    expect(problem?.message).toBe("perf ended without its last interval (still printing the one before when the command ended, on a busy machine): the counts miss up to the command's last 42 ms; run it again for whole counts");
    expect(lastIntervalMissing({ lastTimeS: 0.2, sigintS: 0.2031, endS: 0.2031 })?.message).toContain("the command's last 3.1 ms;");
  });

  it('after a SIGINT, a last interval stamped before it but at the window\'s end (a tick after a disable, or after the program\'s end) holds it all', () => {
    expect(lastIntervalMissing({ lastTimeS: 0.25, sigintS: 0.26, endS: 0.249 })).toBeNull();
    expect(lastIntervalMissing({ lastTimeS: 0.2485, sigintS: 0.26, endS: 0.25 })).toBeNull();
    expect(lastIntervalMissing({ lastTimeS: 0.24, sigintS: 0.26, endS: 0.25 })?.message).toContain("the command's last 10 ms;");
  });

  it("a reaped program's end, seen late by its gate: a last interval before it may hold it all, and the message says may", () => {
    expect(lastIntervalMissing({ lastTimeS: 0.2, sigintS: 0.23, endS: 0.2088, endSeenLate: true })?.message).toContain("the counts may miss up to the command's last 8.8 ms;");
    expect(lastIntervalMissing({ lastTimeS: 0.2, sigintS: 0.23, endS: 0.2088 })?.message).toContain("the counts miss up to the command's last 8.8 ms;");
  });

  it('no interval at all: the whole command is missing', () => {
    expect(lastIntervalMissing({ lastTimeS: null, sigintS: 0.01, endS: 0.01 })?.message).toContain('the counts miss all of the command;');
  });

  it('perf ended by itself (no SIGINT): an interval within 2 ms of the window\'s end holds it all, an earlier one does not', () => {
    expect(lastIntervalMissing({ lastTimeS: 0.499, sigintS: null, endS: 0.5 })).toBeNull();
    expect(lastIntervalMissing({ lastTimeS: 0.6, sigintS: null, endS: 0.5 })).toBeNull();
    expect(lastIntervalMissing({ lastTimeS: 0.4, sigintS: null, endS: 0.5 })?.message).toContain("the command's last 100 ms;");
  });

  it('a window with no known end says nothing', () => {
    expect(lastIntervalMissing({ lastTimeS: null, sigintS: null, endS: null })).toBeNull();
  });
});
