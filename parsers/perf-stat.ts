import { COMMON_SEPARATORS, CsvLineParser, reachesMetricColumns } from './perf-stat-csv.ts';
import { HumanLineParser, isWholeHumanLine } from './perf-stat-human.ts';
import { JsonLineParser } from './perf-stat-json.ts';
import type { LineKind } from './perf-stat-line.ts';
import type { MutableRecord } from './perf-stat-record.ts';
import type { PerfFormat, PerfRecord, PerfStatParser, PerfStatParserOptions } from './perf-stat-types.ts';

export type { CounterStatus, PerfFormat, PerfRecord, PerfStatParser, PerfStatParserOptions } from './perf-stat-types.ts';

/**
 * A streaming reader of perf stat's output (stderr, or the file of `-o`), in any of its formats:
 * human, CSV (`-x SEP`, any separator) or JSON (`-j`), perf 3.x to 6.x. Feed it one line at a
 * time (split2 does the splitting); it never throws. With `format: 'auto'` (the default) it locks
 * onto the first format that yields a record. A human row that printed a metric is held until the
 * next line, which may be a continuation carrying the row's running percentage.
 * @example
 * const parser = createPerfStatParser();
 * parser.push('     0.100150932,85.72,msec,task-clock,85720814,100.00,0.857,CPUs utilized');
 * // → [{ time: 0.100150932, event: 'task-clock', value: 85.72, unit: 'msec', status: 'counted', runningPct: 100 }]
 */
export function createPerfStatParser(options: PerfStatParserOptions = {}): PerfStatParser {
  return new StreamingPerfStatParser(options);
}

/** Reads a whole perf stat output at once: its last line needs no newline (execa strips it), unlike a stream's (pushLast). */
export function parsePerfStat(
  text: string,
  options: PerfStatParserOptions = {},
): { records: PerfRecord[]; skippedLines: number; format: PerfFormat | undefined } {
  const parser = createPerfStatParser(options);
  const records: PerfRecord[] = [];
  for (const line of text.split('\n')) {
    for (const record of parser.push(line)) records.push(record);
  }
  for (const record of parser.end()) records.push(record);
  return { records, skippedLines: parser.skippedLines, format: parser.format };
}

/**
 * Which format a perf stat output is in: the first line that reads as a record decides.
 * Undefined when no line does.
 * @example
 * detectPerfFormat('{"counter-value" : "52.000000", "unit" : "", "event" : "context-switches"}') // → 'json'
 */
export function detectPerfFormat(text: string): PerfFormat | undefined {
  return detect(text).format;
}

/**
 * The separator of a CSV perf stat output (`-x SEP`); undefined when the text is not CSV.
 * @example
 * detectPerfStatSeparator('0.100144766;77.56;msec;task-clock;77563084;100.00;0.776;CPUs utilized') // → ';'
 */
export function detectPerfStatSeparator(text: string): string | undefined {
  return detect(text).separator;
}

/**
 * What a parser has learnt from its stream that the lines after a resume point depend on, once
 * its format is known. A parser resumed from it reads the lines from a resume point on as the
 * original would (unless `historyDependentLines` says otherwise), so a long stream can be read in
 * pieces, each by a parser of its own. Undefined before the format is known.
 */
export interface PerfStatResumeState {
  readonly format: PerfFormat;
  /** csv: the separator */
  readonly separator: string | undefined;
  /** human: the decimal point the stream has shown (`1.234` reads by it) */
  readonly decimal: ',' | '.' | undefined;
}

export function perfStatResumeState(parser: PerfStatParser): PerfStatResumeState | undefined {
  return parser instanceof StreamingPerfStatParser ? parser.resumeState() : undefined;
}

/** Where pushRecordsTo hands records. */
export interface PerfRecordSink {
  record(record: PerfRecord): void;
}

/**
 * `parser.push(line)`, its records handed to `sink` in order instead of returned; returns how
 * many. A CSV row's record comes without the array push() makes for it: one allocation a line
 * fewer, which `perfcell parse` of a large file pays a million times.
 */
export function pushRecordsTo(parser: PerfStatParser, line: string, sink: PerfRecordSink): number {
  if (parser instanceof StreamingPerfStatParser) return parser.pushTo(line, sink);
  const records = parser.push(line);
  for (let index = 0; index < records.length; index++) sink.record(records[index]!);
  return records.length;
}

/** A parser in `state`, holding no row: what a parser in that state is at a resume point. */
export function resumePerfStatParser(state: PerfStatResumeState): PerfStatParser {
  const parser = new StreamingPerfStatParser({ format: state.format, ...(state.separator === undefined ? {} : { separator: state.separator }) });
  parser.learnDecimal(state.decimal);
  return parser;
}

/**
 * Lines whose reading the parser's history decided (human rows not laid out like perf's: an
 * event name the stream showed before is taken, an unknown one must look like an event). A
 * resumed parser has another history, so where this is not 0 it may have read them otherwise.
 */
export function historyDependentLines(parser: PerfStatParser): number {
  return parser instanceof StreamingPerfStatParser ? parser.historyRows : 0;
}

/**
 * Whether `line` is a resume point for a stream in `format`: a line at which a parser in that
 * format holds nothing from the lines before it. Every line of CSV and JSON (one row or object a
 * line); in human, a counter row (it emits a row held for its continuation line before its own).
 * Its `historyDependentLines` counts the lines it could not judge without the stream's history.
 */
export interface ResumePoints {
  test(line: string): boolean;
  readonly historyDependentLines: number;
}

/**
 * `history`: judge with that parser's own reader, which has the stream's history, so no line is
 * in doubt (it learns from the resume point it finds, as it will again when given that line).
 */
export function createResumePoints(format: PerfFormat, history?: PerfStatParser): ResumePoints {
  if (format !== 'human') return { test: () => true, historyDependentLines: 0 };
  if (history instanceof StreamingPerfStatParser) {
    const reader = history.humanReader;
    return {
      test: (line) => isHumanRow(reader, line),
      historyDependentLines: 0,
    };
  }
  const human = new HumanLineParser();
  return {
    test: (line) => isHumanRow(human, line),
    get historyDependentLines() {
      return human.historyRows;
    },
  };
}

function isHumanRow(human: HumanLineParser, line: string): boolean {
  try {
    return human.parse(line) === 'record';
  } catch {
    // the parser skips a line it chokes on, holding what it held
    return false;
  }
}

function detect(text: string): PerfStatParser {
  const parser = createPerfStatParser();
  let from = 0;
  while (from <= text.length && parser.format === undefined) {
    const newline = text.indexOf('\n', from);
    const to = newline === -1 ? text.length : newline;
    parser.push(text.slice(from, to));
    from = to + 1;
  }
  return parser;
}

class StreamingPerfStatParser implements PerfStatParser {
  private readonly wanted: PerfFormat | 'auto';
  private locked: PerfFormat | undefined;
  private csvSeparator: string | undefined;
  private skipped = 0;
  private pending: MutableRecord | undefined;
  private readonly human: HumanLineParser;
  private readonly csv: CsvLineParser;
  private readonly json: JsonLineParser;

  constructor(options: PerfStatParserOptions) {
    this.csv = new CsvLineParser(options.metrics === true);
    this.json = new JsonLineParser({ keepMetrics: options.metrics === true });
    this.human = new HumanLineParser(options.metrics === true);
    const format = options.format ?? 'auto';
    this.csvSeparator = options.separator === '' ? undefined : options.separator;
    this.wanted = format === 'auto' && this.csvSeparator !== undefined ? 'csv' : format;
    if (this.wanted !== 'auto' && (this.wanted !== 'csv' || this.csvSeparator !== undefined)) this.locked = this.wanted;
    if (this.wanted !== 'csv') this.csvSeparator = undefined;
  }

  get skippedLines(): number {
    return this.skipped;
  }

  get format(): PerfFormat | undefined {
    return this.locked;
  }

  get separator(): string | undefined {
    return this.locked === 'csv' ? this.csvSeparator : undefined;
  }

  get humanReader(): HumanLineParser {
    return this.human;
  }

  get historyRows(): number {
    return this.human.historyRows;
  }

  resumeState(): PerfStatResumeState | undefined {
    if (this.locked === undefined) return undefined;
    return { format: this.locked, separator: this.separator, decimal: this.human.locale.decimal };
  }

  learnDecimal(decimal: ',' | '.' | undefined): void {
    this.human.locale.decimal = decimal;
  }

  push(line: string): PerfRecord[] {
    try {
      switch (this.locked) {
        case 'human':
          return this.afterHuman(this.human.parse(line));
        case 'csv':
          return this.afterCsv(this.csv.parse(line, this.csvSeparator ?? ','));
        case 'json':
          return this.afterJson(this.json.parse(line));
        default:
          return this.detectFrom(line);
      }
    } catch {
      // never throw on input; a line we choke on is a line we skip
      this.skipped++;
      return [];
    }
  }

  /**
   * The input's last line when no newline ended it (`head -c`, a copy of a file perf was still
   * writing): whole only where its layout shows it (reachesMetricColumns, isWholeHumanLine; a JSON
   * object that is not closed is unreadable anyway), else skipped and counted. Apart from push()
   * so that no other line pays for the check. A file read as it grows has no last line: its
   * unterminated tail waits for its newline (ticking-perf.ts) and never comes here.
   */
  pushLast(line: string): PerfRecord[] {
    const held = this.pending;
    const records = this.push(line);
    if (this.locked === 'csv') {
      const record = this.csv.record;
      if (record === undefined || (record.runningPct !== null && reachesMetricColumns(line, this.csvSeparator ?? ','))) return records;
      this.skipped++;
      return [];
    }
    if (this.locked !== 'human') return records;
    const record = this.human.record;
    // a row, or a continuation line: one that left the row held waiting for its running percentage
    const isRowLine = record !== undefined || (held !== undefined && this.pending === held);
    if (!isRowLine || isWholeHumanLine(line, record?.event)) return records;
    this.skipped++;
    if (record === undefined) return records;
    if (this.pending === record) this.pending = undefined;
    return records.filter((kept) => kept !== record);
  }

  end(): PerfRecord[] {
    return this.takePending();
  }

  /** See pushRecordsTo. */
  pushTo(line: string, sink: PerfRecordSink): number {
    if (this.locked !== 'csv') {
      const records = this.push(line);
      for (let index = 0; index < records.length; index++) sink.record(records[index]!);
      return records.length;
    }
    let record: PerfRecord | undefined;
    try {
      const kind = this.csv.parse(line, this.csvSeparator ?? ',');
      if (kind === 'record') record = this.csv.record;
      else if (kind === 'unreadable') this.skipped++;
    } catch {
      // as push(): a line we choke on is a line we skip
      this.skipped++;
    }
    if (record === undefined) return 0;
    // outside the try: the sink's errors are its own, as they are for push()'s caller
    sink.record(record);
    return 1;
  }

  /** Before the format is known: try each reader; the first record locks the format. */
  private detectFrom(line: string): PerfRecord[] {
    const wanted = this.wanted;
    const first = firstNonBlank(line);
    if (first === -1) return [];
    let unreadable = false;

    if ((wanted === 'auto' || wanted === 'json') && line.charCodeAt(first) === 123) {
      const kind = this.json.parse(line);
      if (kind === 'record' || kind === 'metric') {
        this.locked = 'json';
        return this.afterJson(kind);
      }
      unreadable ||= kind === 'unreadable';
    }
    // a tab inside the line is -x '\t', never the human layout
    const tabbed = line.indexOf('\t', first) !== -1;
    if (wanted === 'auto' && !tabbed) {
      const kind = this.human.parse(line);
      if (kind === 'record') {
        this.locked = 'human';
        return this.afterHuman(kind);
      }
      unreadable ||= kind === 'unreadable';
    }
    if (wanted === 'auto' || wanted === 'csv') {
      for (const separator of separatorsToTry(line, this.csvSeparator)) {
        const kind = this.csv.parse(line, separator);
        if (kind === 'record') {
          this.locked = 'csv';
          this.csvSeparator = separator;
          return this.afterCsv(kind);
        }
        unreadable ||= kind === 'unreadable';
      }
      // -x' ' last, and only on a row whole to its running percentage: a human line is spaced too
      if (this.csvSeparator === undefined && this.csv.parse(line, ' ') === 'record' && this.csv.record?.runningPct !== null) {
        this.locked = 'csv';
        this.csvSeparator = ' ';
        return this.afterCsv('record');
      }
    }
    if (wanted === 'auto' && tabbed) {
      const kind = this.human.parse(line);
      if (kind === 'record') {
        this.locked = 'human';
        return this.afterHuman(kind);
      }
      unreadable ||= kind === 'unreadable';
    }
    if (wanted === 'human') {
      const kind = this.human.parse(line);
      if (kind === 'record') {
        this.locked = 'human';
        return this.afterHuman(kind);
      }
      unreadable ||= kind === 'unreadable';
    }
    if (unreadable) this.skipped++;
    return [];
  }

  private afterHuman(kind: LineKind): PerfRecord[] {
    const human = this.human;
    if (kind === 'record') {
      const record = human.record as MutableRecord;
      const out: PerfRecord[] = this.pending === undefined ? [] : [this.pending];
      this.pending = undefined;
      if (human.complete) out.push(record);
      else this.pending = record;
      return out;
    }
    if (kind === 'continuation') {
      const pending = this.pending;
      if (pending === undefined) return [];
      if (human.runningPct !== null && pending.runningPct === null) pending.runningPct = human.runningPct;
      // perf prints the noise and the running percentage after the row's last metric
      return human.runningPct !== null || human.tail.noise ? this.takePending() : [];
    }
    if (kind === 'unreadable') this.skipped++;
    return this.takePending();
  }

  private afterCsv(kind: LineKind): PerfRecord[] {
    if (kind === 'record') return [this.csv.record as MutableRecord];
    if (kind === 'unreadable') this.skipped++;
    return [];
  }

  private afterJson(kind: LineKind): PerfRecord[] {
    if (kind === 'unreadable') this.skipped++;
    const records = this.json.records;
    // a fresh array per line with records (the reader starts a new one for the next line)
    return records.length === 0 ? [] : records;
  }

  private takePending(): PerfRecord[] {
    const pending = this.pending;
    if (pending === undefined) return [];
    this.pending = undefined;
    return [pending];
  }
}

function firstNonBlank(line: string): number {
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (code !== 32 && code !== 9 && code !== 13) return i;
  }
  return -1;
}

/** The given separator, or the common ones present in the line plus the character after its count. */
function separatorsToTry(line: string, given: string | undefined): string[] {
  if (given !== undefined) return [given];
  const candidates: string[] = [];
  for (const separator of COMMON_SEPARATORS) {
    if (line.indexOf(separator) !== -1) candidates.push(separator);
  }
  // an unusual -x: the first character after the leading number, `<not ...>` or id
  const match = /^\s*(?:<not [a-z]+>|[\w.-]+)([^\w\s.<>-])/.exec(line);
  const discovered = match?.[1];
  if (discovered !== undefined && !candidates.includes(discovered)) candidates.push(discovered);
  return candidates;
}
