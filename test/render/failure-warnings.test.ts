import { describe, expect, it } from 'vitest';
import { buildCompareDocument } from '../../src/experiment/compare-document.ts';
import { compareHtmlInput, renderCompareDocumentHtml } from '../../src/render/compare-html.ts';
import { documentOfRuns } from './compare-fixture.ts';

const run = (durationS: number) => ({ durationS });

describe('the runs -i kept that failed, on the compare page', () => {
  it("says which alternative failed how often, as stderr does (a QA pass: the page showed 'bad''s numbers as any other's)", () => {
    const plain = documentOfRuns([run(0.001), run(0.0011), run(0.001)], [run(0.002), run(0.0021), run(0.002)]);
    const failures = [
      { phase: 'warmup' as const, round: 1, exitCode: 1, signal: null },
      { phase: 'measure' as const, round: 1, exitCode: 1, signal: null },
      { phase: 'measure' as const, round: 3, exitCode: null, signal: 'SIGSEGV' },
    ];
    const document = buildCompareDocument({ ...plain, alternatives: [plain.alternatives[0]!, { ...plain.alternatives[1]!, failures }] });
    const said = "'b' failed in 2 of 3 measured runs and 1 warm-up runs (exit code 1, killed by SIGSEGV); kept under --ignore-failure, its numbers include them";
    expect(compareHtmlInput(document).notes).toContain(said);
    expect(renderCompareDocumentHtml(document, { js: '', css: '' })).toContain(`<li>&#39;b&#39; failed in 2 of 3 measured runs`);
    expect(compareHtmlInput(plain).notes?.join('\n')).not.toContain('failed');
  });
});
