// Counts perf scaled up from part of the time (multiplexing), and the ratios and exports made of them.
// A REPLAY: the scaled rows follow the recorded capture samples/perf/gh-loop-unroll-multiplexed.csv.txt,
// the hybrid rows lkml-2023-kanliang-adl-hybrid-default.human.txt (test/support/replay-perf/README.md);
// spin.c is a real program, counted while it runs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/fixtures.ts';
import { perfPidsNow } from '../support/leaked-perf.ts';
import { buildReplayPerf } from '../support/replay-perf/replay-perf.ts';
import { EVENT_LIST, EVENTS, HYBRID_75_25, MULTIPLEXED_50, leftRunningPerf, perfcellOnReplay } from './hw-scenarios.ts';

const perfBefore = perfPidsNow();
beforeAll(() => buildReplayPerf());
afterAll(async () => expect(await leftRunningPerf(perfBefore)).toEqual([]));

const spin = (seconds: number): string => `${fixture('spin')} ${seconds}`;
/** run takes the program and its arguments as words. */
const spinWords = (seconds: number): string[] => [fixture('spin'), String(seconds)];

describe('ratios of counts perf scaled up (test/fixtures/spin on a replayed PMU)', () => {
  it('run and run -r end their miss ratio, IPC and MPKI line saying its counts were scaled, at 50% multiplexing', async () => {
    // Before: `miss ratio 25.0%  IPC 2.00  MPKI 0.50` as if exact, where each count's own line said `scaled from 50% of the time`.
    const single = await perfcellOnReplay(['run', '-e', EVENT_LIST, '--', ...spinWords(0.1)], MULTIPLEXED_50, { timeoutMs: 60_000 });
    expect(single.exitCode, single.stderr).toBe(0);
    expect(single.stderr).toMatch(/^ +miss ratio 25\.0% {2}IPC 2\.00 {2}MPKI 0\.50 {2}\(of counts scaled from 50% of the time\)$/m);
    const repeated = await perfcellOnReplay(['run', '-r', '2', '-e', EVENT_LIST, '--', ...spinWords(0.1)], MULTIPLEXED_50, { timeoutMs: 60_000 });
    expect(repeated.exitCode, repeated.stderr).toBe(0);
    expect(repeated.stderr).toMatch(/^ {2}ratios of the means: miss ratio 25\.0% {2}IPC 2\.00 {2}MPKI 0\.50 {2}\(of counts scaled from 50% of the time\)$/m);
  }, 120_000);

  it('names printed with :u (perf restricts them so for a user at perf_event_paranoid ≥ 2) still mark the ratios, in run -r and in compare\'s JSON', async () => {
    // Before (a review): run -r's ratio line had no mark and compare's lowestRunningPct no missRatio,
    // ipc or missesPerKiloInstruction: the ratios' counts were looked up as `cache-misses`, the
    // shares kept as `cache-misses:u`.
    const userEvents = EVENTS.map((event) => `${event}:u`).join(',');
    const repeated = await perfcellOnReplay(['run', '-r', '2', '-e', userEvents, '--', ...spinWords(0.1)], MULTIPLEXED_50, { timeoutMs: 60_000 });
    expect(repeated.exitCode, repeated.stderr).toBe(0);
    expect(repeated.stderr).toMatch(/^ {2}ratios of the means: miss ratio 25\.0% {2}IPC 2\.00 {2}MPKI 0\.50 {2}\(of counts scaled from 50% of the time\)$/m);
    const compared = await perfcellOnReplay(['compare', '-r', '2', '-w', '0', '--json', '-e', userEvents, '--', spin(0.1), spin(0.2)], MULTIPLEXED_50, { timeoutMs: 120_000 });
    expect(compared.exitCode, compared.stderr).toBe(0);
    const document = JSON.parse(compared.stdout) as { alternatives: { lowestRunningPct?: Record<string, number> }[] };
    for (const alternative of document.alternatives) {
      expect(alternative.lowestRunningPct).toMatchObject({ 'cache-misses:u': 50, missRatio: 50, ipc: 50, missesPerKiloInstruction: 50 });
    }
  }, 180_000);

  it('run -r --json gives a hybrid counter that cpu_core and cpu_atom together counted all of the time lowestRunningPct 100, as compare\'s JSON does', async () => {
    // Before: null, which the schema says means 'perf printed none'; compare's lowestRunningPct said 100.
    const result = await perfcellOnReplay(['run', '-r', '2', '--json', '-e', EVENT_LIST, '--', ...spinWords(0.1)], HYBRID_75_25, { timeoutMs: 60_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as { metrics: Record<string, { lowestRunningPct?: number | null; pmus?: unknown[] }> };
    for (const event of EVENTS) {
      expect(document.metrics[event]?.pmus?.length, event).toBe(2);
      expect(document.metrics[event]?.lowestRunningPct, event).toBe(100);
    }
    expect(result.stderr).not.toContain('scaled');
  }, 120_000);

  it('compare marks scaled metrics in its markdown export, CSV, HTML page and footnote, the ratios among them', async () => {
    // Before: `### cache-misses` and its verdict as exact in the export, no share in the CSV or on the page,
    // and miss ratio, IPC and MPKI unmarked everywhere. --verbose: every metric's table is on screen, so the footnote always follows.
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-hw-scaled-exports-'));
    try {
      const [markdown, csv, html] = ['c.md', 'c.csv', 'c.html'].map((name) => join(dir, name)) as [string, string, string];
      const result = await perfcellOnReplay(
        ['compare', '-r', '3', '-w', '0', '--verbose', '-e', EVENT_LIST, '--export-markdown', markdown, '--export-csv', csv, '--html', html, '--', spin(0.1), spin(0.3)],
        MULTIPLEXED_50,
        { timeoutMs: 120_000 },
      );
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
        `* scaled from 50% of the time in some runs (${EVENTS.join(', ')}, miss ratio, IPC, MPKI): perf multiplexed more events than the PMU has counters; a ratio's two counts came from time slices of their own unless grouped`,
      );
      const md = readFileSync(markdown, 'utf8');
      for (const title of [...EVENTS, 'miss ratio', 'IPC', 'MPKI']) expect(md).toContain(`### ${title} (scaled from 50% of the time)\n`);
      expect(md).toContain('### time\n');
      expect(md).toMatch(/more cache-misses; p [<=] [\d.]+ \(scaled from 50% of the time\)\.$/m);
      const [header, ...rows] = readFileSync(csv, 'utf8').trimEnd().split('\n').map((line) => line.split(','));
      const column = header!.indexOf('lowest_running_pct');
      expect(column).toBeGreaterThan(0);
      for (const key of ['cache-misses', 'ipc']) expect(rows.filter((row) => row[0] === key && row[3] === 'alternative').map((row) => row[column])).toEqual(['50', '50']);
      expect(rows.filter((row) => row[0] === 'durationS').map((row) => row[column])).toEqual(['', '', '']);
      expect(readFileSync(html, 'utf8')).toContain('cache-misses (scaled from 50% of the time)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
