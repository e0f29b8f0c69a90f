import { execSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { errorContent, REPORT_MIME, reportBundle, valueBundle } from '../../src/kernel/display.ts';
import { escapeHtml, renderReportHtml } from '../../src/kernel/report-html.ts';
import type { CommandReport } from '../../src/session/report.ts';
import { cpuText } from '../../src/render/cpu-text.ts';

const MIB = 1024 * 1024;
const report: CommandReport = {
  label: 'In [3]',
  startedAt: '2026-12-01T00:00:00.000Z',
  durationS: 0.25,
  exitCode: 0,
  signal: null,
  memory: { rssBeforeBytes: 50 * MIB, rssAfterBytes: 178 * MIB, usedBytes: 128 * MIB, peakRssBytes: 180 * MIB, peakAboveFinalBytes: 2 * MIB, peakMethod: 'vmhwm-reset' },
  cpu: { systemMeanPct: 50, singleMaxPct: 100, perCpuPct: [50, 50], userS: 0.2, systemS: 0.05 } as CommandReport['cpu'],
  counters: {
    backend: 'perf',
    simulated: false,
    intervalMs: 100,
    events: [
      { event: 'page-faults', unit: '', status: 'counted', total: 32817, countedSeconds: 0.25, perSecond: 131268, samples: [{ timeS: 0.1, value: 10000 }, { timeS: 0.2, value: 20000 }, { timeS: 0.25, value: 2817 }], min: 2817, max: 20000, lowestRunningPct: 100 },
    ],
    unsupported: [{ event: 'cache-misses', reason: 'not supported on this machine (no PMU)' }],
    derived: { missRatio: null, ipc: null, missesPerKiloInstruction: null },
    pauseS: 0,
  } as CommandReport['counters'],
  warnings: [],
};

describe('the report under a notebook cell', () => {
  it('has the REPL text, an HTML table with sparklines, and the JSON', () => {
    const bundle = reportBundle(report, { eventOrder: ['cache-misses', 'page-faults'], notes: ['a <note>'] });
    expect(String(bundle['text/plain']).split('\n')[0]).toMatch(/^In \[3\] used 128\.0 MiB RAM in 0\.25s .*peaked 2\.0 MiB above final usage, current RAM usage now 178\.0 MiB$/);
    // The report's own fields (a versioned JSON document may wrap them with format fields).
    expect(bundle[REPORT_MIME]).toMatchObject({ label: 'In [3]', durationS: 0.25, memory: report.memory, counters: { events: report.counters.events } });
    const html = String(bundle['text/html']);
    expect(html).toContain('<caption style="text-align:left;font-weight:bold;padding:1px 8px">In [3] · perfcell</caption>');
    // RSS at start, peak, end; page-faults per interval.
    expect(html).toContain('▃██');
    expect(html).toContain('▅█▂');
    expect(html).toContain('0.25s; cpu 0.25s; machine-wide mean 50%, busiest cpu 100%');
    expect(html).toContain('32,817 (131,268/s)');
    expect(html).toContain('cache-misses');
    expect(html).toContain('a &lt;note&gt;');
    expect(renderReportHtml({ ...report, label: '<script>' })).not.toContain('<script>');
  });

  // The HTML table's time row was a second copy of the text's CPU words, and told a window too short
  // for /proc/stat by a null machine-wide mean instead of the report's own flag.
  it("has the text report's CPU words in its time row, whatever the window", () => {
    const shapes: CommandReport['cpu'][] = [
      { ...report.cpu, ownPct: 99.5 },
      { ...report.cpu, systemMeanPct: null, singleMaxPct: null, perCpuPct: [], machineWindowTooShort: true, ownPctWithheld: 'window-too-short' },
      { ...report.cpu, childrenS: 1.2 },
      { ...report.cpu, userS: null, systemS: null },
      // /proc/stat unreadable: no machine-wide figure, and not for a short window
      { ...report.cpu, systemMeanPct: null, singleMaxPct: null, perCpuPct: [], machineWindowTooShort: false },
    ] as CommandReport['cpu'][];
    for (const cpu of shapes) {
      const text = cpuText(cpu);
      expect(renderReportHtml({ ...report, cpu })).toContain(`0.25s; ${escapeHtml(text.slice(1, -1))}</td>`);
    }
  });

  it("shows perf's ns events (duration_time) as times, as the text reports do", () => {
    const durationTime = { event: 'duration_time', unit: 'ns', status: 'counted', total: 256_239_648, countedSeconds: 0.25, perSecond: 1_014_514_590, samples: [], min: null, max: null, lowestRunningPct: 100 };
    const html = renderReportHtml({ ...report, counters: { ...report.counters, events: [durationTime] } as CommandReport['counters'] });
    expect(html).toContain('256 ms (1.01 s/s)');
    expect(html).not.toContain('256,239,648');
  });

  it("has -M's perf metrics as a row of the HTML table, as the text/plain has them on its counters line", () => {
    const metrics = [{ name: 'tma_backend_bound', value: 70.1, unit: '%', readings: 3 }];
    const bundle = reportBundle({ ...report, counters: { ...report.counters, metrics } as CommandReport['counters'] });
    expect(String(bundle['text/plain'])).toContain('perf metrics: tma_backend_bound 70.10%');
    expect(String(bundle['text/html'])).toContain('>perf metrics</td><td style="padding:1px 8px;text-align:left;">tma_backend_bound 70.10%</td>');
    expect(String(reportBundle(report)['text/html'])).not.toContain('perf metrics');
  });

  it('has the text report\'s gc line as a row of the HTML table, the same figures', () => {
    const gc = { counts: { minor: 12, major: 1, incremental: 0, weak: 0 }, collections: 13, pauseTotalMs: 3.14, pauseLongestMs: 0.6, reclaimedBytes: 91.9 * MIB };
    const bundle = reportBundle({ ...report, gc });
    expect(String(bundle['text/plain'])).toContain('gc  12 minor, 1 major  pause 3.1 ms total, longest 0.6 ms  reclaimed 91.9 MiB');
    expect(String(bundle['text/html'])).toContain('>gc</td><td style="padding:1px 8px;text-align:left;">12 minor, 1 major; pause 3.1 ms total, longest 0.6 ms; reclaimed 91.9 MiB</td>');
    // nothing collected: no row, as the text has no line
    expect(String(reportBundle(report)['text/html'])).not.toContain('>gc</td>');
  });

  it('escapes HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('values and errors as Jupyter outputs', () => {
  it('shows a value as util.inspect text, plus what it offers (_repr_html_, toHTML, _repr_markdown_)', () => {
    expect(valueBundle(42)).toEqual({ 'text/plain': '42' });
    expect(valueBundle('text')).toEqual({ 'text/plain': "'text'" });
    expect(valueBundle({ toHTML: () => '<i>x</i>' })['text/html']).toBe('<i>x</i>');
    expect(valueBundle({ _repr_markdown_: () => '**x**', _repr_html_: () => 7 })).toEqual({ 'text/plain': '{ _repr_markdown_: [Function: _repr_markdown_], _repr_html_: [Function: _repr_html_] }', 'text/markdown': '**x**' });
    expect(valueBundle({ toHTML: () => { throw new Error('broken'); } })).not.toHaveProperty('text/html');
    // a Proxy whose get trap throws for every name: asking it for _repr_html_ is no rich value either
    expect(valueBundle(new Proxy({}, { get() { throw new Error('trap'); } }))).toEqual({ 'text/plain': '{}' });
  });

  it('turns a throw into ename, evalue and the traceback without perfcell frames', () => {
    const error = new RangeError('too far');
    error.stack = 'RangeError: too far\n    at cell:1:7\n    at Script.runInThisContext (node:vm:137:12)\n    at REPLServer.defaultEval (node:repl:598:29)';
    expect(errorContent(error)).toEqual({ ename: 'RangeError', evalue: 'too far', traceback: ['RangeError: too far', '    at cell:1:7'] });
    expect(errorContent('plain')).toEqual({ ename: 'Uncaught', evalue: "'plain'", traceback: ["Uncaught 'plain'"] });
    // a thrown value whose inspect throws is shown by that throw, as Node's REPL shows it
    expect(errorContent({ [Symbol.for('nodejs.util.inspect.custom')]: () => { throw new TypeError('cannot show'); } })).toMatchObject({ ename: 'TypeError', evalue: 'cannot show' });
    const interrupted = Object.assign(new Error('Script execution was interrupted by `SIGINT`'), { code: 'ERR_SCRIPT_EXECUTION_INTERRUPTED' });
    expect(errorContent(interrupted).ename).toBe('Interrupted');
    // a child the interrupt's SIGINT killed (the kernel's group gets it), its error thrown before the
    // kernel's own SIGINT stopped the script: an interruption too, its message kept
    let killed: unknown;
    try {
      execSync('kill -INT $$', { stdio: 'ignore' });
    } catch (error: unknown) {
      killed = error;
    }
    expect((killed as { signal?: string }).signal).toBe('SIGINT');
    expect(errorContent(killed)).toMatchObject({ ename: 'Interrupted', evalue: (killed as Error).message });
    // a child that failed otherwise is its own error
    let failed: unknown;
    try {
      execSync('exit 3', { stdio: 'ignore' });
    } catch (error: unknown) {
      failed = error;
    }
    expect(errorContent(failed).ename).toBe('Error');
  });
});
