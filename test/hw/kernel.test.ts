/**
 * The Jupyter kernel's report of a cell on hardware counters. A REPLAY: perf here is the replaying
 * perf of test/support/replay-perf (this VM has no PMU), printing the rows of a hybrid Intel CPU
 * (cpu_core/EV/ + cpu_atom/EV/, as lkml-2023-kanliang-adl-hybrid-default.human.txt) that perf also
 * multiplexed (the running column of gh-loop-unroll-multiplexed.csv.txt), in perf 6.1's -x, -I
 * layout (local-perf61-vm-pid-interval-comma.csv.txt). Without it no hybrid or multiplexed row
 * reaches the kernel on any machine here. The cells are real busy loops, run by nbclient (the
 * client nbconvert --execute uses) through an installed kernelspec.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { perfPidsNow } from '../support/leaked-perf.ts';
import { buildReplayPerf, replayEnv, type Scenario } from '../support/replay-perf/replay-perf.ts';
import { codeCell, jupyterMissing, runNotebook } from '../kernel/jupyter.ts';
import { EVENT_LIST, EVENTS, RATES, leftRunningPerf } from './hw-scenarios.ts';

const REPORT_MIME = 'application/vnd.perfcell.report+json';
/** Hybrid 75% cpu_core / 25% cpu_atom, each PMU's counter on 50% of its time. */
const HYBRID_MULTIPLEXED: Scenario = { hybridCorePct: 75, runningPct: 50, events: RATES };

interface Output { readonly data?: Record<string, unknown> }
const joined = (value: unknown): string => (Array.isArray(value) ? value.join('') : String(value));
/** The HTML table's cells as text, one row a line. */
const htmlRows = (html: string): string[] =>
  html.split('</tr>').map((row) => row.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/\s+/g, ' ').trim()).filter(Boolean);

const perfBefore = perfPidsNow();
afterAll(async () => expect(await leftRunningPerf(perfBefore)).toEqual([]));

describe.skipIf(jupyterMissing !== null)('the kernel\'s report of a cell on a replayed hybrid, multiplexed PMU', () => {
  let dir = '';
  let reports: { html: string; plain: string }[] = [];

  beforeAll(() => {
    buildReplayPerf();
    dir = mkdtempSync(join(tmpdir(), 'perfcell-hw-kernel-'));
    const busy = (name: string) => `const ${name} = Date.now() + 400; while (Date.now() < ${name}) {}`;
    const out = runNotebook(dir, 'perfcell-hw', [busy('a'), busy('b')].map(codeCell), { env: { ...replayEnv(HYBRID_MULTIPLEXED), PERFCELL_EVENTS: EVENT_LIST } });
    const executed = JSON.parse(out) as { cells: { outputs: Output[] }[] };
    reports = executed.cells.map((cell) => {
      const data = cell.outputs.find((output) => output.data?.[REPORT_MIME] !== undefined)?.data ?? {};
      return { html: joined(data['text/html']), plain: joined(data['text/plain']) };
    });
  }, 150_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('the HTML table (what a notebook shows) qualifies each count as the text/plain does: the PMU split and the scaling, in every cell', () => {
    // Before: the table printed `cache-misses  399,665 (1,000,330/s)` as if counted whole on one
    // PMU; the scaling was said only in the first cell's warning (warnings are said once a session).
    expect(reports).toHaveLength(2);
    for (const [index, { html, plain }] of reports.entries()) {
      const rows = htmlRows(html);
      for (const event of EVENTS) {
        const row = rows.find((candidate) => candidate.startsWith(`${event} `));
        expect(row, `cell ${index + 1}: ${event} in\n${rows.join('\n')}`).toMatch(/\/s, cpu_core 7\d%, cpu_atom 2\d%, scaled from 49% of the time\)/);
        const said = new RegExp(`${event} ([\\d,]+ \\([^)]*\\))`).exec(plain)?.[1];
        expect(row, `cell ${index + 1}: ${event} as text/plain says it`).toContain(said);
      }
      // the ratios of counts perf scaled up are estimates too, in the table and in the text/plain, as run's ratio line says
      // (before: `miss ratio 25.0%; IPC 2.00; MPKI 0.50` as if exact, beside counters each marked scaled)
      expect(rows.find((row) => row.startsWith('derived ')), `cell ${index + 1}`).toBe('derived miss ratio 25.0%; IPC 2.00; MPKI 0.50 (of counts scaled from 49% of the time)');
      expect(plain, `cell ${index + 1}`).toMatch(/miss ratio 25\.0% {2}IPC 2\.00 {2}MPKI 0\.50 {2}\(of counts scaled from 49% of the time\)/);
    }
  });
});
