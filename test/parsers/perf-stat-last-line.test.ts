import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPerfStatParser, type PerfRecord } from '../../parsers/perf-stat.ts';

/*
 * pushLast(): the input's last line when no newline ended it. perf ends every line with one, so
 * such a line was cut short (`head -c`, a copy of a file perf was writing) unless its layout shows
 * it whole; a cut one must not become a record with a wrong event, value or percentage.
 */

const samples = new URL('../../samples/perf/', import.meta.url);
const captures = readdirSync(samples)
  .filter((name) => name.endsWith('.txt'))
  .sort();

/** `text` read as a stream: every line through push(), the one after the last newline through pushLast(). */
function readStream(text: string): { records: PerfRecord[]; skippedLines: number } {
  const parser = createPerfStatParser();
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  const records: PerfRecord[] = [];
  for (const line of lines) records.push(...parser.push(line));
  if (last !== '') records.push(...parser.pushLast(last));
  records.push(...parser.end());
  return { records, skippedLines: parser.skippedLines };
}

describe('the last line without a newline', () => {
  it('is skipped and counted where it was cut in its event name (the QA report)', () => {
    const human = '     0.100130464              96.13 msec task-clock   # x\n     0.100130464               8536      page-fau';
    expect(readStream(human)).toStrictEqual({
      records: [{ time: 0.100130464, event: 'task-clock', value: 96.13, unit: 'msec', status: 'counted', runningPct: null }],
      skippedLines: 1,
    });
    const csv = '375.77,msec,task-clock,375771024,100.00,0.988,CPUs utilized\n8484,,page-fa';
    expect(readStream(csv)).toStrictEqual({
      records: [{ time: null, event: 'task-clock', value: 375.77, unit: 'msec', status: 'counted', runningPct: 100 }],
      skippedLines: 1,
    });
  });

  it('is kept where it shows it is whole: perf saved by an editor, or captured by $(…)', () => {
    const whole = [
      // CSV: every column, to the metric pair (empty, or with a unit that may itself be cut)
      '8484,,page-faults,375771024,100.00,,',
      '375.77,msec,task-clock,375771024,100.00,0.988,CPUs util',
      '     0.100150932;7;;context-switches;85717810;100.00;81.659;/sec',
      // a decimal comma splits the percentage in two under -x,
      '     0.103607854,7382,,page-faults,211466459,100,00,34,K/sec',
      // human: perf's padding, a metric, a running percentage or noise after the event
      '     0.200354348              4,045 cache-misses             ',
      '     0.100145494              15552      page-faults                      #  189.176 K/s',
      '        604,097,080      cpu_atom/cycles/                                              (99.57%)',
      '         3,849,533      cycles:u                  ( +-  0.45% )',
      // JSON: a closed object
      '{"interval" : 0.103663655, "counter-value" : "86.610299", "unit" : "msec", "event" : "task-clock", "event-runtime" : 86610299, "pcnt-running" : 100.00}',
    ];
    for (const line of whole) {
      const { records, skippedLines } = readStream(line);
      expect([records.length, skippedLines], line).toEqual([1, 0]);
      // as it reads with its newline
      expect(records, line).toStrictEqual(readStream(`${line}\n`).records);
    }
  });

  it('is skipped and counted where it may have been cut', () => {
    const cut = [
      // CSV: short of the metric pair, which perf 4.x on prints on every row (empty or not)
      '8484,,page-faults,375771024,100.00',
      '8484,,page-faults,375771024,100.00,',
      '8484,,page-faults,3757',
      '     0.100150932,0,,cpu-migrations,8571',
      'S0,2,8536,,page-fa',
      // human: a word at the end (event, cgroup, or the unit read as an event), or an open percentage
      '     0.100130464               8536      page-faults',
      '     0.100130464              96.13 msec ',
      '        83723.452481      task-clock:u ',
      '        604,097,080      cpu_atom/cycles/                                              (99',
      '        604,097,080      cpu_atom/cycles/     #    1.23 GHz     (99.5',
    ];
    for (const line of cut) expect(readStream(line), line).toStrictEqual({ records: [], skippedLines: 1 });
  });

  it("is skipped where it is a continuation line cut in the running percentage of the row held before it", () => {
    const row = '         4,299,124      instructions                     #    1.12  insn per cycle            ';
    const continuation = '                                                  #    0.27  stalled cycles per insn     (64';
    const instructions = { time: null, event: 'instructions', value: 4299124, unit: '', status: 'counted', runningPct: null };
    expect(readStream(`${row}\n${continuation}`)).toStrictEqual({ records: [instructions], skippedLines: 1 });
    expect(readStream(`${row}\n${continuation})`)).toStrictEqual({ records: [{ ...instructions, runningPct: 64 }], skippedLines: 0 });
  });

  it.each(captures)('%s cut at every byte offset gives only records the whole capture has', (file) => {
    const bytes = readFileSync(new URL(file, samples));
    const whole = readStream(bytes.toString('utf8')).records;
    expect(whole.length).toBeGreaterThan(0);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { records } = readStream(bytes.subarray(0, cut).toString('utf8'));
      // a cut in perf's padding reads as whole: a running percentage perf prints after it is lost
      const expected = whole.slice(0, records.length).map((record, index) => (index === records.length - 1 && records[index]?.runningPct === null ? { ...record, runningPct: null } : record));
      if (JSON.stringify(records) !== JSON.stringify(expected)) expect({ cut, records }).toStrictEqual({ cut, records: expected });
    }
  });
});
