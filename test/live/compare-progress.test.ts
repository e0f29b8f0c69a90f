import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { renderProgressBar } from '../../src/render/progress-bar.ts';
import { createRateTracker, formatRunLive, readTreeRssBytes, startProgressTicker } from '../../src/live/progress-ticker.ts';
import { OWN_PROCESS_NAMES } from '../../src/proc/own-process-names.ts';
import { fixture } from '../support/fixtures.ts';
import { runsWithPerf } from '../support/perf.ts';
import { cliPath } from '../support/fixtures.ts';
import { printedOnPty } from '../support/terminal.ts';

describe('compare\'s progress line with the live part (pure)', () => {
  it('puts the running run\'s figures after the bar, and drops them before the bar when narrow', () => {
    const progress = { phase: 'measure' as const, round: 3, rounds: 10, slot: 'col' };
    const live = formatRunLive(2.34, 41.2 * 1024 * 1024);
    expect(live).toBe('run 2.3s  RSS 41.2 MiB');
    expect(renderProgressBar(progress, undefined, 80, live)).toBe('[████░░░░░░░░░░░░░░░░] 3/10  col  run 2.3s  RSS 41.2 MiB');
    expect(renderProgressBar(progress, undefined, 46, live)).toBe('[██░░░░░░░░] 3/10  col  run 2.3s  RSS 41.2 MiB');
    expect(renderProgressBar(progress, undefined, 41, live)).toBe('[██░░░░░░░░] 3/10  run 2.3s  RSS 41.2 MiB');
    expect(renderProgressBar(progress, undefined, 20, live)).toBe(renderProgressBar(progress, undefined, 20));
    expect(renderProgressBar({ ...progress, phase: 'warmup', round: 1, rounds: 1 }, undefined, 80, live)).toBe('warm-up 1/1  col  run 2.3s  RSS 41.2 MiB');
    expect(formatRunLive(1.05, null)).toBe('run 1.1s');
  });

  it('gives each counter its rate over perf\'s intervals since the last draw, from its second record (the first\'s span is not known)', () => {
    const rates = createRateTracker();
    rates.add({ time: 0.1, event: 'page-faults', value: 1_234, status: 'counted' });
    rates.add({ time: 0.1, event: 'context-switches', value: 21, status: 'counted' });
    expect(rates.text()).toBe('');
    rates.add({ time: 0.35, event: 'page-faults', value: 500_000, status: 'counted' });
    rates.add({ time: 0.2, event: 'context-switches', value: 21, status: 'counted' });
    expect(rates.text()).toBe('page-faults 2.0M/s  context-switches 210/s');
    rates.add({ time: null, event: 'page-faults', value: 9, status: 'counted' });
    expect(rates.text()).toBe('page-faults 2.0M/s  context-switches 210/s');
    rates.reset();
    expect(rates.text()).toBe('');
  });

  it('draws each rate over every interval since the last draw, so a burst between two draws shows (a CI run: 200 MiB touched in one interval of three read 0/s at every draw)', () => {
    const rates = createRateTracker();
    rates.add({ time: 1.0, event: 'page-faults', value: 3, status: 'counted' });
    rates.add({ time: 1.1, event: 'page-faults', value: 0, status: 'counted' });
    expect(rates.text()).toBe('page-faults 0/s');
    // three intervals before the next draw: the burst is the middle one
    rates.add({ time: 1.2, event: 'page-faults', value: 0, status: 'counted' });
    rates.add({ time: 1.3, event: 'page-faults', value: 51_200, status: 'counted' });
    rates.add({ time: 1.4, event: 'page-faults', value: 0, status: 'counted' });
    expect(rates.text()).toBe('page-faults 171k/s');
    // no interval since (perf at -I 1000 prints less often than the line is drawn): the last rate stays
    expect(rates.text()).toBe('page-faults 171k/s');
    rates.add({ time: 1.5, event: 'page-faults', value: null, status: 'not counted' });
    expect(rates.text()).toBe('page-faults 0/s');
  });

  it('reads an interval the program did not run in (<not counted>) as 0/s, not the last rate kept (a QA pass: sleep 1.6 showed page-faults 720/s to its end)', () => {
    const rates = createRateTracker();
    rates.add({ time: 0.1, event: 'page-faults', value: 0, status: 'counted' });
    rates.add({ time: 0.2, event: 'page-faults', value: 72, status: 'counted' });
    expect(rates.text()).toBe('page-faults 720/s');
    rates.add({ time: 0.3, event: 'page-faults', value: null, status: 'not counted' });
    expect(rates.text()).toBe('page-faults 0/s');
    // an event perf cannot count here has no rate at all
    rates.add({ time: 0.1, event: 'cycles', value: null, status: 'not supported' });
    rates.add({ time: 0.2, event: 'cycles', value: null, status: 'not supported' });
    expect(rates.text()).toBe('page-faults 0/s');
  });

  it('draws from 1 s into a run, each redraw with the latest rates and the tree\'s RSS (clock and /proc passed in)', () => {
    vi.useFakeTimers();
    try {
      let nowS = 100;
      const drawn: string[] = [];
      const ticker = startProgressTicker((live) => drawn.push(live), { nowS: () => nowS, treeRssBytes: () => 1664 * 1024 });
      ticker.runStarted();
      // a served run: one record per event at each peek, summing perf's 4 ms ticks since the last
      ticker.record({ time: 100.07, event: 'page-faults', value: 75, status: 'counted' });
      ticker.record({ time: 100.17, event: 'page-faults', value: 0, status: 'counted' });
      nowS = 100.75;
      vi.advanceTimersByTime(750);
      expect(drawn).toEqual([]);
      nowS = 101.0;
      vi.advanceTimersByTime(250);
      expect(drawn).toEqual(['run 1.0s  RSS 1.6 MiB  page-faults 0/s']);
      ticker.stop();
      vi.advanceTimersByTime(1000);
      expect(drawn).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('sums the RSS of the program tree and leaves perf and perfcell\'s helpers out', () => {
    const files: Record<string, string> = {
      '/proc/1/task/1/children': '2 3 ',
      '/proc/2/status': 'Name:\tperfcell-exec\nVmRSS:\t   1000 kB\n',
      '/proc/2/task/2/children': '4',
      '/proc/4/status': 'Name:\tnode\nVmRSS:\t  40000 kB\n',
      '/proc/4/task/4/children': '',
      '/proc/3/status': 'Name:\tperf\nVmRSS:\t   9000 kB\n',
      '/proc/3/task/3/children': '',
    };
    const read = (path: string): string => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT ${path}`);
      return text;
    };
    expect(readTreeRssBytes(1, read)).toBe(40000 * 1024);
    expect(readTreeRssBytes(99, read)).toBeNull();
  });

  it('leaves perfcell-serve out, the parent of compare\'s programs (a QA pass: a sleep of 1.6 MiB read as 3.1)', () => {
    const files: Record<string, string> = {
      '/proc/1/task/1/children': '2',
      '/proc/2/status': 'Name:\tperfcell-serve\nVmRSS:\t    812 kB\n',
      '/proc/2/task/2/children': '3 4',
      '/proc/3/status': 'Name:\tperfcell-serve\nVmRSS:\t    648 kB\n',
      '/proc/3/task/3/children': '',
      '/proc/4/status': 'Name:\tsleep\nVmRSS:\t   1664 kB\n',
      '/proc/4/task/4/children': '',
    };
    const read = (path: string): string => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT ${path}`);
      return text;
    };
    expect(readTreeRssBytes(1, read)).toBe(1664 * 1024);
  });

  it('knows every helper of native/ that runs as a process, by the name /proc gives it (15 bytes at most)', () => {
    // perfcell-perf-hold is a library loaded into perf (LD_PRELOAD): its process is perf
    const helpers = readdirSync(fileURLToPath(new URL('../../native/', import.meta.url)))
      .filter((file) => file.endsWith('.c'))
      .map((file) => file.slice(0, -2))
      .filter((name) => name !== 'perfcell-perf-hold');
    expect(helpers.length).toBeGreaterThanOrEqual(3);
    for (const name of helpers) {
      expect(OWN_PROCESS_NAMES.has(name), name).toBe(true);
      expect(name.length, name).toBeLessThanOrEqual(15);
    }
  });
});

describe('compare of commands draws the live part on a terminal only (built CLI)', () => {
  const args = [cliPath, 'compare', '--no-perf', '--runs', '1', '--warmup', '0', '--names', 'slow', 'fast', '--', 'sleep 1.7', 'true'];

  it('shows `run N.Ns` in the progress line on a pty, and not on a pipe', { timeout: 60_000 }, async () => {
    const onPty = await printedOnPty(process.execPath, args);
    expect(onPty).toMatch(/\] 1\/1 {2}slow {2}run 1\.\ds/);
    const piped = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 50_000 });
    expect(piped.status).toBe(0);
    expect(piped.stdout + piped.stderr).not.toMatch(/run \d\.\ds/);
  });

  it('shows the program\'s RSS, not perfcell-serve\'s beside it (a QA pass: a sleep of 1.6 MiB read as 3.1)', { timeout: 60_000 }, async () => {
    // a sleep of the test's own, for what one sleep's RSS is on this machine
    const own = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const sleepRssMiB = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${own.pid}/status`, 'utf8'))?.[1]) / 1024;
      const onPty = await printedOnPty(process.execPath, args);
      const shown = [...onPty.matchAll(/run \d\.\ds {2}RSS ([\d.]+) MiB/g)].map((match) => Number(match[1]));
      expect(shown.length, onPty).toBeGreaterThan(0);
      // perfcell-serve's two processes add some 1.4 MiB; a sleep's RSS varies by a page or two
      for (const rssMiB of shown) expect(rssMiB, `${shown.join(', ')} MiB against a sleep's ${sleepRssMiB.toFixed(2)} MiB`).toBeLessThan(sleepRssMiB + 0.5);
    } finally {
      own.kill();
    }
  });

  it.runIf(runsWithPerf('compare\'s live counter rates'))('adds each counter\'s current rate from perf\'s intervals while a command runs', { timeout: 60_000 }, async () => {
    // a spinner counts task-clock in every interval, and runs past the live part's 1 s delay
    const liveArgs = [cliPath, 'compare', '-e', 'task-clock', '--runs', '1', '--warmup', '0', '--names', 'spin', 'fast', '--', `${fixture('spin')} 1.7`, 'true'];
    const onPty = await printedOnPty(process.execPath, liveArgs);
    expect(onPty).toMatch(/\] 1\/1 {2}spin {2}run 1\.\ds(  RSS [\d.]+ MiB)?  task-clock \d+(\.\d)?[kMG]?\/s/);
  });

  it.runIf(runsWithPerf('compare\'s live counter rates'))('drops a rate to 0/s once the command counts no more (a QA pass: it stayed at its last counted value to the end)', { timeout: 60_000 }, async () => {
    // asleep to 1.1 s, then 200 MiB touched (51,200 page-faults), then held asleep for 1.2 s
    const command = `sh -c "sleep 1.1; exec ${fixture('peak-then-idle')} 200 1200 0"`;
    const liveArgs = [cliPath, 'compare', '-e', 'page-faults', '--runs', '1', '--warmup', '0', '--names', 'touch', 'fast', '--', command, 'true'];
    const onPty = await printedOnPty(process.execPath, liveArgs);
    const rates = [...onPty.matchAll(/ {2}touch {2}run (\d\.\d)s[^\r\n]*? {2}page-faults ([\d.]+[kMG]?)\/s/g)].map((match) => `${match[1]}s ${match[2]}/s`);
    // the touch shows, as thousands a second or more, and the hold after it as none
    expect(rates.some((rate) => /[kMG]\/s$/.test(rate)), rates.join(', ')).toBe(true);
    expect(rates.at(-1), rates.join(', ')).toMatch(/ 0\/s$/);
  });
});
