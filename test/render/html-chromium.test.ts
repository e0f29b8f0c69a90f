import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { isRunning } from '../../src/proc/child-processes.ts';
import { renderCompareHtml, renderReportsHtml } from '../../src/render/html.ts';
import type { CommandReport } from '../../src/session/report.ts';
import { Chromium, CHROMIUM_MISSING, findChromium } from '../support/chromium.ts';
import { runsWith } from '../support/tools.ts';
import { cliPath, fixture } from '../support/fixtures.ts';
import { perfUsable, runsWithPerf } from '../support/perf.ts';
import { countColor, decodePng } from '../support/png.ts';

const HOSTILE = ['<script>alert(1)</script>', `"&'`];
const ESCAPED_IN_DOM = '&lt;script&gt;alert(1)&lt;/script&gt;';
/** uPlot's first series colour in our palette (#1f77b4): the lines, dots and mean bars. */
const SERIES_BLUE = [0x1f, 0x77, 0xb4] as const;
/** This run's pages and screenshots, kept to look at (the log names them); earlier runs' go once their process has. */
const outDir = join(tmpdir(), `perfcell-html-${process.pid}`);
for (const name of readdirSync(tmpdir())) {
  const pid = Number(/^perfcell-html-(\d+)$/.exec(name)?.[1] ?? process.pid);
  if (pid !== process.pid && !isRunning(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
}
mkdirSync(outDir, { recursive: true });
const chromiumPath = findChromium();
/** One browser for the file, started before its tests (each page gets a browser context of its own). */
let chromium: Chromium | null = null;
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await chromium?.close();
});

/** Renders the page twice (DOM, screenshot of the top `screenHeight` px) and checks that every chart drew, with no errors. */
async function checkPage(expect: ExpectStatic, html: string, name: string, screenHeight?: number): Promise<{ dom: string; bluePixels: number }> {
  if (chromium === null) throw new Error(CHROMIUM_MISSING);
  const slots = readFileSync(html, 'utf8').match(/class="chart" id="chart-\d+"/g)?.length ?? 0;
  expect(slots).toBeGreaterThan(0);
  const png = join(outDir, `${name}.png`);
  // two pages at once, each in its own browser context
  const [{ stdout: dom, stderr }] = await Promise.all([chromium.dumpDom(html), chromium.screenshot(html, png, screenHeight)]);
  const root = /<html[^>]*>/.exec(dom)?.[0] ?? '';
  expect(root, 'the page script never finished').toContain(`data-charts-drawn="${slots}"`);
  expect(root, 'a chart canvas holds no coloured pixels').toContain(`data-charts-inked="${slots}"`);
  expect(root, 'the page recorded a script error').not.toContain('data-errors');
  expect(stderr).not.toMatch(/Uncaught|CONSOLE\(\d+\).*(error|Error)/);
  const bluePixels = countColor(decodePng(readFileSync(png)), SERIES_BLUE, 40);
  console.log(`${name}: ${slots} charts drawn; screenshot ${png} has ${bluePixels} series-blue pixels`);
  return { dom, bluePixels };
}

// The tests run concurrently: each writes its own files (its own names under outDir), starts its
// own perfcell and renders in pages of its own, and none checks a time or a count that sharing the
// CPUs would change, except compare --html's verdict that `sleep 0.05` is slower than `true` (5
// runs each): that test is it.sequential, so no other test of the file runs while it does. With 3
// runs each one slow `true` (19 ms on a loaded machine) had left the difference at p = 0.055.
describe.runIf(runsWith('chromium', chromiumPath !== null, 'the HTML reports in headless Chromium')).concurrent('HTML reports in headless Chromium', () => {
  beforeAll(async () => {
    if (chromiumPath !== null) chromium = await Chromium.launch(chromiumPath);
  });

  it('finds chromium (else says how to install it)', ({ expect }) => {
    if (chromiumPath === null) console.error(CHROMIUM_MISSING);
    expect(chromiumPath, CHROMIUM_MISSING).not.toBeNull();
  });

  it.runIf(runsWithPerf('run --html in Chromium'))('run --html: charts of RSS and counters, a hostile command line shown as text', async ({ expect }) => {
    const html = join(outDir, 'run.html');
    const result = await execa(process.execPath, [cliPath, 'run', '-e', 'task-clock,page-faults', '-I', '20', '--html', html, '--', fixture('peak-then-idle'), '64', '300', '200', ...HOSTILE], {
      reject: false, timeout: 30_000, env: { NO_COLOR: '1' },
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain(`wrote ${html}`);
    const { dom, bluePixels } = await checkPage(expect, html, 'run');
    expect(dom).toContain(ESCAPED_IN_DOM);
    expect(dom).toContain('"&amp;\'');
    expect(dom).not.toContain('<script>alert(1)</script>');
    expect(bluePixels).toBeGreaterThan(500);
  }, 90_000);

  it.runIf(runsWithPerf('attach --html in Chromium'))('attach --html: RSS, CPU and each event per second over the watch', async ({ expect }) => {
    const target = spawn(fixture('spin'), ['30'], { stdio: 'ignore' });
    children.push(target);
    const html = join(outDir, 'attach.html');
    const result = await execa(process.execPath, [cliPath, 'attach', String(target.pid), '-I', '100', '-d', '1.5', '--json', '-e', 'task-clock,page-faults', '--html', html], {
      reject: false, timeout: 30_000, env: { NO_COLOR: '1' },
    });
    target.kill('SIGKILL');
    expect(result.exitCode, result.stderr).toBe(0);
    const { dom, bluePixels } = await checkPage(expect, html, 'attach');
    expect(dom).toContain(`pid ${target.pid} (spin)`);
    expect(bluePixels).toBeGreaterThan(500);
  }, 90_000);

  // The file's path holds the hostile text (a folder named `<script>alert(1)<` and a file
  // `script>.ts`), so the page title, built from the command line, must escape it.
  it.runIf(runsWithPerf('cells --html in Chromium'))('cells --html: every cell\'s counter charts, written even though a cell fails (exit 1)', async ({ expect }) => {
    const folder = join(outDir, '<script>alert(1)<');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'script>.ts');
    writeFileSync(
      file,
      `// %% setup ${HOSTILE.join(' ')}
const data: number[] = [];
// %% busy
const end = Date.now() + 300;
while (Date.now() < end) data.push(Math.random());
// %% boom
throw new Error('boom');
// %% never run
data.length = 0;
`,
    );
    const html = join(outDir, 'cells.html');
    const result = await execa(process.execPath, [cliPath, 'cells', '-e', 'task-clock,page-faults', '-I', '20', '--html', html, file], {
      reject: false, timeout: 30_000, env: { NO_COLOR: '1' },
    });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toContain(`wrote ${html}`);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain(`<title>perfcell cells ${outDir}/&#60;script&#62;alert(1)&#60;/script&#62;.ts</title>`);
    expect(page.match(/<h2>[^<]*<\/h2>/g)).toEqual([
      '<h2>setup &#60;script&#62;alert(1)&#60;/script&#62; &#34;&#38;&#39;</h2>',
      '<h2>busy</h2>',
      '<h2>boom</h2>',
    ]);
    const { dom, bluePixels } = await checkPage(expect, html, 'cells');
    expect(dom).toContain(ESCAPED_IN_DOM);
    expect(dom).not.toContain('<script>alert(1)</script>');
    // The 300 ms busy cell has ~15 task-clock samples: its line alone inks hundreds of pixels.
    expect(bluePixels).toBeGreaterThan(500);
  }, 90_000);

  // Ten minutes at -I 10: 60,000 intervals per event had gone into the page and into each chart
  // whole (3.4 MiB for three events); each chart now draws 1,999 of them, its note beneath it.
  it('renderReportsHtml: a long run\'s thinned counter charts draw, each with its note under the chart', async ({ expect }) => {
    if (chromium === null) throw new Error(CHROMIUM_MISSING);
    const count = 60_000;
    const event = (name: string, valueAt: (index: number) => number) => {
      const samples = Array.from({ length: count }, (_, index) => ({ timeS: (index + 1) * 0.01, value: valueAt(index) }));
      const values = samples.map((sample) => sample.value);
      const total = values.reduce((sum, value) => sum + value, 0);
      return { event: name, unit: name === 'task-clock' ? 'msec' : '', status: 'counted' as const, total, countedSeconds: count * 0.01, perSecond: total / (count * 0.01), samples, min: Math.min(...values), max: Math.max(...values), lowestRunningPct: 100 };
    };
    const report: CommandReport = {
      label: 'spin 600', command: ['spin', '600'], startedAt: '2026-01-01T00:00:00.000Z', durationS: 600, exitCode: 0, signal: null,
      memory: { rssBeforeBytes: 0, rssAfterBytes: 1 << 20, usedBytes: 1 << 20, peakRssBytes: 1 << 20, peakAboveFinalBytes: 0, peakMethod: 'rusage-maxrss' },
      cpu: { systemMeanPct: 50, singleMaxPct: 100, perCpuPct: [100, 0], userS: 600, systemS: 0 },
      counters: {
        backend: 'perf', simulated: false, intervalMs: 10, unsupported: [], derived: { missRatio: null, ipc: null, missesPerKiloInstruction: null }, pauseS: 0,
        // a burst of page-faults in one interval of the sixty thousand
        events: [event('task-clock', (index) => 9 + (index % 7) / 7), event('page-faults', (index) => (index === 43_210 ? 5000 : index % 3))],
      },
      warnings: [],
      rssSeries: [{ timeS: 0.01, rssBytes: 1 << 20 }, { timeS: 600, rssBytes: 1 << 20 }],
    };
    const html = join(outDir, 'long-run.html');
    writeFileSync(html, renderReportsHtml('perfcell run', [report]));
    await checkPage(expect, html, 'long-run');
    const { value } = await chromium.evaluate(html, `(() => [...document.querySelectorAll('.chart-cell')].map((cell) => {
      const canvas = cell.querySelector('canvas').getBoundingClientRect(), note = cell.querySelector('.drawn').getBoundingClientRect();
      return { note: cell.querySelector('.drawn').textContent.split(':')[0], below: note.top >= canvas.bottom, shown: note.height > 0 && note.right <= window.innerWidth };
    }))()`);
    const note = { note: '60,000 samples, drawn as 1,999', below: true, shown: true };
    expect(value).toEqual([note, note]);
  }, 90_000);

  it('renderCompareHtml: a spread chart per metric, hostile alternative names as text', async ({ expect }) => {
    const html = join(outDir, 'compare.html');
    writeFileSync(
      html,
      renderCompareHtml({
        title: `rows vs ${HOSTILE.join(' ')}`,
        notes: ['counts from cachegrind'],
        metrics: [
          { metric: 'time', unit: 's', alternatives: [{ name: 'rows', values: [0.10, 0.12, 0.11, 0.105] }, { name: HOSTILE.join(' '), values: [0.31, 0.35, 0.29, 0.33] }], verdict: 'cols is 2.9× ± 0.3 slower; p < 0.001' },
          { metric: 'peak RSS', unit: 'bytes', alternatives: [{ name: 'rows', values: [8e6, 8.2e6, 8.1e6] }, { name: HOSTILE.join(' '), values: [8e6, 8.3e6, 8.1e6] }] },
          { metric: 'D1 misses', unit: '', alternatives: [{ name: 'rows', values: [1e5, 1.1e5] }, { name: HOSTILE.join(' '), values: [8e5, 8.2e5] }] },
        ],
      }),
    );
    const { dom, bluePixels } = await checkPage(expect, html, 'compare');
    expect(dom).toContain(ESCAPED_IN_DOM);
    expect(dom).not.toContain('<script>alert(1)</script>');
    expect(bluePixels).toBeGreaterThan(200);
  }, 90_000);

  it('renderCompareHtml: a name of one long word wraps inside its cell; the title, table and verdicts stay within a 1200 px window', async ({ expect }) => {
    if (chromium === null) throw new Error(CHROMIUM_MISSING);
    const long = `./build/${'x'.repeat(400)}`;
    const html = join(outDir, 'compare-long-name.html');
    writeFileSync(
      html,
      renderCompareHtml({
        title: `rows vs ${long}`,
        notes: [`statistical outliers in the time of '${long}'`],
        metrics: [
          { metric: 'time', unit: 's', alternatives: [{ name: 'rows', values: [0.10, 0.12, 0.11] }, { name: long, values: [0.31, 0.35, 0.29] }], verdicts: [`${long} is 2.9× ± 0.3 slower; p < 0.001`, 'another verdict'] },
        ],
      }),
    );
    // every element's right edge and text, and the widest the page scrolls to: a long word had run out of the title and
    // the verdicts, and pushed the table's numbers past the window
    const { value } = await chromium.evaluate(html, `(() => {
      const beyond = [...document.querySelectorAll('h1, li, td, th')].filter((element) => element.getBoundingClientRect().right > window.innerWidth || element.scrollWidth > element.clientWidth).map((element) => element.tagName);
      const mean = [...document.querySelectorAll('td')].find((cell) => cell.textContent === '317 ms');
      return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, beyond, meanVisible: mean !== undefined && mean.getBoundingClientRect().right <= window.innerWidth, meanLines: mean === undefined ? 0 : (() => { const range = document.createRange(); range.selectNodeContents(mean); return range.getClientRects().length; })() };
    })()`);
    expect(value).toEqual({ scrollWidth: 1200, innerWidth: 1200, beyond: [], meanVisible: true, meanLines: 1 });
  }, 90_000);

  it.sequential('compare --html: a spread chart per metric, hostile names from --names as text', async ({ expect }) => {
    const html = join(outDir, 'compare-cli.html');
    const counters = perfUsable ? ['-e', 'page-faults', '-I', '20'] : ['--no-perf'];
    const result = await execa(process.execPath, [cliPath, 'compare', '--runs', '5', '--warmup', '0', ...counters, '--names', ...HOSTILE, '--html', html, '--', 'true', 'sleep 0.05'], {
      reject: false, timeout: 30_000, env: { NO_COLOR: '1' },
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain(`wrote ${html}`);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<title>perfcell compare: &#60;script&#62;alert(1)&#60;/script&#62; vs &#34;&#38;&#39;</title>');
    // ± half the interval, or with few runs often a lopsided interval given as itself
    expect(page).toMatch(/<li><b>time<\/b>: &#34;&#38;&#39; is [\d.,]+× (± [\d.]+|\([\d.]+% CI [\d.,]+–[\d.,]+\)) slower; p (&#60;|=) [\d.]+<\/li>/);
    if (perfUsable) expect(page).toContain('<td>page-faults</td>');
    const { dom, bluePixels } = await checkPage(expect, html, 'compare-cli', 2600); // the table of 8 metrics fills the first 900 px
    expect(dom).toContain(ESCAPED_IN_DOM);
    expect(dom).not.toContain('<script>alert(1)</script>');
    expect(bluePixels).toBeGreaterThan(200);
  }, 90_000);
});
