#!/usr/bin/env node
// HTML report size: how big `--html` of a long run is, how long perfcell takes to render and write
// it, and how long headless Chromium takes to open it and draw its charts, for this build and a
// baseline build (another checkout's dist/, e.g. the commit before a change).
//
//   npm run build && node scripts/bench-html.mjs [--baseline OTHER/dist [--baseline-name TEXT]] [--runs 5] [--write]
//
// The report is a real one: `perfcell run -I 10 --json -e task-clock,page-faults,context-switches
// -- spin 5` (test/fixtures/spin.c), whose samples are repeated, their times carried on, to the
// interval counts of long runs (real perf gives 100 intervals a second at most: an hour at -I 10
// would take an hour). Each render is a fresh node process that renders and writes the page once,
// as `perfcell run --html` does. --write replaces the `## HTML report size` section of BENCHMARKS.md.
//
// Plain .mjs on the build output (dist/): Node 20 cannot run the TypeScript sources directly.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineLine, median, writeSection } from './lib/benchmarks-md.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : args[at + 1];
};

// `--measure DIST REPORT OUT`: one render and write in a process of its own, as the CLI does it
if (args[0] === '--measure') {
  const [, dist, reportFile, out] = args;
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const start = process.hrtime.bigint();
  const { renderReportsHtml } = await import(join(dist, 'src/render/html.js'));
  const html = renderReportsHtml('perfcell run', [report], { generatedAt: report.startedAt });
  writeFileSync(out, html);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const specs = JSON.parse(/<script type="application\/json" id="perfcell-charts">(.*?)<\/script>/s.exec(html)?.[1] ?? '[]');
  process.stdout.write(JSON.stringify({ ms, bytes: Buffer.byteLength(html), mostPoints: Math.max(...specs.map((spec) => spec.x?.length ?? 0)) }));
  process.exit(0);
}

const runs = Number(option('--runs', 5));
const builds = [
  ...(option('--baseline') === undefined ? [] : [{ name: 'baseline', dist: resolve(option('--baseline')), says: option('--baseline-name', option('--baseline')) }]),
  { name: 'this build', dist: join(root, 'dist') },
];
const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((path) => existsSync(path));
const work = mkdtempSync(join(tmpdir(), 'perfcell-bench-html-'));

try {
  // a real report to repeat
  const spin = join(work, 'spin');
  execFileSync('gcc', ['-O2', '-o', spin, join(root, 'test/fixtures/spin.c')]);
  const recorded = spawnSync(process.execPath, [join(root, 'dist/app/cli.cjs'), 'run', '-I', '10', '--json', '-e', 'task-clock,page-faults,context-switches', '--', spin, '5'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (recorded.status !== 0) throw new Error(`perfcell run failed: ${recorded.stderr}`);
  const real = JSON.parse(recorded.stdout);
  const recordedIntervals = real.counters.events[0].samples.length;

  const cases = [
    { intervals: 6_000, says: '-I 100 for 10 min' },
    { intervals: 60_000, says: '-I 10 for 10 min' },
    { intervals: 360_000, says: '-I 10 for 1 h' },
  ];
  const rows = [];
  for (const { intervals, says } of cases) {
    const reportFile = join(work, `report-${intervals}.json`);
    writeFileSync(reportFile, JSON.stringify(repeated(real, intervals)));
    const row = { intervals, says, builds: [] };
    for (const build of builds) {
      const page = join(work, `${build.name.replace(/ /g, '-')}-${intervals}.html`);
      const measured = [];
      for (let run = 0; run < runs; run += 1) {
        const result = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--measure', build.dist, reportFile, page], { encoding: 'utf8', maxBuffer: 1 << 26 });
        if (result.status !== 0) throw new Error(`render failed: ${result.stderr}`);
        measured.push(JSON.parse(result.stdout));
      }
      const opened = chromium === undefined ? [] : Array.from({ length: 3 }, () => openMs(page));
      row.builds.push({
        name: build.name,
        mib: statSync(page).size / 2 ** 20,
        writeMs: median(measured.map((one) => one.ms)),
        mostPoints: measured[0].mostPoints,
        openMs: opened.length === 0 ? null : median(opened),
      });
    }
    rows.push(row);
    process.stderr.write(`${intervals}: ${row.builds.map((build) => `${build.name} ${build.mib.toFixed(2)} MiB, ${build.writeMs.toFixed(0)} ms, ${build.mostPoints} points, opened in ${build.openMs?.toFixed(0)} ms`).join('; ')}\n`);
  }
  const blankMs = chromium === undefined ? null : median(Array.from({ length: 3 }, () => openMs('about:blank')));

  const table = [
    `| intervals per event | as | build | page | render + write | points per chart (most) | Chromium opens and draws |`,
    `|---:|---|---|---:|---:|---:|---:|`,
    ...rows.flatMap((row) => row.builds.map((build) => `| ${row.intervals.toLocaleString('en-US')} | ${row.says} | ${build.name} | ${build.mib.toFixed(2)} MiB | ${build.writeMs.toFixed(0)} ms | ${build.mostPoints.toLocaleString('en-US')} | ${build.openMs === null ? '-' : `${(build.openMs / 1000).toFixed(2)} s`} |`)),
  ].join('\n');
  const body = `Command: \`npm run build && node scripts/bench-html.mjs ${args.map((arg) => (/^[\w./=-]+$/.test(arg) ? arg : `'${arg}'`)).join(' ')}\` (${runs} renders per row, median; ${machineLine()}; load average ${loadavg().map((load) => load.toFixed(2)).join(' / ')} over 1 / 5 / 15 min at the end).

Input: one real \`perfcell run -I 10 --json -e task-clock,page-faults,context-switches -- spin 5\` (${recordedIntervals} intervals), its samples repeated, times carried on, to each row's count; three counter charts and the RSS chart per page.
Render + write: a fresh node process imports the renderer, renders the page and writes it, once, as \`perfcell run --html\` does.
${builds[0].says === undefined ? '' : `Baseline: ${builds[0].says}.\n`}Chromium: \`chromium --headless --dump-dom --virtual-time-budget=5000 file://PAGE\` wall time, median of 3, until the page's script has drawn every chart; a blank page takes ${blankMs === null ? '-' : `${(blankMs / 1000).toFixed(2)} s`} (the browser's start).

${table}

What is left of render + write at 360,000 intervals is mostly the page's text report (its sample list and sparkline read every sample), which the terminal's report costs as well.`;
  process.stdout.write(`${body}\n`);
  if (args.includes('--write')) writeSection('HTML report size', body);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** The report with each event's samples repeated to `intervals`, each pass's times after the last's. */
function repeated(report, intervals) {
  return {
    ...report,
    counters: {
      ...report.counters,
      events: report.counters.events.map((event) => {
        const samples = event.samples;
        const spanS = samples.at(-1).timeS;
        return { ...event, samples: Array.from({ length: intervals }, (_, index) => {
          const sample = samples[index % samples.length];
          return { ...sample, timeS: sample.timeS + Math.floor(index / samples.length) * spanS };
        }) };
      }),
    },
  };
}

function chromiumArgs(url) {
  return ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${join(work, 'profile')}`, '--virtual-time-budget=5000', '--dump-dom', url];
}

/** Wall ms for headless Chromium to load the page and run its scripts (the DOM it dumps must say every chart drew). */
function openMs(page) {
  const url = page.startsWith('about:') ? page : `file://${page}`;
  const start = process.hrtime.bigint();
  const result = spawnSync(chromium, chromiumArgs(url), { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!page.startsWith('about:') && !/<html[^>]*data-charts-drawn="4"[^>]*data-charts-inked="4"/.test(result.stdout)) throw new Error(`chromium did not draw ${page}: ${result.stderr.slice(-500)}`);
  return ms;
}
