import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CachegrindFormatError, mergeCachegrindProfiles, parseCacheDescription, parseCachegrind } from '../../parsers/cachegrind.ts';

const samplesDir = join(import.meta.dirname, '../../samples/cachegrind');
const sampleNames = readdirSync(samplesDir).filter((name) => name.endsWith('.cachegrind.out'));
const readSample = (name: string) => readFileSync(join(samplesDir, name), 'utf8');

/** Column sums of every `LINE COUNT…` row, done here with BigInt, independently of the parser. */
function sumRows(text: string, eventCount: number): bigint[] {
  const sums = new Array<bigint>(eventCount).fill(0n);
  for (const line of text.split('\n')) {
    if (!/^\d/.test(line)) continue;
    line.split(' ').slice(1).forEach((field, index) => {
      sums[index]! += BigInt(field);
    });
  }
  return sums;
}

/** valgrind's own end-of-run summary from the matching .valgrind.log: "D1  misses: 74,095 (…)". */
function readValgrindSummary(name: string): Map<string, number> {
  const log = readFileSync(join(samplesDir, name.replace('.cachegrind.out', '.valgrind.log')), 'utf8');
  const summary = new Map<string, number>();
  for (const match of log.matchAll(/^==\d+== (\S+)\s+(\S+):\s+([\d,]+)(?:\s+\(\s*([\d,]+) rd\s+\+\s+([\d,]+) wr\))?/gm)) {
    const label = `${match[1]} ${match[2]}`;
    summary.set(label, Number(match[3]!.replaceAll(',', '')));
    if (match[4] !== undefined) summary.set(`${label} rd`, Number(match[4].replaceAll(',', '')));
    if (match[5] !== undefined) summary.set(`${label} wr`, Number(match[5].replaceAll(',', '')));
  }
  return summary;
}

describe('parseCachegrind on recorded captures', () => {
  it('has the captures the README lists', () => {
    expect(sampleNames.length).toBe(5);
  });

  it.each(sampleNames)('%s: the summary line equals the sum of all rows', (name) => {
    const text = readSample(name);
    const profile = parseCachegrind(text);
    expect(profile.hasSummary).toBe(true);
    const sums = sumRows(text, profile.events.length);
    profile.events.forEach((event, index) => {
      expect(BigInt(profile.totals[event]!)).toBe(sums[index]);
      expect(profile.rowTotals[event]).toBe(profile.totals[event]);
    });
  });

  it.each(sampleNames)('%s: totals agree with valgrind’s own summary of the run', (name) => {
    const { totals, events } = parseCachegrind(readSample(name));
    const valgrind = readValgrindSummary(name);
    expect(totals['Ir']).toBe(valgrind.get('I refs'));
    if (!events.includes('D1mr')) {
      expect(events).toEqual(['Ir']);
      expect(valgrind.has('D1 misses')).toBe(false);
      return;
    }
    expect(totals['I1mr']).toBe(valgrind.get('I1 misses'));
    expect(totals['ILmr']).toBe(valgrind.get('LLi misses'));
    expect(totals['Dr']).toBe(valgrind.get('D refs rd'));
    expect(totals['Dw']).toBe(valgrind.get('D refs wr'));
    expect(totals['D1mr']).toBe(valgrind.get('D1 misses rd'));
    expect(totals['D1mw']).toBe(valgrind.get('D1 misses wr'));
    expect(totals['DLmr']).toBe(valgrind.get('LLd misses rd'));
    expect(totals['DLmw']).toBe(valgrind.get('LLd misses wr'));
  });

  it('reads the command, the event list and the cache geometry', () => {
    const profile = parseCachegrind(readSample('rowcol-col-64.small-caches.cachegrind.out'));
    expect(profile.command).toBe('./rowcol-static col 64');
    expect(profile.events).toEqual(['Ir', 'I1mr', 'ILmr', 'Dr', 'D1mr', 'DLmr', 'Dw', 'D1mw', 'DLmw']);
    // The geometry the recording asked for with --I1=16384,4,64 --D1=8192,2,32 --LL=1048576,1,64.
    expect(profile.caches).toEqual([
      { level: 'I1', sizeBytes: 16384, lineSizeBytes: 64, associativity: 4 },
      { level: 'D1', sizeBytes: 8192, lineSizeBytes: 32, associativity: 2 },
      { level: 'LL', sizeBytes: 1048576, lineSizeBytes: 64, associativity: 1 },
    ]);
    expect(profile.descriptions).toEqual([
      'I1 cache:         16384 B, 64 B, 4-way associative',
      'D1 cache:         8192 B, 32 B, 2-way associative',
      'LL cache:         1048576 B, 64 B, direct-mapped',
    ]);
  });

  it('shows the column walk missing D1 on every read, the row walk once per 64-byte line', () => {
    const n = 256;
    const doublesPerLine = 64 / 8;
    const row = parseCachegrind(readSample('rowcol-row-256.static.cachegrind.out')).totals;
    const col = parseCachegrind(readSample('rowcol-col-256.static.cachegrind.out')).totals;
    // Row-wise: one compulsory miss per line of the matrix, plus a few hundred for libc start-up.
    expect(row['D1mr']).toBeGreaterThanOrEqual((n * n) / doublesPerLine);
    expect(row['D1mr']).toBeLessThan((n * n) / doublesPerLine + 1000);
    // Column-wise: stride 2 KiB, so every one of the n² reads misses.
    expect(col['D1mr']).toBeGreaterThanOrEqual(n * n);
    expect(col['D1mr']).toBeLessThan(n * n + 1000);
    // The fill loop writes the matrix the same way in both.
    expect(col['D1mw']).toBe(row['D1mw']);
  });
});

describe('parseCachegrind on cut files', () => {
  it.each(sampleNames)('%s cut short anywhere: a profile or a CachegrindFormatError, never NaN', (name) => {
    const text = readSample(name);
    const full = parseCachegrind(text);
    const summaryEnd = text.indexOf('\n', text.indexOf('summary:'));
    // The 117 KB dynamic capture at every 13th line end and every 499th byte (each cut costs a
    // whole parse); the others at every byte.
    const isLarge = text.length > 20_000;
    const offsets = [...text.matchAll(/\n/g)].map((match) => match.index).filter((_, index) => !isLarge || index % 13 === 0);
    for (let offset = 0; offset <= text.length; offset += isLarge ? 499 : 1) offsets.push(offset);
    offsets.push(text.length - 1, summaryEnd, summaryEnd - 1);
    const problems: string[] = [];
    for (const offset of offsets) {
      let profile;
      try {
        profile = parseCachegrind(text.slice(0, offset));
      } catch (error: unknown) {
        if (!(error instanceof CachegrindFormatError)) problems.push(`${offset}: ${String(error)}`);
        continue;
      }
      const values = [...Object.values(profile.totals), ...Object.values(profile.rowTotals)];
      if (!values.every(Number.isFinite)) problems.push(`${offset}: non-finite total`);
      if (offset >= summaryEnd && JSON.stringify(profile.totals) !== JSON.stringify(full.totals)) {
        problems.push(`${offset}: totals differ from the whole file's`);
      }
      if (!profile.hasSummary && JSON.stringify(profile.totals) !== JSON.stringify(profile.rowTotals)) {
        problems.push(`${offset}: without a summary, totals are not the row sums`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('parseCachegrind on edge cases', () => {
  it('treats missing trailing counts and "." as 0, skips comments and blank lines, accepts CRLF', () => {
    const text = [
      '# made by hand',
      'desc: I1 cache: 1024 B, 32 B, fully associative',
      'cmd: ./a.out',
      'events: Ir Dr D1mr',
      '',
      'fl=a.c',
      'fn=main',
      '10 5',
      '11 3 . 1',
      '12 1 2 3',
      'summary: 9 2 4',
      '',
    ].join('\r\n');
    expect(parseCachegrind(text)).toEqual({
      command: './a.out',
      events: ['Ir', 'Dr', 'D1mr'],
      totals: { Ir: 9, Dr: 2, D1mr: 4 },
      rowTotals: { Ir: 9, Dr: 2, D1mr: 4 },
      hasSummary: true,
      caches: [{ level: 'I1', sizeBytes: 1024, lineSizeBytes: 32, associativity: null }],
      descriptions: ['I1 cache: 1024 B, 32 B, fully associative'],
    });
  });

  it('falls back to the row sums without a summary line', () => {
    const profile = parseCachegrind('events: Ir\nfl=a.c\nfn=f\n1 4\n2 6\n');
    expect(profile).toMatchObject({ hasSummary: false, totals: { Ir: 10 }, command: null, caches: [] });
  });

  it('names the line and the problem for files that are not cachegrind output', () => {
    const perfText = ' Performance counter stats for \'./a.out\':\n';
    expect(() => parseCachegrind(perfText)).toThrow(
      new CachegrindFormatError('expected desc:, cmd: or events: before the counts (is this a cachegrind.out file?)', 1, perfText.trimEnd()),
    );
    expect(() => parseCachegrind('')).toThrow('cachegrind output line 1: no events line (is this a cachegrind.out file?)');
    expect(() => parseCachegrind('events: Ir Dr\n1 2 3 4\n')).toThrow('cachegrind output line 2: 3 counts for 2 events');
    expect(() => parseCachegrind('events: Ir Dr\nsummary: 1\n')).toThrow('cachegrind output line 2: summary has 1 counts for 2 events');
    expect(() => parseCachegrind('events: Ir\n1 x\n')).toThrow('count "x" is not a whole number');
    const error = (() => {
      try {
        parseCachegrind('events: Ir\nfl=a\nbogus\n');
      } catch (caught: unknown) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toMatchObject({ name: 'CachegrindFormatError', code: 'CACHEGRIND_FORMAT', lineNumber: 3, line: 'bogus' });
  });
});

describe('parseCacheDescription', () => {
  it('reads each associativity wording and ignores other lines', () => {
    expect(parseCacheDescription('desc: D1 cache:         32768 B, 64 B, 8-way associative')).toEqual({
      level: 'D1', sizeBytes: 32768, lineSizeBytes: 64, associativity: 8,
    });
    expect(parseCacheDescription('LL cache: 268435456 B, 64 B, direct-mapped')).toEqual({
      level: 'LL', sizeBytes: 268435456, lineSizeBytes: 64, associativity: 1,
    });
    expect(parseCacheDescription('L2 cache: 1048576 B, 64 B, 16-way associative')?.level).toBe('L2');
    expect(parseCacheDescription('desc: Branches: simulated')).toBeUndefined();
    expect(parseCacheDescription('')).toBeUndefined();
  });
});

describe('mergeCachegrindProfiles (a file a process under --trace-children=yes)', () => {
  it('sums every event over the processes, keeps the first one\'s command and caches, and is complete only where each file is', () => {
    const program = parseCachegrind('desc: D1 cache: 32768 B, 64 B, 8-way associative\ncmd: ./rowcol col\nevents: Ir D1mr\nfl=a.c\nfn=main\n3 10 2\nsummary: 10 2\n');
    const child = parseCachegrind('cmd: sh\nevents: Ir D1mr\nfl=b.c\nfn=main\n1 5 1\n');
    const merged = mergeCachegrindProfiles([program, child]);
    expect(merged.totals).toEqual({ Ir: 15, D1mr: 3 });
    expect(merged.rowTotals).toEqual({ Ir: 15, D1mr: 3 });
    expect(merged.command).toBe('./rowcol col');
    expect(merged.caches.map((cache) => cache.level)).toEqual(['D1']);
    expect(merged.hasSummary).toBe(false);
    expect(mergeCachegrindProfiles([program])).toEqual(program);
  });
});
