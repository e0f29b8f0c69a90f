import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { noCompiler } from '../../src/session/exec-helper.ts';
import { runUngated } from '../../src/session/run-ungated.ts';
import type { CommandReport } from '../../src/session/report.ts';
import { cliPath } from '../support/fixtures.ts';
import { hasValgrind, runsWith } from '../support/tools.ts';
import { printedOnPty, renderScreen } from '../support/terminal.ts';

const perfcell = (args: readonly string[]) =>
  execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1' }, timeout: 60_000, forceKillAfterDelay: 1_000 });

const dir = mkdtempSync(join(tmpdir(), 'perfcell-run-label-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The command label is what a shell would need to run it again: an argument with a space is quoted
// (before: `sh -c echo a b`, which a shell reads as sh -c echo with $0=a, $1=b). JSON keeps argv.
const LABEL = "sh -c 'echo a b'";

describe('run labels the command as a shell would write it', () => {
  it('the text report, the JSON label (argv kept as an array) and the HTML page', async () => {
    const text = await perfcell(['run', '--no-perf', '--', 'sh', '-c', 'echo a b']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toBe('a b');
    expect(text.stderr.split('\n')[0]).toMatch(/^sh -c 'echo a b' peaked /);

    const html = join(dir, 'run.html');
    const json = await perfcell(['run', '--json', '--no-perf', '--html', html, '--', 'sh', '-c', "echo it's"]);
    const report = JSON.parse(json.stdout) as CommandReport;
    expect(report.label).toBe(`sh -c 'echo it'\\''s'`);
    expect(report.command).toEqual(['sh', '-c', "echo it's"]);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<h2>sh -c &#39;echo it&#39;\\&#39;&#39;s&#39;</h2>');
    // the label is the command: no second "command:" line repeating it unquoted
    expect(page).not.toContain('class="command"');
  });

  it('a label with a word longer than a 40-column terminal is cut there by the report, under its indent, as fold cuts it (the terminal had wrapped it at column 0)', { timeout: 30_000 }, async () => {
    const word = 'x'.repeat(40);
    const screen = await renderScreen(await printedOnPty(process.execPath, [cliPath, 'run', '--no-perf', '--', 'printf', word], { columns: 40, rows: 30 }), 40, 30);
    // the program's own output, then the report; xterm.js joins the rows it wrapped into one line
    const report = screen.lines.slice(screen.lines.indexOf('printf'));
    expect(report.slice(0, 3), screen.lines.join('\n')).toEqual(['printf', `  ${'x'.repeat(38)}`, expect.stringMatching(/^ {2}xx peaked /)]);
    for (const line of report) expect(line.length, line).toBeLessThanOrEqual(40);
    expect(report.slice(1).every((line) => line.startsWith('  ')), report.join('\n')).toBe(true);
  });

  it('-r N: the statistics header, and the HTML page names each run and ends with the statistics', async () => {
    const html = join(dir, 'repeat.html');
    const result = await perfcell(['run', '-r', '2', '--no-perf', '--html', html, '--', 'sh', '-c', 'echo a b']);
    expect(result.exitCode).toBe(0);
    const header = `${LABEL}: 2 runs (mean ± sample standard deviation)`;
    expect(result.stderr.split('\n')).toContain(header);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<title>perfcell run -r 2</title>');
    expect(page).toContain('<h2>sh -c &#39;echo a b&#39; (run 1 of 2)</h2>');
    expect(page).toContain('<h2>sh -c &#39;echo a b&#39; (run 2 of 2)</h2>');
    expect(page).not.toContain('class="command"');
    const summary = /<pre class="text summary">([^<]*)<\/pre>/.exec(page)?.[1] ?? '';
    expect(summary.split('\n')[0]).toBe(header.replaceAll("'", '&#39;'));
    expect(summary).toMatch(/^  time +[\d.]+s ± [\d.]+s/m);
  });

  it('without the exec gate (runUngated, as where no C compiler can build it)', async () => {
    const report = await runUngated(['sh', '-c', 'exit 0'], { perf: false }, noCompiler('cc: ENOENT'));
    expect(report.label).toBe("sh -c 'exit 0'");
  });

  it.runIf(runsWith('valgrind', hasValgrind, 'the cachegrind label test'))('--backend cachegrind', async () => {
    const result = await perfcell(['run', '--backend', 'cachegrind', '--json', '--', 'sh', '-c', 'echo a b']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as CommandReport).label).toBe(LABEL);
  });
});
