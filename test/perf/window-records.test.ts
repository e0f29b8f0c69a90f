import { describe, expect, it } from 'vitest';
import { parsePerfStat } from '../../parsers/perf-stat.ts';
import { withinWindow } from '../../src/perf/window-records.ts';

// Rows as perf 6.1 prints `-x, -I 10 -e page-faults` over a `true`, with the times and counts of a
// window that dropped 47 page-faults on a loaded machine (2026-12-05): perf's zero read late put the
// window's end at 0.0148 s on perf's clock; the tick at 0.0205 s came before the program's real end,
// the row at SIGINT (0.0235 s) after it; then a row of perf's after the target had gone.
const rows = (text: string) => parsePerfStat(text, { format: 'csv', separator: ',' }).records;
const tick = '     0.010214444,0,,page-faults,10034617,100.00,,\n     0.020453646,3,,page-faults,10239202,100.00,,\n';
const atSigint = '     0.023515093,47,,page-faults,3061447,100.00,,\n';
const afterExit = '     0.033601214,<not counted>,,page-faults,0,100.00,,\n';

describe('withinWindow: which interval rows are a window\'s', () => {
  it('keeps a program\'s last interval that counted, after a tick its early end took for the tail', () => {
    const kept = withinWindow(rows(tick + atSigint), 0.0148, { targetExited: true });
    expect(kept.map((record) => record.value)).toEqual([0, 3, 47]);
  });

  it('leaves out the rows after a program\'s end that counted nothing', () => {
    const kept = withinWindow(rows(tick + atSigint + afterExit), 0.0148, { targetExited: true });
    expect(kept.map((record) => [record.time, record.value])).toEqual([[0.010214444, 0], [0.020453646, 3], [0.023515093, 47]]);
  });

  it('where the target lives on (this process, a REPL line), cuts at the first interval at or after the end', () => {
    expect(withinWindow(rows(tick + atSigint), 0.0148).map((record) => record.value)).toEqual([0, 3]);
    expect(withinWindow(rows(tick + atSigint), 0.021).map((record) => record.value)).toEqual([0, 3, 47]);
    expect(withinWindow(rows(tick + atSigint), null)).toHaveLength(3);
  });
});
