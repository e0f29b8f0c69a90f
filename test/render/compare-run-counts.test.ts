import { describe, expect, it } from 'vitest';
import { compareHtmlInput } from '../../src/render/compare-html.ts';
import { renderCompareMarkdown } from '../../src/render/compare-markdown.ts';
import { runCountsText } from '../../src/render/compare-run-counts.ts';
import { renderCompareText } from '../../src/render/compare-text.ts';
import { documentOfRuns, rowColDocument } from './compare-fixture.ts';

const run = (durationS: number) => ({ durationS });

describe('how many runs a comparison holds, in its text, markdown and HTML', () => {
  it('a whole comparison: so many of each', () => {
    expect(runCountsText(rowColDocument())).toBe('10 interleaved runs of each alternative');
  });

  it('one cut short: each alternative\'s count where they differ, and what stopped it (a QA pass: "4 interleaved runs of each" for a 4, b 3)', () => {
    const cut = {
      ...documentOfRuns([run(0.1), run(0.1), run(0.11), run(0.1)], [run(0.15), run(0.15), run(0.16)], [run(0.001), run(0.001), run(0.001)]),
      partial: {
        reason: 'interrupted' as const,
        signal: 'SIGINT',
        message: 'perfcell: interrupted by SIGINT after 3 complete rounds; the results above are partial (the run in progress was dropped)',
        completedRounds: 3,
        runs: { a: 4, b: 3, 'noise floor': 3 },
        stoppedAt: { phase: 'measure' as const, round: 4, alternative: 'b' },
      },
    };
    const said = 'interleaved runs: a 4, b 3, noise floor 3 (stopped early: interrupted by SIGINT after 3 complete rounds)';
    expect(runCountsText(cut)).toBe(said);
    expect(renderCompareMarkdown(cut).startsWith(`${said} after 0 warm-up round(s)`)).toBe(true);
    expect(compareHtmlInput(cut).notes?.[0]?.startsWith(`${said} after 0 warm-up round(s)`)).toBe(true);
    expect(renderCompareText(cut, { width: 200, verbose: true }).split('\n')[0]).toBe(`${said} (a b a b …); counters from perf`);
  });
});
