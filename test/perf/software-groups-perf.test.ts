import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliPath, fixture } from '../support/fixtures.ts';
import { perfStatPageFaults, runsWithPerf } from '../support/perf.ts';
import { temporaryFolders } from '../support/temp-folders.ts';

// Adjacent software events go to perf as one group (src/perf/software-groups.ts), switched by their
// leader alone. Real perf, real programs: perfcell's perf is started through a wrapper that logs its
// arguments (PERFCELL_PERF), so each test sees the groups asked for, and the counts each gets are
// held to plain `perf stat`'s of the same program, grouped (the default) and not
// (PERFCELL_SOFTWARE_GROUPS=0).

const tempFolder = temporaryFolders('each');
const PAGES = 2000;

/** The median of three plain `perf stat` counts of the touching program. */
function perfStatReference(): number {
  const samples = [0, 1, 2].map(() => perfStatPageFaults([fixture('touch-pages'), String(PAGES)]));
  return samples.sort((a, b) => a - b)[1] as number;
}

/** A perf that logs each of its argument lists, one a line, then is the real one. */
function loggingPerf(): { path: string; log: string; lists(): string[] } {
  const dir = tempFolder('perfcell-groups-');
  const path = join(dir, 'perf');
  const log = join(dir, 'argv.log');
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec perf "$@"\n`);
  chmodSync(path, 0o755);
  return { path, log, lists: () => readFileSync(log, 'utf8').split('\n').filter((line) => line.startsWith('stat ')) };
}

const eventList = (argv: string): string => argv.split(' ')[argv.split(' ').indexOf('-e') + 1] ?? '';

describe.runIf(runsWithPerf('software events as one perf group'))('software events grouped for perf', () => {
  for (const grouped of [true, false]) {
    const env = (perf: string) => ({ NO_COLOR: '1', PERFCELL_PERF: perf, ...(grouped ? {} : { PERFCELL_SOFTWARE_GROUPS: '0' }) });

    it(`run: page-faults as perf stat counts them, ${grouped ? 'the events one group' : 'each event on its own'}`, async () => {
      const expected = perfStatReference();
      const perf = loggingPerf();
      const result = await execa(process.execPath, [cliPath, 'run', '--json', '-e', 'page-faults,context-switches', '--', fixture('touch-pages'), String(PAGES)], { reject: false, env: env(perf.path), timeout: 60_000 });
      expect(result.exitCode, result.stderr).toBe(0);
      const lists = perf.lists().map(eventList);
      expect(lists.length, readFileSync(perf.log, 'utf8')).toBeGreaterThan(0);
      for (const list of lists) expect(list).toBe(grouped ? '{page-faults,context-switches}' : 'page-faults,context-switches');
      const report = JSON.parse(result.stdout) as { counters: { events: Array<{ event: string; total: number }> } };
      const total = report.counters.events.find((event) => event.event === 'page-faults')?.total ?? NaN;
      expect(Math.abs(total - expected), `${total} against perf stat's ${expected}`).toBeLessThanOrEqual(0.01 * expected);
      expect(report.counters.events.map((event) => event.event)).toEqual(['page-faults', 'context-switches']);
    }, 60_000);

    it(`compare's slotted perf: every run counted as perf stat counts it, ${grouped ? 'a slot switched by its group leader' : 'a slot switched event by event'}`, async () => {
      const expected = perfStatReference();
      const perf = loggingPerf();
      const result = await execa(process.execPath, [cliPath, 'compare', '--runs', '4', '--warmup', '1', '-e', 'page-faults,context-switches', '--json', '--', `${fixture('touch-pages')} ${PAGES}`, 'true'], { reject: false, env: env(perf.path), timeout: 60_000 });
      expect(result.exitCode, result.stderr).toBe(0);
      const lists = perf.lists().map(eventList);
      expect(lists, readFileSync(perf.log, 'utf8')).toContain(
        grouped ? '{page-faults/name=pcA0/,context-switches/name=pcA1/},{page-faults/name=pcB0/,context-switches/name=pcB1/}' : 'page-faults/name=pcA0/,context-switches/name=pcA1/,page-faults/name=pcB0/,context-switches/name=pcB1/',
      );
      const document = JSON.parse(result.stdout) as { alternatives: Array<{ runs: Array<Record<string, number>> }> };
      const [touching, trivial] = document.alternatives;
      expect(touching!.runs).toHaveLength(4);
      for (const run of touching!.runs) {
        expect(Math.abs(run['page-faults']! - expected) / expected, `${run['page-faults']} against perf stat's ${expected}`).toBeLessThan(0.01);
        expect(run['context-switches']).toBeGreaterThanOrEqual(0);
      }
      for (const run of trivial!.runs) expect(run['page-faults']).toBeLessThan(200);
    }, 60_000);
  }
});
