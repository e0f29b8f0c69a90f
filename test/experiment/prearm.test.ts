import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandAlternatives } from '../../src/experiment/alternatives.ts';
import { runInterleavedUntilStopped, type Slot } from '../../src/experiment/interleave.ts';
import { armProgram } from '../../src/session/run-program.ts';
import { fixture } from '../support/fixtures.ts';
import { perfStatPageFaults, perfUsable } from '../support/perf.ts';
import { survivors, watchDescendants } from '../faults/process-tree.ts';

/** Slots that log `run X`, `end X` (the timed part over), `done X`, `arm X` and `disarm X` in order. */
function loggingSlots(names: readonly string[]) {
  const log: string[] = [];
  const slots: Slot<string>[] = names.map((name) => ({
    name,
    run: async (hooks) => {
      log.push(`run ${name}`);
      await new Promise((resolve) => setImmediate(resolve));
      log.push(`end ${name}`);
      hooks?.onEnded?.();
      log.push(`done ${name}`);
      return name;
    },
    arm: () => log.push(`arm ${name}`),
    disarm: async () => {
      log.push(`disarm ${name}`);
    },
  }));
  return { slots, log };
}

describe('arming the next run (compare of commands)', () => {
  it('arms the next slot once the current run has ended, never while a run is timed, none after the last run, and disarms every slot at the end', async () => {
    const { slots, log } = loggingSlots(['A', 'B']);
    await runInterleavedUntilStopped(slots, { warmup: 1, runs: 2, minTimeS: null });
    expect(log).toEqual([
      'run A', 'end A', 'arm B', 'done A', 'run B', 'end B', 'arm A', 'done B', // warm-up; then round 1 is armed
      'run A', 'end A', 'arm B', 'done A', 'run B', 'end B', 'arm B', 'done B', // round 2 runs B first
      'run B', 'end B', 'arm A', 'done B', 'run A', 'end A', 'done A', // the last run arms nothing
      'disarm A', 'disarm B',
    ]);
  });

  it('arms nothing once a stop is asked for, and disarms what was armed when the rounds stop', async () => {
    const { slots, log } = loggingSlots(['A', 'B']);
    let stop: Error | null = null;
    const outcome = await runInterleavedUntilStopped(slots, { warmup: 0, runs: 5, minTimeS: null, shouldStop: () => stop }, (progress) => {
      if (progress.round === 2 && progress.slot === 'B') stop = new Error('interrupted');
    });
    expect(outcome.stop?.error).toBe(stop);
    // The stop came before B's run of round 2 (its first: B A): the run ends, arms nothing, and the rounds stop.
    expect(log.slice(-4)).toEqual(['end B', 'done B', 'disarm A', 'disarm B']);
    expect(log.filter((entry) => entry === 'arm A')).toHaveLength(0);
    expect(log.filter((entry) => entry === 'arm B')).toHaveLength(2);
  });

  it('disarms when a run throws, too', async () => {
    const { slots, log } = loggingSlots(['A']);
    const failing: Slot<string> = { ...slots[0]!, name: 'F', run: async () => { throw new Error('boom'); } };
    const outcome = await runInterleavedUntilStopped([slots[0]!, failing], { warmup: 0, runs: 3, minTimeS: null });
    expect(String(outcome.stop?.error)).toMatch(/boom/);
    expect(log.at(-1)).toBe('disarm A');
  });
});

describe.runIf(perfUsable)('armed programs with real perf and the real gate', () => {
  it('an armed program that never runs leaves neither its gate, its held child nor its perf behind', async () => {
    const tree = watchDescendants(process.pid, 5);
    const armed = await armProgram([fixture('touch-pages'), '10'], { events: ['page-faults'], quiet: true });
    // perf is spawned as the program is armed, and on a slow host may still be between its fork and
    // its exec (showing Node's command line) when armProgram resolves: looked for until it shows
    let held: string[] = [];
    for (const deadline = Date.now() + 3000; ; await new Promise((resolve) => setTimeout(resolve, 20))) {
      tree.poll();
      held = [...tree.seen.values()].map((entry) => entry.command);
      if (held.some((command) => /^perf stat/.test(command)) || Date.now() > deadline) break;
    }
    // the gate, the child it holds before exec (still the gate's image), and perf attached to it
    expect(held.filter((command) => command.includes('perfcell-exec')).length, held.join('\n')).toBeGreaterThanOrEqual(2);
    expect(held.some((command) => /^perf stat/.test(command)), held.join('\n')).toBe(true);
    await armed.cancel();
    tree.stop();
    expect(await survivors(tree.seen, 2000)).toEqual([]);
  }, 20_000);

  it('a compare stopped with a run armed ahead leaves nothing behind, and the armed runs count page-faults as perf stat does (within 1%)', async () => {
    const pages = 25_000;
    const command = `${fixture('touch-pages')} ${pages}`;
    const { alternatives, noiseFloor } = commandAlternatives([command], { shell: false, served: false, measureOptions: { events: ['page-faults'], intervalMs: 1000 } });
    const tree = watchDescendants(process.pid, 5);
    let finished = 0;
    let armedGates = 0;
    let stop: Error | null = null;
    const slots = [...alternatives, noiseFloor].map((alternative) => ({
      name: alternative.name,
      run: async (hooks?: { readonly onEnded?: () => void }) => {
        const report = await alternative.measure(hooks);
        // Asked to stop once the 3rd run has ended: the 4th run is armed by then and must be ended.
        if (++finished === 3) {
          stop = new Error('stop');
          // the 3rd run's gate exits once its program's report is out; on a slow host it may still
          // be there (or not yet reaped) now: counted until only armed gates are left, for up to 2 s
          const gatesAlive = (): number => {
            tree.poll();
            return [...tree.seen.values()].filter((entry) => entry.parent === process.pid && entry.command.includes('perfcell-exec') && existsSync(`/proc/${entry.pid}`)).length;
          };
          armedGates = gatesAlive();
          for (const deadline = Date.now() + 2000; armedGates > 1 && Date.now() < deadline; armedGates = gatesAlive()) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return report;
      },
      arm: () => alternative.arm?.(),
      disarm: () => alternative.disarm?.() ?? Promise.resolve(),
    }));
    const outcome = await runInterleavedUntilStopped(slots, { warmup: 0, runs: 10, minTimeS: null, shouldStop: () => stop });
    tree.poll();
    tree.stop();
    expect(outcome.stop?.error).toBe(stop);
    // the 4th run's gate was armed (alive, between runs) when the stop came
    expect(armedGates).toBe(1);
    expect(await survivors(tree.seen, 2000)).toEqual([]);
    const expected = perfStatPageFaults([fixture('touch-pages'), String(pages)]);
    for (const report of outcome.results[0]!) {
      const faults = report.counters.events.find((event) => event.event.startsWith('page-faults'))?.total ?? Number.NaN;
      expect(Math.abs(faults - expected) / expected, `${faults} vs perf stat's ${expected}`).toBeLessThan(0.01);
    }
  }, 30_000);
});
if (!perfUsable) console.warn('prearm: the real gate and perf cases are skipped (perf cannot count software events here)');
