import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseStatEntry, readProcessEntries, sumTreeRss } from '../../src/proc/process-tree.ts';

describe('process tree RSS (the fallback where no memory cgroup can be made)', () => {
  it('reads ppid and RSS from a stat line whose name holds spaces and parentheses', () => {
    // A /proc/PID/stat line recorded on this VM, with the name changed to `a) (b`.
    const line = '3129 (a) (b) S 3120 3129 3120 34816 3140 4194560 1284 4096 0 0 2 1 0 0 20 0 1 0 3461 8806400 766 18446744073709551615 1';
    expect(parseStatEntry(line)).toEqual({ pid: 3129, ppid: 3120, rssBytes: 766 * 4096 });
    expect(parseStatEntry('garbage')).toBeUndefined();
  });

  it('sums a root and all its descendants, and nothing else', () => {
    const entries = [
      { pid: 1, ppid: 0, rssBytes: 1000 },
      { pid: 10, ppid: 1, rssBytes: 10 },
      { pid: 11, ppid: 10, rssBytes: 11 },
      { pid: 12, ppid: 10, rssBytes: 12 },
      { pid: 13, ppid: 12, rssBytes: 13 },
      { pid: 20, ppid: 1, rssBytes: 20 },
    ];
    expect(sumTreeRss(entries, 10)).toBe(10 + 11 + 12 + 13);
    expect(sumTreeRss(entries, 99)).toBe(0);
  });

  it('finds this process\'s real child in /proc', async () => {
    const child = spawn('sleep', ['5'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const entries = readProcessEntries();
      expect(entries.find((entry) => entry.pid === child.pid)?.ppid).toBe(process.pid);
      expect(sumTreeRss(entries, process.pid)).toBeGreaterThan(entries.find((entry) => entry.pid === process.pid)?.rssBytes ?? Infinity);
    } finally {
      child.kill();
    }
  });
});
