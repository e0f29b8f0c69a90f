import { afterEach, describe, expect, it } from 'vitest';
import { TYPING_IDLE_MS } from '../../src/repl/typing-perf.ts';
import { allGone, endRepl, startPtyRepl, type PtyRepl } from '../support/pty-repl.ts';
import { runsWithPerf } from '../support/perf.ts';

/**
 * The REPL counts its commands with one perf that ticks while someone types (src/repl/typing-perf.ts):
 * started at a prompt or a keystroke; once the REPL idles, a perf for one command in its place (as
 * before); ended where a command leaves a child process running (it would count it). Real perf, a
 * real REPL in a pty.
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
  it('serves command after command with one perf; idle, it gives way to a perf for one command, which a pasted line takes', { timeout: 60_000 }, async () => {
    repl = await startPtyRepl(['repl', '-e', 'page-faults']);
    await repl.send('1+1');
    const [typing] = await repl.waitForPerfChildren(1);
    for (let line = 0; line < 3; line++) await repl.send(`${line} * 2`);
    expect(repl.perfChildren()).toEqual([typing]);
    await sleep(TYPING_IDLE_MS + 300);
    expect(await allGone([typing!], 3000)).toBe(true);
    const [waiting] = await repl.waitForPerfChildren(1);
    // a line and its Enter in one write, as a paste: the perf waiting for it counts it
    const printed = await repl.send('var pages = new Float64Array(5000 * 512).fill(1); void 0');
    const faults = totalOf(printed, 'page-faults');
    expect(faults, printed).not.toBeNull();
    expect(Math.abs((faults ?? 0) - 5000) / 5000, printed).toBeLessThan(0.04);
    expect(await allGone([waiting!], 3000)).toBe(true);
  });

  it('starts the ticking perf at a keystroke after a pause, and counts the line with it', { timeout: 60_000 }, async () => {
    repl = await startPtyRepl(['repl', '-e', 'page-faults']);
    await repl.send('1+1');
    await sleep(TYPING_IDLE_MS + 300);
    const [waiting] = await repl.waitForPerfChildren(1);
    repl.write('var pages = new Float64Array(5000 * 512)');
    expect(await allGone([waiting!], 3000)).toBe(true);
    const [typing] = await repl.waitForPerfChildren(1);
    const printed = await repl.send('.fill(1); void 0');
    const faults = totalOf(printed, 'page-faults');
    expect(faults, printed).not.toBeNull();
    expect(Math.abs((faults ?? 0) - 5000) / 5000, printed).toBeLessThan(0.04);
    await repl.send('2 * 2');
    expect(repl.perfChildren()).toEqual([typing]);
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
