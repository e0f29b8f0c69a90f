/**
 * The peak in an in-process report's headline: a command that only frees memory peaks at its start
 * (VmHWM is reset to the RSS there), and the report says so rather than "peaked X above final
 * usage", which reads like a transient spike.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { renderReportText } from '../../src/render/report-text.ts';
import { renderReplReport } from '../../src/render/report-repl.ts';
import type { CommandReport } from '../../src/session/report.ts';
import { cliPath } from '../support/fixtures.ts';

const MIB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'perfcell-peak-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An in-process report whose RSS went from `beforeMiB` to `afterMiB`, with its VmHWM at `peakMiB`. */
function report(beforeMiB: number, peakMiB: number, afterMiB: number): CommandReport {
  return {
    label: 'In [2]', startedAt: '2026-12-01T00:00:00.000Z', durationS: 0.002, exitCode: 0, signal: null,
    memory: {
      rssBeforeBytes: beforeMiB * MIB, rssAfterBytes: afterMiB * MIB, usedBytes: (afterMiB - beforeMiB) * MIB,
      peakRssBytes: peakMiB * MIB, peakAboveFinalBytes: (peakMiB - afterMiB) * MIB, peakMethod: 'vmhwm-reset',
    },
    cpu: { systemMeanPct: null, singleMaxPct: null, perCpuPct: [], userS: 0.002, systemS: 0 },
    counters: { backend: 'perf', simulated: false, intervalMs: 100, events: [], unsupported: [], derived: { missRatio: null, ipc: null, missesPerKiloInstruction: null }, pauseS: 0 },
    warnings: [],
  } as CommandReport;
}

const headline = (text: string): string => text.split('\n')[0] ?? '';

describe('the headline of a command that only frees memory', () => {
  it('says the peak was at its start when it is the starting RSS (within 0.5 MiB: two of V8\'s heap pages) and RAM fell', () => {
    expect(headline(renderReportText(report(102.5, 102.55, 52.6)))).toMatch(/, peaked at its start, 49\.9 MiB above final usage, current RAM usage now 52\.6 MiB$/);
    // a page of V8's heap touched before the cell freed 64 MiB (a CI run read 0.2 MiB)
    expect(headline(renderReportText(report(116, 116.2, 52)))).toMatch(/, peaked at its start, 64\.2 MiB above final usage, current RAM usage now 52\.0 MiB$/);
    // the REPL's report (and the notebook's text/plain) says it the same way
    expect(renderReplReport(report(102.5, 102.55, 52.6))).toMatch(/peaked at its start, 49\.9 MiB above final usage, current RAM usage now 52\.6 MiB/);
  });

  it('keeps "peaked X above final usage" for a spike above the start, or RAM that did not fall', () => {
    // freed, but went 10 MiB above its start first: a real peak
    expect(headline(renderReportText(report(100, 110, 50)))).toMatch(/, peaked 60\.0 MiB above final usage,/);
    // made and dropped a temporary
    expect(headline(renderReportText(report(50, 178, 50)))).toMatch(/, peaked 128\.0 MiB above final usage,/);
    // RSS moved by a few pages: nothing freed to speak of
    expect(headline(renderReportText(report(50, 50, 49.92)))).toMatch(/, peaked 0\.1 MiB above final usage,/);
  });

  it('in a real cells run: the cell that frees a 64 MiB buffer', async () => {
    const file = join(dir, 'free.js');
    writeFileSync(file, '// %% keep\nglobalThis.kept = Buffer.alloc(64 * 1024 * 1024, 1);\n// %% free\nglobalThis.kept = null;\n');
    const result = await execa(process.execPath, [cliPath, 'cells', '--no-perf', file], { reject: false, env: { NO_COLOR: '1' }, timeout: 60_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    const freed = result.stdout.split('\n').find((line) => line.startsWith('free used'));
    // before: 'peaked 64.0 MiB above final usage', as if the cell had spiked
    expect(freed).toMatch(/^free used -\d+\.\d MiB RAM in .*, peaked at its start, \d+\.\d MiB above final usage, current RAM usage now \d+\.\d MiB$/);
    expect(result.stdout).toMatch(/^keep used \d+\.\d MiB RAM in .*, peaked \d+\.\d MiB above final usage,/m);
  });
});
