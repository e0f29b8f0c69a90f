import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/render/html.ts';
import { cliPath, fixture } from '../support/fixtures.ts';
import { htmlTableRows, verboseTextRows } from '../support/compare-rows.ts';
import { temporaryFolders } from '../support/temp-folders.ts';

const tempFolder = temporaryFolders('each');
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// A QA pass of compare --html with programs of a few ms: the page showed `0.0024 s | ± 0 s` where
// the text said `2.43 ms  0.042 ms`, and with three commands joined the verdicts as `time: … is
// 1.90× ± 0.05 slower; p < 0.001; no significant difference (p = 0.60)`, naming no alternative.
describe('perfcell compare --html of three programs of a few ms', () => {
  it('shows the numbers of the --verbose text, and names the alternative of each time verdict', async () => {
    const dir = tempFolder('perfcell-compare-html-');
    const page = join(dir, 'page.html');
    // 5 and 20 ms: told apart in 5 runs even beside busy jobs (1 and 2 ms once read p = 0.89)
    const [first, second] = [`${fixture('sleep-ms')} 5`, `${fixture('sleep-ms')} 20`];
    const result = await execa(process.execPath, [cliPath, 'compare', '--no-perf', '-w', '0', '-r', '5', '--verbose', '--html', page, '--', first, second, first], {
      reject: false, env: { NO_COLOR: '1', COLUMNS: '400' }, timeout: 60_000,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const html = readFileSync(page, 'utf8');
    const text = verboseTextRows(result.stdout);
    const shown = htmlTableRows(html);
    expect([...text.keys()]).toContain(`time | ${first} #2`);
    for (const [key, [mean, stdDev, , min, max, n] = []] of text) {
      // the page has no row for the noise floor
      if (!key.endsWith(' | noise floor')) expect(shown.get(escapeHtml(key)), key).toEqual([n, mean, `± ${stdDev}`, min, max]);
    }
    // in ms, as the text, not 0.0200 s
    expect(shown.get(`time | ${second}`)?.[1]).toMatch(/^\d+\.\d+ ms$/);
    // the second verdict is about the first program given again: a difference names it, and so now does none;
    // each verdict an item of its own under the metric (they had been joined with '; ', as a verdict's own parts are)
    const items = (/<li><b>time<\/b><ul>(.*?)<\/ul><\/li>/.exec(html)?.[1] ?? '').replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).split('</li>').filter((item) => item !== '');
    expect(items).toHaveLength(2);
    // (5 runs of 5 ms against 20 read p = 0.74 once, in a whole-suite run beside a helper's: either names it)
    expect(items[0]).toMatch(new RegExp(`^<li>${escapeRegExp(second)} (is [^;]+ slower; p [^;]+|against ${escapeRegExp(first)}: no significant difference \\(p = [\\d.]+\\))$`));
    expect(items[1]).toMatch(new RegExp(`^<li>${escapeRegExp(`${first} #2`)} (is |against ${escapeRegExp(first)}: )`));
  }, 90_000);
});
