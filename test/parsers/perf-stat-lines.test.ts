import { describe, expect, it } from 'vitest';
import { createPerfStatParser, parsePerfStat, type PerfRecord, type PerfStatParserOptions } from '../../parsers/perf-stat.ts';

/** A record as the oracle writes it: totals row, counted, no running percentage unless given. */
function row(event: string, value: number | null, extra: Partial<PerfRecord> = {}): PerfRecord {
  return {
    time: null,
    event,
    value,
    unit: '',
    status: value === null ? 'not supported' : 'counted',
    runningPct: null,
    ...extra,
  };
}

const read = (text: string, options: PerfStatParserOptions = {}) => parsePerfStat(text, options);

describe('perf 6.1 on this VM in other locales (perf stat [-x S|-j] report of one recording)', () => {
  it('de_DE -x, splits decimal commas into two fields; the true values come back', () => {
    const text = [
      '     0.103607854,211,43,msec,task-clock,211423046,100,00,,',
      '     0.103607854,7382,,page-faults,211466459,100,00,34,K/sec',
      '     0.103607854,<not supported>,,cycles,0,100,00,,',
      'S0-D0-C0,1,462,48,msec,task-clock,462475066,100,00,1,CPUs utilized',
      '328,24,msec,task-clock,0,78%,328235776,100,00,0,CPUs utilized',
    ].join('\n');
    const result = read(text);
    expect(result.format).toBe('csv');
    expect(result.skippedLines).toBe(0);
    expect(result.records).toStrictEqual([
      row('task-clock', 211.43, { time: 0.103607854, unit: 'msec', runningPct: 100 }),
      row('page-faults', 7382, { time: 0.103607854, runningPct: 100 }),
      row('cycles', null, { time: 0.103607854, runningPct: 100 }),
      row('task-clock', 462.48, { unit: 'msec', runningPct: 100, core: 'S0-D0-C0' }),
      // -r 3: the variance `0,78%` sits between the event and the runtime, split in two
      row('task-clock', 328.24, { unit: 'msec', runningPct: 100 }),
    ]);
  });

  it('de_DE -j prints invalid JSON numbers (100,00 and 0,000000 unquoted)', () => {
    const text =
      '{"interval" : 0.103607854, "die" : "S0-D0", "aggregate-number" : 2, "counter-value" : "211,425701", "unit" : "msec", "event" : "task-clock", "event-runtime" : 211423046, "pcnt-running" : 100,00, "metric-value" : 0,000000, "metric-unit" : "CPUs utilized"}';
    expect(read(text).records).toStrictEqual([
      row('task-clock', 211.425701, { time: 0.103607854, unit: 'msec', runningPct: 100, die: 'S0-D0' }),
    ]);
  });

  it('ps_AF uses U+066B as the decimal point and U+066C to group, in all three formats', () => {
    const human = [
      'S0-D0-C0           1             462\u066b48 msec task-clock                       #    1\u066b000 CPUs utilized         ',
      'S0-D0-C0           1             59\u066c965      page-faults                      #  129\u066b661 K/sec                 ',
    ].join('\n');
    expect(read(human).records).toStrictEqual([
      row('task-clock', 462.48, { unit: 'msec', core: 'S0-D0-C0' }),
      row('page-faults', 59965, { core: 'S0-D0-C0' }),
    ]);
    for (const separator of [';', ',']) {
      const line = ['924\u066b91', 'msec', 'task-clock', '924914176', '100\u066b00', '2', 'CPUs utilized'].join(separator);
      expect(read(line).records).toStrictEqual([row('task-clock', 924.91, { unit: 'msec', runningPct: 100 })]);
    }
    const json =
      '{"counter-value" : "924\u066b914176", "unit" : "msec", "event" : "task-clock", "event-runtime" : 924914176, "pcnt-running" : 100\u066b00, "metric-value" : 2\u066b000176, "metric-unit" : "CPUs utilized"}';
    expect(read(json).records).toStrictEqual([row('task-clock', 924.914176, { unit: 'msec', runningPct: 100 })]);
  });

  it.each([
    ['fr_FR', 'S0        2             62\u202f189      page-faults                      #   67,238 K/sec', row('page-faults', 62189, { socket: 'S0' })],
    ['de_CH', 'N0        2             62\u2019189      page-faults                      #   67.238 K/sec', row('page-faults', 62189, { node: 'N0' })],
    ['sv_SE', '     0.103607854 CPU0                    4\u202f117      page-faults                      #   39,688 K/sec', row('page-faults', 4117, { time: 0.103607854, cpu: 0 })],
    ['en_IN', '      31,56,31,161      software/config=0,period=100000/ #    0.522 CPUs utilized', row('software/config=0,period=100000/', 315631161)],
    ['de_DE', '            33.547      page-faults                      #   96,431 K/sec', row('page-faults', 33547)],
    ['de_DE', '            347,88 msec task-clock                       #    0,513 CPUs utilized', row('task-clock', 347.88, { unit: 'msec' })],
  ])('reads %s thousands separators and decimal points in the human format', (_locale, line, expected) => {
    expect(read(line).records).toStrictEqual([expected]);
  });

  it('learns the decimal point from records only, not from foreign lines', () => {
    // a de_DE capture with someone's output in it: `1.5 ms per op` must not teach `.` as the decimal point
    const text = ['1.5 ms per op', '            347,88 msec task-clock', '           112.585      page-faults'].join('\n');
    expect(read(text).records).toStrictEqual([row('task-clock', 347.88, { unit: 'msec' }), row('page-faults', 112585)]);
  });

  it('reads -G cgroup columns in the human and CSV formats', () => {
    const text = [
      '            102,29 msec task-clock                       pcparsetest #    0,999 CPUs utilized          ',
      '                 1      context-switches                 pcparsetest #    9,777 /sec                   ',
      '     0.100190464 CPU0            <not counted> msec task-clock                pcparsetest                                   ',
      'S0        1    <not supported>      cycles                    pcparsetest                                   ',
    ].join('\n');
    expect(read(text).records).toStrictEqual([
      row('task-clock', 102.29, { unit: 'msec', cgroup: 'pcparsetest' }),
      row('context-switches', 1, { cgroup: 'pcparsetest' }),
      row('task-clock', null, { time: 0.100190464, unit: 'msec', status: 'not counted', cpu: 0, cgroup: 'pcparsetest' }),
      row('cycles', null, { socket: 'S0', cgroup: 'pcparsetest' }),
    ]);
    expect(read('S0,1,<not counted>,msec,task-clock,pcparsetest,0,100.00,,').records).toStrictEqual([
      row('task-clock', null, { unit: 'msec', status: 'not counted', runningPct: 100, socket: 'S0', cgroup: 'pcparsetest' }),
    ]);
  });

  it('keeps a PMU event whose terms hold the CSV separator', () => {
    const text = '325961974,,software/config=0,period=100000/,326284170,100.00,0.637,CPUs utilized';
    expect(read(text).records).toStrictEqual([row('software/config=0,period=100000/', 325961974, { runningPct: 100 })]);
  });

  it('reads units other than msec (duration_time ns) and a multi-character -x', () => {
    expect(read('         400027886 ns   duration_time                    #    1.277 G/sec').records).toStrictEqual([
      row('duration_time', 400027886, { unit: 'ns' }),
    ]);
    const text = '     0.103607854::211.43::msec::task-clock::211423046::100.00::::';
    expect(read(text, { separator: '::' }).records).toStrictEqual([
      row('task-clock', 211.43, { time: 0.103607854, unit: 'msec', runningPct: 100 }),
    ]);
  });

  it('keeps event modifiers under -x: (cycles:u)', () => {
    expect(read('1234::cycles:u:5678:100.00::', { separator: ':' }).records).toStrictEqual([row('cycles:u', 1234, { runningPct: 100 })]);
    expect(read('1234::cycles:ppp:benchgrp:5678:100.00::').records).toStrictEqual([
      row('cycles:ppp', 1234, { runningPct: 100, cgroup: 'benchgrp' }),
    ]);
  });

  it('finds the separator of -x with any character', () => {
    for (const separator of [';', '\t', '|', '!']) {
      const line = ['     0.100144766', '77.56', 'msec', 'task-clock', '77563084', '100.00', '0.776', 'CPUs utilized'].join(separator);
      const result = read(line);
      expect(result.format).toBe('csv');
      expect(result.records).toStrictEqual([row('task-clock', 77.56, { time: 0.100144766, unit: 'msec', runningPct: 100 })]);
    }
  });

  it('ignores --table rows, metric-only JSON and perf hints without counting them', () => {
    const text = [
      '            351,12 msec task-clock                       #    0,956 CPUs utilized            ( +-  0,79% )',
      '',
      '           # Table of individual measurements:',
      '           0,37079 (+0,00357) #',
      '           0,36317 (-0,00405) #',
      '',
      '           # Final result:',
      '           0,36723 +- 0,00221 seconds time elapsed  ( +-  0,60% )',
      "Some events weren't counted. Try disabling the NMI watchdog:",
      '\techo 0 > /proc/sys/kernel/nmi_watchdog',
    ].join('\n');
    const result = read(text);
    expect(result.records).toStrictEqual([row('task-clock', 351.12, { unit: 'msec' })]);
    expect(result.skippedLines).toBe(0);
    const json = read('{"interval" : 0.404324235}{"metric-value" : ""}{"metric-value" : ""}');
    expect(json).toStrictEqual({ records: [], skippedLines: 0, format: 'json' });
  });
});

describe('layouts of older perf (reconstructed from builtin-stat.c / stat-display.c of each version)', () => {
  it('perf 2.6: task-clock-msecs and (scaled from ...)', () => {
    const text = [
      '       1.187591  task-clock-msecs         #      0.765 CPUs ',
      '        2624066  cycles                   #   2209.597 M/sec  (scaled from 66.46%)',
    ].join('\n');
    expect(read(text).records).toStrictEqual([row('task-clock-msecs', 1.187591), row('cycles', 2624066, { runningPct: 66.46 })]);
  });

  it('perf 3.x: no unit column, [62.97%] multiplexing, running percentage after the last metric', () => {
    const text = [
      '          1.102484 task-clock                #    0.682 CPUs utilized          ',
      '         2,624,066 cycles                    #    2.380 GHz                     [62.97%]',
      '         3,051,113 instructions              #    1.16  insns per cycle        ',
      '                                             #    0.45  stalled cycles per insn [75.36%]',
      '     1.000163413 S0-C0           2          3,048,621 cycles',
    ].join('\n');
    expect(read(text).records).toStrictEqual([
      row('task-clock', 1.102484),
      row('cycles', 2624066, { runningPct: 62.97 }),
      row('instructions', 3051113, { runningPct: 75.36 }),
      row('cycles', 3048621, { time: 1.000163413, core: 'S0-C0' }),
    ]);
  });

  it('perf 3.x CSV: count, event (no unit, no runtime), with -r variance', () => {
    const text = ['1.102484,task-clock', '2624066,cycles,1.23%', '<not counted>,cycles', 'CPU0,1234,cycles', '     1.000163413,3048621,cycles'].join('\n');
    expect(read(text).records).toStrictEqual([
      row('task-clock', 1.102484),
      row('cycles', 2624066),
      row('cycles', null, { status: 'not counted' }),
      row('cycles', 1234, { cpu: 0 }),
      row('cycles', 3048621, { time: 1.000163413 }),
    ]);
  });

  it('perf 4.x: the unit in the name, cut short by the 25-byte name buffer', () => {
    const text = [
      '        83723.452481      task-clock:u (msec)       #    1.004 CPUs utilized',
      '        83723.452481      very-long-name-event (ms  #    1.004 CPUs utilized',
    ].join('\n');
    expect(read(text).records).toStrictEqual([
      row('task-clock:u', 83723.452481, { unit: 'msec' }),
      row('very-long-name-event', 83723.452481, { unit: 'msec' }),
    ]);
    // CSV with a fractional count and an empty unit (task-clock had no unit yet)
    expect(read('1.102484,,task-clock,1102484,100.00').records).toStrictEqual([row('task-clock', 1.102484, { runningPct: 100 })]);
  });
});

describe('human format details', () => {
  it('takes the running percentage from a metric continuation line, and (64) without %', () => {
    const text = [
      '         4,299,124      instructions                     #    1.12  insn per cycle            ',
      '                                                  #    0.27  stalled cycles per insn     (64)',
      '     2.000163413 S0        2          3,048,621 cycles                     (64)',
    ].join('\n');
    expect(read(text).records).toStrictEqual([
      row('instructions', 4299124, { runningPct: 64 }),
      row('cycles', 3048621, { time: 2.000163413, socket: 'S0', runningPct: 64 }),
    ]);
  });

  it('does not give a metricgroup line’s percentage to the row above it', () => {
    const text = [
      '         1,032,146      cpu_atom/branch-misses/          #  127.47% of all branches             (63.33%)',
      '             TopdownL1 (cpu_atom)                 #     13.6 %  tma_bad_speculation      (63.36%)',
      '                                                  #     41.1 %  tma_frontend_bound       (63.54%)',
    ].join('\n');
    expect(read(text).records).toStrictEqual([row('cpu_atom/branch-misses/', 1032146, { runningPct: 63.33 })]);
  });

  it('strips ^C, colour escapes and CR, and reads comm-pid with spaces in comm', () => {
    const text = [
      '^C     0.540776125              34.53 msec task-clock                       #    0.345 CPUs utilized          \r',
      '          5931      page-faults         #  \x1b[32m171.774 K/sec\x1b[m',
      '       Web Content-4242                423.00 msec task-clock                       #    0.798 CPUs utilized',
    ].join('\n');
    expect(read(text).records).toStrictEqual([
      row('task-clock', 34.53, { time: 0.540776125, unit: 'msec' }),
      row('page-faults', 5931),
      row('task-clock', 423, { unit: 'msec', thread: 'Web Content-4242' }),
    ]);
  });

  it('counts lines that look like data but are not, and reads none of them as a record', () => {
    const text = ['            page-faults', '100 iterations done', '      1,234', '     5.000000000', '      85,967      cycles'].join('\n');
    const result = read(text);
    expect(result.records).toStrictEqual([row('cycles', 85967)]);
    expect(result.skippedLines).toBe(3);
  });
});

describe('captures published elsewhere', () => {
  it('reads a perf output quoted in a mail reply', () => {
    const text = [
      '> #           time             counts unit events',
      '>      1.000389902          1,536,093      cycles',
      '>>      1.000389902            420,226      instructions              #    0.27  insn per cycle',
      '> ',
    ].join('\n');
    expect(read(text).records).toStrictEqual([
      row('cycles', 1536093, { time: 1.000389902 }),
      row('instructions', 420226, { time: 1.000389902 }),
    ]);
  });

  it('reads fr_FR.ISO-8859-1 grouping (byte 0xA0) from a file read as UTF-8', () => {
    const latin1 = Buffer.from('            33\xa0547      page-faults                      #   96,431 K/sec', 'latin1');
    expect(read(latin1.toString('utf8')).records).toStrictEqual([row('page-faults', 33547)]);
  });
});

describe('the parser object', () => {
  it('starts without a format and locks onto the first one that yields a record', () => {
    const parser = createPerfStatParser();
    expect(parser.format).toBeUndefined();
    expect(parser.push('# started on Mon Apr 14 12:53:58 2025')).toEqual([]);
    expect(parser.format).toBeUndefined();
    parser.push('     0.100144766;77.56;msec;task-clock;77563084;100.00;0.776;CPUs utilized');
    expect(parser.format).toBe('csv');
    expect(parser.separator).toBe(';');
    // locked: a human row is now a line it cannot read
    parser.push('         2,624,066 cycles                    #    2.380 GHz');
    expect(parser.skippedLines).toBe(1);
  });

  it('reads only the format it is given', () => {
    const csvLine = '576.76,msec,task-clock,576758210,100.00,0.850,CPUs utilized';
    expect(read(csvLine, { format: 'human' }).records).toEqual([]);
    expect(read(csvLine, { format: 'json' }).records).toEqual([]);
    expect(read(csvLine, { format: 'csv' }).records).toHaveLength(1);
    expect(read(csvLine, { format: 'csv', separator: ';' }).records).toEqual([]);
    // a separator alone means CSV
    expect(read('576.76;msec;task-clock;576758210;100.00;0.850;CPUs utilized', { separator: ';' }).format).toBe('csv');
  });

  it('names every record right however many distinct events stream by (more than any name cache holds), prefixes included', () => {
    const parser = createPerfStatParser({ format: 'csv', separator: ',' });
    const names = Array.from({ length: 300 }, (_, index) => [`ev${index}`, `ev${index}:u`, `cpu_core/ev${index}/`]).flat();
    const records: PerfRecord[] = [];
    for (let round = 0; round < 3; round += 1) {
      for (const [index, name] of names.entries()) records.push(...parser.push(`${round}.5,${index},,${name},1000,100.00,,`));
    }
    records.push(...parser.end());
    expect(records.map((record) => record.event)).toEqual([...names, ...names, ...names]);
    expect(records.map((record) => record.value)).toEqual([0, 1, 2].flatMap(() => names.map((_, index) => index)));
  });
});
