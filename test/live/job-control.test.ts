import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pty from 'node-pty';
import { describe, expect, it } from 'vitest';
import { readChildPids } from '../../src/proc/child-processes.ts';
import { findLiveRelay } from '../../src/live/relay.ts';
import { cliPath } from '../support/fixtures.ts';
import { cpuSpinSource, startInShell } from '../support/job-shell.ts';
import { commOf, stateOf, untilState } from '../support/process-state.ts';
import { temporaryFolders } from '../support/temp-folders.ts';

const relayBuilt = findLiveRelay() !== null;
if (!relayBuilt) console.warn('no perfcell-live relay (no C compiler): the live view job-control test is skipped');

const temporaryDir = temporaryFolders('all');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * The live view's relay (native/perfcell-live.c) draws the line of a long command on the terminal.
 * Spawned detached, it was in a process group of its own, which the terminal's Ctrl-Z did not stop:
 * it drew its line on, four times a second, over the shell's prompt, until the command was
 * continued (2026-12-06). It is in the command's group now. Without perf (`--no-perf`: the relay draws
 * the time and memory all the same), so that this runs where perf cannot count; through an
 * interactive bash in a pty, for job control.
 */
describe.runIf(relayBuilt)('the live view under job control (real relay, real shell)', () => {
  it('Ctrl-Z stops the relay with the command, so nothing is drawn over the prompt; fg continues both', { timeout: 60_000 }, async () => {
    const file = join(temporaryDir('perfcell-job-'), 'long.js');
    // 3 s of CPU: the cell runs on after fg, however late the stop came
    writeFileSync(file, `// %% long cell\n{ ${cpuSpinSource(3)} }\n`);
    const shell = await startInShell(`'${process.execPath}' '${cliPath}' cells --no-perf '${file}'`);
    try {
      await shell.until(/live \d+\.\ds/, 'live line');
      const relay = readChildPids(shell.commandPid).find((pid) => commOf(pid) === 'perfcell-live');
      expect(relay, 'a perfcell-live child of perfcell').toBeDefined();
      shell.write('\x1a');
      await shell.until(/Stopped/, "the shell's Stopped line");
      expect(stateOf(shell.commandPid)).toBe('T');
      // the shell says Stopped once perfcell, its child, has stopped; the relay, perfcell's child, stops on its own
      expect(await untilState(relay!, 'T')).toBe('T');
      // the relay redraws every 250 ms: a second of the stop would hold four lines
      const stoppedAt = shell.text().length;
      await sleep(1000);
      expect(shell.text().slice(stoppedAt)).not.toMatch(/live \d/);
      shell.write('fg\r');
      await shell.until(/long cell\s+used/, "the cell's report", 20_000);
      expect(shell.text().slice(stoppedAt)).toMatch(/live \d+\.\ds/);
    } finally {
      shell.kill();
    }
  });

  it("timeout's SIGTERM to the whole group does not kill the relay: it draws on and erases its line and scrolling region at the end", { timeout: 60_000 }, async () => {
    // timeout signals its process group, the relay's now too; killed by it, the relay had left the
    // terminal's scrolling region set (its last row taken): it ignores the group's signals, and ends
    // when perfcell closes its input
    const file = join(temporaryDir('perfcell-job-'), 'long.js');
    writeFileSync(file, '// %% long cell\n{ const end = Date.now() + 3000; let n = 0; while (Date.now() < end) n++; }\n');
    const printed = await new Promise<string>((resolve) => {
      const child = pty.spawn('timeout', ['-s', 'TERM', '1.5', process.execPath, cliPath, 'cells', '--no-perf', file], { cols: 120, rows: 20, env: { ...process.env, NO_COLOR: '1' } as Record<string, string> });
      let text = '';
      child.onData((data) => (text += data));
      child.onExit(() => resolve(text));
    });
    // the cell's synchronous code runs on to its end (3 s), its line drawn after the SIGTERM at 1.5 s
    const draws = [...printed.matchAll(/live (\d+\.\d)s/g)].map((match) => Number(match[1]));
    expect(draws.at(-1), printed).toBeGreaterThanOrEqual(2);
    // erased last: the scrolling region reset after the last draw, before the cell's report
    const lastDraw = printed.lastIndexOf('live ');
    const reset = printed.indexOf('\x1b[r', lastDraw);
    expect(reset, JSON.stringify(printed.slice(lastDraw))).toBeGreaterThan(lastDraw);
    expect(printed.indexOf('long cell', lastDraw)).toBeGreaterThan(reset);
  });
});
