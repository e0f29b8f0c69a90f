import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readChildPids } from '../../src/proc/child-processes.ts';
import { cliPath } from '../support/fixtures.ts';
import { cpuSpinSource, startInShell, type JobShell } from '../support/job-shell.ts';
import { commOf, stateOf, untilFound, untilState } from '../support/process-state.ts';
import { perfsCounting, runsWithPerf } from '../support/perf.ts';
import { temporaryFolders } from '../support/temp-folders.ts';

const temporaryDir = temporaryFolders('all');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Every process below `pid`. */
const descendants = (pid: number): number[] => readChildPids(pid).flatMap((child) => [child, ...descendants(child)]);
/** A program named `sleep` runs below `pid` (compare's or run's, whose gate forks it). */
const sleepsBelow = (pid: number): number[] => descendants(pid).filter((child) => commOf(child) === 'sleep');
/**
 * Ctrl-Z, then `fg` after `stopMs`: perfcell is stopped, and each of `perfs` with it (by perfcell's
 * SIGTSTP listener before it stops itself, or by their launcher, which looks every 200 ms; a perf that
 * waits for a CPU, state R, stops once it runs), and all of them go on after `fg` (the launcher looks
 * every 20 ms while perfcell is stopped).
 */
async function stopThenContinue(shell: JobShell, perfs: readonly number[], stopMs: number): Promise<void> {
  shell.write('\x1a');
  await shell.until(/Stopped/, "the shell's Stopped line");
  expect(await untilState(shell.commandPid, 'T')).toBe('T');
  for (const perf of perfs) expect(await untilState(perf, 'T')).toBe('T');
  await sleep(stopMs);
  for (const perf of perfs) expect(stateOf(perf)).toBe('T');
  shell.write('fg\r');
  expect(await untilState(shell.commandPid, 'SR')).not.toBe('T');
  for (const perf of perfs) expect(await untilState(perf, 'SR')).not.toBe('T');
}

/**
 * The perfs that count perfcell's own process run in sessions of their own (Ctrl-C in the terminal is
 * the command's), so the terminal's Ctrl-Z stopped perfcell and not them: a cells file's perf ticked on
 * every 2 ms through the stop, its file growing some 55 KB/s (2026-12-06). Their launcher
 * (native/perfcell-exec.c, follow_stop) now stops them while perfcell is stopped and continues them
 * after; run's, which counts its program, and compare's, which count its program server's forker,
 * are stopped by perfcell's own SIGTSTP listener (src/perf/follow-stop.ts) before it stops itself.
 * Real perf, a real cells file, a real run and a real compare, started by an interactive bash in a
 * pty for job control.
 */
describe.runIf(runsWithPerf("the perfs' following of a job-control stop"))('perf through Ctrl-Z and fg (real perf, real shell)', () => {
  it("a cells file's perf is stopped with perfcell and goes on after fg; the cell's counts and report come", { timeout: 60_000 }, async () => {
    const file = join(temporaryDir('perfcell-follow-stop-'), 'long.js');
    writeFileSync(file, `// %% long cell\n{ ${cpuSpinSource(3)} }\n`);
    const shell = await startInShell(`'${process.execPath}' '${cliPath}' cells --no-live -e page-faults '${file}'`);
    try {
      const perfs = await untilFound(() => perfsCounting(new Set([shell.commandPid])));
      expect(perfs).toHaveLength(1);
      const perf = perfs[0]!;
      // the cell runs, its perf ticks
      await sleep(800);
      expect(await untilState(perf, 'SR')).not.toBe('T');
      await stopThenContinue(shell, [perf], 500);
      // the report's lines may come in more than one read of the terminal: the counts line is waited for
      await shell.until(/long cell\s+used[\s\S]*page-faults\s+[\d,.]+\/s\s+total [\d,]+/, "the cell's report and its counts", 20_000);
      // its time holds the stop, and the report says so
      await shell.until(/warning: a job-control stop \(Ctrl-Z\) fell into this command/, "the report's note of the stop");
    } finally {
      shell.kill();
    }
  });

  it("run's perf is stopped with perfcell and its program and goes on after fg; the report comes", { timeout: 60_000 }, async () => {
    const program = join(temporaryDir('perfcell-follow-stop-'), 'spin.js');
    writeFileSync(program, `${cpuSpinSource(3)}\n`);
    const shell = await startInShell(`'${process.execPath}' '${cliPath}' run --no-live -e page-faults -- '${process.execPath}' '${program}'`);
    try {
      // its perf counts the program: the child of perfcell's exec gate, which forked that perf as well
      const perfs = await untilFound(() => perfsCounting(new Set(readChildPids(shell.commandPid).flatMap((gate) => readChildPids(gate)))));
      expect(perfs).toHaveLength(1);
      const perf = perfs[0]!;
      await sleep(500);
      expect(await untilState(perf, 'SR')).not.toBe('T');
      await stopThenContinue(shell, [perf], 500);
      await shell.until(/peaked [\d.]+ MiB RAM .* exit code 0[\s\S]*page-faults\s+[\d,.]+\/s/, 'the report and its counts', 20_000);
      expect(shell.text()).toMatch(/warning: a job-control stop \(Ctrl-Z\) fell into this command/);
    } finally {
      shell.kill();
    }
  });

  it('run -r leaves out the run a stop fell into and runs it again', { timeout: 60_000 }, async () => {
    const document = join(temporaryDir('perfcell-follow-stop-'), 'runs.json');
    const shell = await startInShell(`'${process.execPath}' '${cliPath}' run --no-live -r 3 --json -o '${document}' -- sleep 0.5`);
    try {
      // the first run's program under way
      expect(await untilFound(() => sleepsBelow(shell.commandPid))).not.toEqual([]);
      await sleep(150);
      // a stop of 1 s, which a run that held it would show (its perf is not looked at here)
      await stopThenContinue(shell, [], 1000);
      await shell.until(/held a job-control stop \(Ctrl-Z\): left out of the statistics, and run again[\s\S]*shell\$ $/, 'the note of the run again and the end of run', 20_000);
      const saved = JSON.parse(readFileSync(document, 'utf8')) as { runs: { durationS: number }[]; runsRerun: number };
      expect(saved.runsRerun).toBe(1);
      expect(saved.runs).toHaveLength(3);
      for (const run of saved.runs) expect(run.durationS).toBeLessThan(0.9);
    } finally {
      shell.kill();
    }
  });

  it("compare's perfs are stopped with perfcell and go on after fg; the round the stop fell into runs again", { timeout: 60_000 }, async () => {
    // its perfs count the program server's forker: perfcell's own children (perfcell-exec --die-with, exec'd into perf)
    const document = join(temporaryDir('perfcell-follow-stop-'), 'compare.json');
    // no warm-up: the stop falls into a measured round (or between two, which counts it in the next)
    const shell = await startInShell(`'${process.execPath}' '${cliPath}' compare --no-live --warmup 0 --runs 3 --export-json '${document}' -- 'sleep 0.4' 'sleep 0.3'`);
    try {
      // those that count (perf stat … --pid FORKER): a perf child that was gone by the next look failed
      // this test's state reads once (ENOENT, a fresh-clone suite run, 2026-12-06), such as the probe of
      // the default events (perf stat -e … -- true) that compare runs where none is cached
      const perfs = await untilFound(() => perfsCounting(new Set(descendants(shell.commandPid))));
      expect(perfs.length).toBeGreaterThan(0);
      // a measured run under way (there is no warm-up)
      expect(await untilFound(() => sleepsBelow(shell.commandPid))).not.toEqual([]);
      await sleep(100);
      expect(perfs.map(stateOf)).not.toContain('T');
      // a stop of over 1.5 s, which a run that held it would show
      await stopThenContinue(shell, perfs, 1500);
      // the document is written after the comparison is printed: once compare has ended (the prompt is back)
      await shell.until(/faster[\s\S]*shell\$ $/, 'the comparison and the end of compare', 20_000);
      await shell.until(/held a job-control stop \(Ctrl-Z\): its runs were left out, and the round ran again/, 'the note of the round run again');
      const saved = JSON.parse(readFileSync(document, 'utf8')) as { alternatives: { runs: { durationS: number }[] }[]; settings: { rounds: number; roundsRerun: number }; warnings: string[] };
      expect(saved.settings).toMatchObject({ rounds: 3, roundsRerun: 1 });
      // the stopped round's runs are not among them: every run took its sleep, not the stop
      for (const alternative of saved.alternatives) {
        expect(alternative.runs).toHaveLength(3);
        for (const run of alternative.runs) expect(run.durationS).toBeLessThan(1.2);
      }
      expect(saved.warnings.join('\n')).toMatch(/a measured round held a job-control stop/);
    } finally {
      shell.kill();
    }
  });
});
