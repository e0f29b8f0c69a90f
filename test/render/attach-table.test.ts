import { describe, expect, it } from 'vitest';
import type { IntervalRow } from '../../src/attach/interval-row.ts';
import { renderAttachFrame } from '../../src/render/attach-table.ts';

const MIB = 1024 * 1024;

function row(index: number): IntervalRow {
  return {
    timeS: (index + 1) * 0.1,
    intervalS: 0.1,
    rssBytes: (10 + index) * MIB,
    cpuPct: index % 2 === 0 ? 100 : 50,
    systemCpuPct: 50,
    events: [
      { event: 'task-clock', unit: 'msec', status: 'counted', value: 100, perSecond: 1000 - index },
      { event: 'page-faults', unit: '', status: 'counted', value: index * 10, perSecond: index * 100 },
      { event: 'cache-misses', unit: '', status: 'not supported', value: null, perSecond: null },
    ],
  };
}

const options = { pid: 42, comm: 'spin', intervalMs: 100, width: 90, height: 14, sparkWidth: 12 };

describe('renderAttachFrame', () => {
  it('shows the newest rows that fit, then a sparkline per column', () => {
    const rows = Array.from({ length: 12 }, (_, index) => row(index));
    expect(renderAttachFrame(rows, options)).toMatchInlineSnapshot(`
      "pid 42 (spin), every 100 ms; Ctrl-C ends the watch with a summary
      not supported here: cache-misses (perfcell doctor says why)
          time         RSS    CPU  task-clock msec/s  page-faults/s
         0.70s    16.0 MiB   100%                994            600
         0.80s    17.0 MiB    50%                993            700
         0.90s    18.0 MiB   100%                992            800
         1.00s    19.0 MiB    50%                991            900
         1.10s    20.0 MiB   100%                990          1,000
         1.20s    21.0 MiB    50%                989          1,100
      RSS          ▄▅▅▅▆▆▆▇▇▇██  10.0 MiB … 21.0 MiB
      CPU          █▅█▅█▅█▅█▅█▅  50% … 100%
      task-clock   ████████████  989/s … 1,000/s
      page-faults  ▁▂▂▃▄▄▅▅▆▇▇█  0/s … 1,100/s"
    `);
  });

  it('fits the terminal: never more lines than its height, never wider than its width', () => {
    const rows = Array.from({ length: 500 }, (_, index) => row(index));
    for (const [width, height] of [[40, 10], [80, 24], [200, 60]] as const) {
      const lines = renderAttachFrame(rows, { ...options, width, height, sparkWidth: 30 }).split('\n');
      expect(lines.length).toBeLessThanOrEqual(height);
      for (const line of lines) expect([...line].length).toBeLessThanOrEqual(width);
    }
  });

  it('marks a gone process and draws no sparklines from a single row', () => {
    const gone: IntervalRow = { ...row(0), rssBytes: null, cpuPct: null };
    const text = renderAttachFrame([gone], options);
    expect(text).toContain('gone');
    expect(text).not.toMatch(/[▁▂▃▄▅▆▇█]/);
  });
});
