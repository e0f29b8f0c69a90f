import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregateRecords } from '../../parsers/aggregate.ts';
import { createPerfStatParser, type PerfRecord } from '../../parsers/perf-stat.ts';
import { openFileChunks, runParse } from '../../src/cli/commands/parse.ts';
import { openUnlinkedTempFile } from '../../src/cli/text-spill.ts';
import { jsonHeaderFields, ndjsonHeaderLine } from '../../src/json-document.ts';
import { seededRandom } from '../support/seeded-random.ts';

// A QA pass: parse --summary --json and NDJSON held every interval sample until the end, 299 MiB
// at 2M lines and 1.3 GB for --json at 5M. They now write each sample out as it closes (a
// TextSpill: memory, then an unlinked temporary file) and copy them into the events at the end.

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = `${root}dist/app/cli.cjs`;
const samplesDir = `${root}samples/perf/`;
const dir = mkdtempSync(join(tmpdir(), 'perfcell-summary-spill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EVENTS = ['task-clock', 'page-faults', 'context-switches', 'cpu-migrations', 'cycles', 'instructions', 'branch-misses', 'cache-misses'];

/** `perf stat -I 100 -x,` lines of `intervals` intervals, some rows multiplexed, some `<not counted>`. */
function intervalCsv(intervals: number, seed = 7): string {
  const random = seededRandom(seed);
  const lines: string[] = [];
  for (let interval = 1; interval <= intervals; interval++) {
    const time = (interval / 10 + random() / 1e4).toFixed(9);
    for (const event of EVENTS) {
      const unit = event === 'task-clock' ? 'msec' : '';
      const value = random() < 0.02 ? '<not counted>' : unit === 'msec' ? (80 + random() * 20).toFixed(2) : String(Math.floor(random() * 5e9));
      const pct = random() < 0.2 ? (50 + random() * 50).toFixed(2) : '100.00';
      lines.push(`${time},${value},${unit},${event},${Math.floor(8e7 + random() * 2e7)},${pct},,`);
    }
  }
  return lines.join('\n') + '\n';
}

/** What parse --summary printed before it streamed: the whole aggregates (every sample kept), JSON.stringify'd. */
function heldSummary(text: string, mode: 'json' | 'ndjson'): string {
  // as parse --summary reads them: with perf's metric columns, each event's perfMetric
  const parser = createPerfStatParser({ format: 'auto', metrics: true });
  const records: PerfRecord[] = [];
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  for (const line of lines) records.push(...parser.push(line));
  if (last !== '') records.push(...parser.pushLast(last));
  records.push(...parser.end());
  const events = aggregateRecords(records);
  // an input without rows prints nothing, only its error
  if (events.length === 0) return '';
  if (mode === 'ndjson') return ndjsonHeaderLine('perfcell-parse-summary-ndjson') + events.map((event) => JSON.stringify(event) + '\n').join('');
  const body = events.map((event) => JSON.stringify(event)).join(',\n');
  return `{${jsonHeaderFields('perfcell-parse-summary')}"events":[\n${body}\n],"skippedLines":${parser.skippedLines},"perfFormat":${JSON.stringify(parser.format ?? null)}}\n`;
}

class Collect extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.chunks.push(chunk);
    done();
  }
}

/** runParse --summary in-process, keeping at most `memoryChars` of samples in memory; counts the temporary files it opened. */
async function summary(path: string, mode: 'json' | 'ndjson', memoryChars: number): Promise<{ stdout: string; opened: number }> {
  const stdout = new Collect();
  let opened = 0;
  const openFile = (): number => {
    opened++;
    return openUnlinkedTempFile();
  };
  await runParse(path, { format: 'auto', summary: true, [mode]: true }, {
    stdin: (async function* () {})(),
    stdout,
    stderr: new Collect(),
    openFile: openFileChunks,
    summarySpill: { memoryChars, chunkChars: Math.max(1, memoryChars >> 2), openFile },
  }).catch((error: unknown) => {
    // an input with no rows prints nothing, then says so
    if (!String(error).includes('no perf stat counter rows')) throw error;
  });
  return { stdout: Buffer.concat(stdout.chunks).toString('utf8'), opened };
}

describe('parse --summary --json and NDJSON write samples out as they come', () => {
  const generated = intervalCsv(3000);
  const inputs: Record<string, string> = {
    'generated.csv': generated,
    // the last line cut inside its row (a capture copied while perf still wrote)
    'cut-last-line.csv': generated.slice(0, generated.length - 9),
    'empty.txt': '',
  };
  for (const [name, text] of Object.entries(inputs)) writeFileSync(join(dir, name), text);
  const captures = readdirSync(samplesDir).filter((name) => name.endsWith('.txt')).map((name) => join(samplesDir, name));
  const paths = [...captures, ...Object.keys(inputs).map((name) => join(dir, name))];

  it('prints the same bytes as the aggregates holding every sample, for every capture of samples/perf and generated ones, with the samples mostly in the file', async () => {
    expect(captures.length).toBeGreaterThan(40);
    let spilled = 0;
    for (const path of paths) {
      const text = readFileSync(path, 'utf8');
      for (const mode of ['json', 'ndjson'] as const) {
        for (const memoryChars of [64, 1 << 20]) {
          const { stdout, opened } = await summary(path, mode, memoryChars);
          expect(stdout, `${path} --${mode} (${memoryChars} characters in memory)`).toBe(heldSummary(text, mode));
          expect(opened).toBeLessThanOrEqual(1);
          spilled += opened;
        }
      }
    }
    // the generated inputs, at least, went through the file in both modes
    expect(spilled).toBeGreaterThanOrEqual(4);
  });

  it('runs under a 16 MiB heap on 300,000 lines, where holding the samples ran out of memory, and leaves no temporary file', async () => {
    const path = join(dir, 'large.csv');
    const intervals = 300_000 / EVENTS.length;
    writeFileSync(path, intervalCsv(intervals, 11));
    const temporary = mkdtempSync(join(tmpdir(), 'perfcell-summary-tmp-'));
    try {
      for (const mode of ['--json', '--ndjson']) {
        const result = await execa(process.execPath, ['--max-old-space-size=16', bin, 'parse', '--summary', mode, path], {
          reject: false,
          timeout: 60_000,
          env: { TMPDIR: temporary },
          stripFinalNewline: false,
          maxBuffer: 1 << 28,
        });
        expect(result.exitCode, `${mode}: ${result.stderr.slice(0, 300)}`).toBe(0);
        const events = (mode === '--json' ? (JSON.parse(result.stdout) as { events: unknown[] }).events : result.stdout.trim().split('\n').slice(1).map((line) => JSON.parse(line) as unknown)) as {
          event: string;
          samples: unknown[];
        }[];
        expect(events.map((event) => [event.event, event.samples.length])).toEqual(EVENTS.map((event) => [event, intervals]));
        expect(readdirSync(temporary)).toEqual([]);
      }
    } finally {
      rmSync(temporary, { recursive: true, force: true });
      rmSync(path, { force: true });
    }
  }, 120_000);
});
