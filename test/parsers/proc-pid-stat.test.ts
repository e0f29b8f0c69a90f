import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseChildrenCpuTicks, parsePidStat, parseProcessGroups, parseStatusTgid, parseStatusUid } from '../../parsers/proc-pid-stat.ts';

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

describe('parseChildrenCpuTicks', () => {
  it('reads cutime and cstime (fields 16, 17) after a name with spaces and parens', () => {
    const line = '42 (a) b (c)) S 1 42 42 0 -1 4194304 100 0 0 0 7 3 120 8 20 0 1 0 170091 3133440 380 18446744073709551615';
    expect(parseChildrenCpuTicks(line)).toEqual({ userTicks: 120, systemTicks: 8 });
  });

  it('reads a real line of this process, and gives undefined for a short or foreign one', () => {
    expect(parseChildrenCpuTicks(readFileSync('/proc/self/stat', 'utf8'))?.userTicks).toBeGreaterThanOrEqual(0);
    expect(parseChildrenCpuTicks('42 (x) S 1 2 3 4 5 6 7 8 9 10 11 12')).toBeUndefined();
    expect(parseChildrenCpuTicks('not a stat line')).toBeUndefined();
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

describe('parseStatusTgid', () => {
  it("reads this process's own pid as its thread group, and a thread's process from the thread's /proc/TID", () => {
    expect(parseStatusTgid(readFileSync('/proc/self/status', 'utf8'))).toBe(process.pid);
    const thread = readdirSync(`/proc/${process.pid}/task`).map(Number).find((tid) => tid !== process.pid);
    expect(thread, 'node runs more threads than its main one').toBeDefined();
    expect(parseStatusTgid(readFileSync(`/proc/${thread}/status`, 'utf8'))).toBe(process.pid);
  });

  it('is null without a Tgid line', () => {
    expect(parseStatusTgid('Name:\tx\nPid:\t7\n')).toBeNull();
  });
});

describe('parseProcessGroups', () => {
  it("reads pgrp and tpgid after the name, which may hold spaces and ')'", () => {
    expect(parseProcessGroups('42 (a) b c) S 1 42 42 34816 42 4194560')).toEqual({ processGroup: 42, terminalGroup: 42 });
    expect(parseProcessGroups('7 (sleep) S 6 6 5 0 -1 4194304')).toEqual({ processGroup: 6, terminalGroup: -1 });
  });

  it('is undefined for text that is not a stat line, or one cut before tpgid', () => {
    expect(parseProcessGroups('no name here')).toBeUndefined();
    expect(parseProcessGroups('7 (sleep) S 6 6 5')).toBeUndefined();
  });
});
