import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOwnProcess, isRunning, mergeStrayNotes, readChildPids, StrayChildren } from '../../src/proc/child-processes.ts';
import { ownChild } from '../../src/proc/own-children.ts';

/** The processes cells leave running (src/proc/child-processes.ts). Real processes and /proc. */
describe('readChildPids and isRunning', () => {
  it('list a child of this process while it runs, and not once it has been reaped', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    expect(readChildPids()).toContain(child.pid);
    expect(isRunning(child.pid!)).toBe(true);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(readChildPids()).not.toContain(child.pid);
    expect(isRunning(child.pid!)).toBe(false);
  });
});

describe('StrayChildren', () => {
  it('names what a cell left running in its report, and in each later cell while it runs', () => {
    let children: number[] = [];
    const strays = new StrayChildren(() => children);
    expect(strays.beforeCell()).toEqual([]);
    children = [process.pid]; // a process that runs: this one, standing for a child the cell started
    expect(strays.afterCell('spawn')).toEqual([`cell 'spawn' left a process running (pid ${process.pid}): perf counts it in the cells after it while it runs`]);
    expect(strays.beforeCell()).toEqual([`a process that cell 'spawn' started (pid ${process.pid}) ran during this cell: perf counts it here too (a cell's child processes inherit its counters)`]);
    expect(strays.afterCell('next')).toEqual([]);
    children = [];
    expect(strays.beforeCell()).toEqual([]);
  });
});

describe('mergeStrayNotes', () => {
  it("makes compare's runs' notes one line per cell, and keeps the other warnings in order", () => {
    const notes = [
      'first',
      "cell 'a' left a process running (pid 7): perf counts it in the cells after it while it runs",
      "a process that cell 'a' started (pid 7) ran during this cell: perf counts it here too (a cell's child processes inherit its counters)",
      "cell 'a' left a process running (pid 8): perf counts it in the cells after it while it runs",
      "2 processes that cell 'a' started (pid 7, 8) ran during this cell: perf counts them here too (a cell's child processes inherit its counters)",
      'second',
    ];
    expect(mergeStrayNotes(notes)).toEqual([
      'first',
      'second',
      "cell 'a' left 2 processes running in its runs (pid 7, 8): perf counted them in the runs after it while they ran (a cell's child processes inherit its counters)",
    ]);
    expect(mergeStrayNotes(['only'])).toEqual(['only']);
  });
});

describe("StrayChildren and perfcell's own processes", () => {
  it("leaves out a launcher of perfcell's that a cell's window spawned (a QA pass: 'cell 'b' left a process running' named it)", async () => {
    const strays = new StrayChildren();
    strays.beforeCell();
    // a real process marked as perfcell's own, as the launchers, perf and the live relay are, beside one of the cell's
    const launcher = ownChild(spawn('sleep', ['30'], { stdio: 'ignore' }));
    const own = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await Promise.all([launcher, own].map((child) => new Promise((resolve) => child.once('spawn', resolve))));
      expect(isOwnProcess(launcher.pid!)).toBe(true);
      expect(isOwnProcess(own.pid!)).toBe(false);
      expect(strays.afterCell('b')).toEqual([`cell 'b' left a process running (pid ${own.pid}): perf counts it in the cells after it while it runs`]);
    } finally {
      for (const child of [launcher, own]) child.kill('SIGKILL');
      await Promise.all([launcher, own].map((child) => new Promise((resolve) => child.once('exit', resolve))));
    }
    expect(isOwnProcess(launcher.pid!)).toBe(false);
  }, 10_000);

  it("names a cell's own program called perf (a QA pass: the filter was by name, so a `perf record` a cell left running was never named)", async () => {
    // a real process whose name is perf's (comm is the name it was run by)
    const folder = mkdtempSync(join(tmpdir(), 'perfcell-own-'));
    symlinkSync(execFileSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim(), join(folder, 'perf'));
    const strays = new StrayChildren();
    strays.beforeCell();
    const perf = spawn(join(folder, 'perf'), ['30'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => perf.once('spawn', resolve));
      expect(strays.afterCell('b')).toEqual([`cell 'b' left a process running (pid ${perf.pid}): perf counts it in the cells after it while it runs`]);
    } finally {
      perf.kill('SIGKILL');
      await new Promise((resolve) => perf.once('exit', resolve));
      rmSync(folder, { recursive: true, force: true });
    }
  }, 10_000);
});
