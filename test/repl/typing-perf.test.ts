import { afterEach, describe, expect, it } from 'vitest';
import { TYPING_IDLE_MS } from '../../src/repl/typing-perf.ts';
import { cliPath } from '../support/fixtures.ts';
import { allocateFreshPages, touchFreshPages, touchPages } from '../support/fresh-pages.ts';
import { startInShell } from '../support/job-shell.ts';
import { stateOf, untilFound, untilState } from '../support/process-state.ts';
import { allGone, endRepl, perfChildrenOf, startPtyRepl, type PtyRepl } from '../support/pty-repl.ts';
import { runsWithPerf } from '../support/perf.ts';

/**
 * The REPL counts its commands with one perf that ticks (src/repl/typing-perf.ts): started at the
 * first prompt, paused (SIGSTOP) while nobody types, let go on (SIGCONT) at a keystroke or a window's
 * enable, paused again once a command's report is out; ended where a command leaves a child process
 * running (it would count it). Real perf, a real REPL in a pty.
 */
let repl: PtyRepl | null = null;
afterEach(async () => {
  await endRepl(repl);
  repl = null;
});
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const totalOf = (printed: string, event: string): number | null => {
  const match = new RegExp(`${event} ([\\d,.]+)`).exec(printed);
  return match ? Number(match[1]?.replaceAll(',', '')) : null;
};

describe.runIf(runsWithPerf("the REPL's perf while someone types"))('perf while someone types (real perf, through a pty)', () => {
  it('serves command after command with one perf, paused between them, and counts each line exactly', { timeout: 60_000 }, async () => {
    repl = await startPtyRepl(['repl', '-e', 'page-faults']);
    const [typing] = await repl.waitForPerfChildren(1);
    // ready and idle: paused
    expect(await untilState(typing!, 'T')).toBe('T');
    for (let line = 0; line < 3; line++) {
      // a line and its Enter in one write, as a paste: the enable lets perf go on
      const printed = await repl.send(touchFreshPages(`pages${line}`, 5000));
      const faults = totalOf(printed, 'page-faults');
      expect(faults, printed).not.toBeNull();
      expect(Math.abs((faults ?? 0) - 5000) / 5000, printed).toBeLessThan(0.04);
      expect(await untilState(typing!, 'T')).toBe('T');
    }
    expect(repl.perfChildren()).toEqual([typing]);
  });

  it('lets perf tick at a keystroke, pauses it again once nobody types, and counts the line typed meanwhile', { timeout: 60_000 }, async () => {
    repl = await startPtyRepl(['repl', '-e', 'page-faults']);
    const [typing] = await repl.waitForPerfChildren(1);
    expect(await untilState(typing!, 'T')).toBe('T');
    repl.write(allocateFreshPages('pages', 5000));
    expect(await untilState(typing!, 'SR')).not.toBe('T');
    // TYPING_IDLE_MS after the last keystroke with no command: paused
    await sleep(TYPING_IDLE_MS + 300);
    expect(await untilState(typing!, 'T')).toBe('T');
    const printed = await repl.send(`; ${touchPages('pages', 5000)}`);
    const faults = totalOf(printed, 'page-faults');
    expect(faults, printed).not.toBeNull();
    expect(Math.abs((faults ?? 0) - 5000) / 5000, printed).toBeLessThan(0.04);
    expect(repl.perfChildren()).toEqual([typing]);
  });

  it('counts a line that awaits while perf ticks, none of the idle time before it', { timeout: 60_000 }, async () => {
    repl = await startPtyRepl(['repl', '-e', 'task-clock']);
    const [typing] = await repl.waitForPerfChildren(1);
    await sleep(500);
    const printed = await repl.send('await new Promise((resolve) => setTimeout(resolve, 300))');
    // the REPL sleeps through the await: a few ms of task-clock at most
    const taskClockMs = totalOf(printed, 'task-clock');
    expect(taskClockMs, printed).not.toBeNull();
    expect(taskClockMs, printed).toBeLessThan(30);
    expect(printed).toMatch(/in 0\.3\ds/);
    expect(await untilState(typing!, 'T')).toBe('T');
  });

  it('is paused when Ctrl-Z stops the REPL, stays paused through the stop and after fg, and counts the next line exactly', { timeout: 60_000 }, async () => {
    // perf, in a process group of its own, gets no SIGTSTP from the terminal: a perf let go on by a
    // keystroke ticked on through the stop, its file growing some 60 KB/s (2026-12-06)
    const shell = await startInShell(`'${process.execPath}' '${cliPath}' repl -e page-faults`, { PERFCELL_REPL_HISTORY: '' });
    let perfPids: number[] = [];
    try {
      await shell.until(/In \[1\]: $/, 'first REPL prompt', 20_000);
      const replPid = shell.commandPid;
      // the perf processes counting the REPL, once there are some (5 s at most)
      const [typing] = await untilFound(() => perfChildrenOf(replPid), 5000);
      perfPids = [typing!];
      expect(await untilState(typing!, 'T')).toBe('T');
      shell.write('x');
      expect(await untilState(typing!, 'SR')).not.toBe('T');
      shell.write('\x1a');
      expect(await untilState(replPid, 'T')).toBe('T');
      // stopped before the REPL was: SIGSTOP takes a perf that waits for a CPU (state R) once it runs
      expect(await untilState(typing!, 'T')).toBe('T');
      await sleep(300);
      expect(stateOf(typing!)).toBe('T');
      shell.write('fg\r');
      expect(await untilState(replPid, 'SR')).not.toBe('T');
      // continued, the REPL has had no keystroke: perf stays paused
      await sleep(300);
      expect(stateOf(typing!)).toBe('T');
      const from = shell.text().length;
      // the x typed before the stop is still on the line: rubbed out, then a line of 5,000 fresh pages
      shell.write(`\x7f${touchFreshPages('pages', 5000)}\r`);
      await shell.until(/In \[2\]: $/, 'second REPL prompt');
      const report = shell.text().slice(from);
      const faults = totalOf(report, 'page-faults');
      expect(faults, report).not.toBeNull();
      expect(Math.abs((faults ?? 0) - 5000) / 5000, report).toBeLessThan(0.04);
      expect(perfChildrenOf(replPid)).toEqual([typing]);
      expect(await untilState(typing!, 'T')).toBe('T');
    } finally {
      shell.kill();
      expect(await allGone(perfPids, 3000), `perf ${perfPids.join(', ')} outlived the REPL`).toBe(true);
    }
  });

  it('does not count a child process a command left running in the commands after it', { timeout: 60_000 }, async () => {
    repl = await startPtyRepl(['repl', '-e', 'task-clock']);
    await repl.send('1+1');
    await repl.send("var { spawn } = await import('node:child_process'); var hog = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' })");
    try {
      const printed = await repl.send('await new Promise((resolve) => setTimeout(resolve, 300))');
      // counted, the busy child would add some 300 ms of task-clock
      const taskClockMs = totalOf(printed, 'task-clock');
      expect(taskClockMs, printed).not.toBeNull();
      expect(taskClockMs, printed).toBeLessThan(30);
    } finally {
      await repl.send('hog.kill()');
    }
  });
});
