import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePidStat, parseStatusUid } from '../../parsers/proc-pid-stat.ts';

describe('parsePidStat', () => {
  it('reads a real line of this process', () => {
    const stat = parsePidStat(readFileSync('/proc/self/stat', 'utf8'));
    expect(stat?.comm).toBe(readFileSync('/proc/self/comm', 'utf8').trim());
    expect(stat?.state).toMatch(/^[RS]$/);
    expect(stat?.utimeTicks).toBeGreaterThanOrEqual(0);
  });

  it('finds the name between the first ( and the last ), spaces and parens included', () => {
    const line = '42 (a) b (c)) S 1 42 42 0 -1 4194304 100 0 0 0 7 3 0 0 20 0 1 0 170091 3133440 380 18446744073709551615';
    expect(parsePidStat(line)).toEqual({ comm: 'a) b (c)', state: 'S', utimeTicks: 7, stimeTicks: 3 });
  });

  it('gives undefined for text that is not a stat line', () => {
    expect(parsePidStat('')).toBeUndefined();
    expect(parsePidStat('42 (x) S 1 2')).toBeUndefined();
  });
});

describe('parseStatusUid', () => {
  it('reads the real uid of this process', () => {
    expect(parseStatusUid(readFileSync('/proc/self/status', 'utf8'))).toBe(process.getuid?.());
  });

  it('is null without a Uid line', () => {
    expect(parseStatusUid('Name:\tx\n')).toBeNull();
  });
});
