import { createAggregator, type Aggregator, type EventAggregate, type EventSample } from '../../parsers/aggregate.ts';
import type { PerfFormat, PerfRecord } from '../../parsers/perf-stat.ts';
import { jsonHeaderFields, ndjsonHeaderLine } from '../json-document.ts';
import type { BufferedOutput } from './parse-io.ts';
import { csvField, type OutputMode } from './parse-record-printer.ts';
import { TextSpill, type TextSpillOptions } from './text-spill.ts';

/** perfMetric's value and unit come last, in two columns: a table has no objects, and a reader of the columns before them reads on as it did. */
const SUMMARY_COLUMNS = ['event', 'unit', 'status', 'total', 'countedSeconds', 'perSecond', 'min', 'max', 'lowestRunningPct', 'samples', 'perfMetricValue', 'perfMetricUnit'] as const;

/** Where an event's samples go in its JSON object: `"samples":[]` can only be the key, as a string's quotes are escaped. */
const EMPTY_SAMPLES = '"samples":[]';

/**
 * `perfcell parse --summary`: aggregates every record, and prints one line (or object) per event
 * at the end. An event's object prints its total before its samples, and events' samples come
 * interleaved, so the samples cannot be printed as they come: `--json` and NDJSON write each as
 * it closes to a TextSpill (memory, then a temporary file) and copy them into the event's object
 * at the end. Holding them all held 1.3 GB at the end of a 5M-line capture.
 */
export class SummaryPrinter {
  private readonly aggregator: Aggregator;
  private readonly spill: TextSpill | undefined;
  private counterRowCount = 0;

  constructor(
    private readonly output: BufferedOutput,
    private readonly mode: OutputMode,
    spillOptions: TextSpillOptions = {},
  ) {
    if (mode === 'csv') {
      // the CSV table prints how many samples, not the samples
      this.aggregator = createAggregator({ maxSamples: 0 });
      return;
    }
    const spill = new TextSpill(spillOptions);
    this.spill = spill;
    // the one sample kept is each event's last, still open (its value may grow) until the end
    this.aggregator = createAggregator({ maxSamples: 1 }, (event, sample) => spill.append(event, sampleJson(sample), ','));
  }

  record(record: PerfRecord): void {
    // perf's metric-only rows (-M) are read for the summary, but are no counters: the aggregator passes them over
    if (record.isMetricRow !== true) this.counterRowCount++;
    this.aggregator.add(record);
  }

  /** How many of the records were counter rows, metric-only rows left out (parse's "no perf stat counter rows"). */
  get counterRows(): number {
    return this.counterRowCount;
  }

  async finish(skippedLines: number, format: PerfFormat | undefined): Promise<void> {
    const events = this.aggregator.result();
    try {
      // no event, no document (nor table): parse's error comes alone, as the records' does
      if (events.length === 0) return;
      if (this.mode === 'json') {
        this.output.write(`{${jsonHeaderFields('perfcell-parse-summary')}"events":[`);
        for (const [index, event] of events.entries()) {
          this.output.write(index === 0 ? '\n' : ',\n');
          await this.writeEvent(event);
        }
        this.output.write(`\n],"skippedLines":${skippedLines},"perfFormat":${JSON.stringify(format ?? null)}}\n`);
      } else if (this.mode === 'ndjson') {
        this.output.write(ndjsonHeaderLine('perfcell-parse-summary-ndjson'));
        for (const event of events) {
          await this.writeEvent(event);
          this.output.write('\n');
        }
      } else {
        this.output.write(SUMMARY_COLUMNS.join(',') + '\n');
        const counts = this.aggregator.sampleCounts();
        for (const event of events) this.output.write(SUMMARY_COLUMNS.map((column) => csvField(summaryCell(event, column, counts.get(event.event) ?? 0))).join(',') + '\n');
      }
    } finally {
      this.spill?.close();
    }
  }

  /** `JSON.stringify(event)` with every sample, its closed ones copied from the spill a piece at a time. */
  private async writeEvent(event: EventAggregate): Promise<void> {
    const text = JSON.stringify({ ...event, samples: [] });
    const at = text.indexOf(EMPTY_SAMPLES) + EMPTY_SAMPLES.length - 1;
    this.output.write(text.slice(0, at));
    const spill = this.spill!;
    for (const _piece of spill.copyTo(event.event, this.output.out)) {
      await this.output.drained();
      if (this.output.isClosed) return;
    }
    const hasClosed = spill.has(event.event);
    this.output.write(event.samples.map((sample, index) => (hasClosed || index > 0 ? ',' : '') + sampleJson(sample)).join(''));
    this.output.write(text.slice(at));
  }
}

/** `JSON.stringify(sample)`, without its object walk (a sixth of the time of a 2M-line summary). */
function sampleJson(sample: EventSample): string {
  return `{"timeS":${jsonNumber(sample.timeS)},"value":${jsonNumber(sample.value)}}`;
}

/** As JSON.stringify writes a number: null for NaN, ±Infinity and null. */
function jsonNumber(value: number | null): string {
  return value !== null && Number.isFinite(value) ? String(value) : 'null';
}

function summaryCell(event: EventAggregate, column: (typeof SUMMARY_COLUMNS)[number], sampleCount: number): string | number | null | undefined {
  if (column === 'samples') return sampleCount;
  if (column === 'perfMetricValue') return event.perfMetric?.value;
  if (column === 'perfMetricUnit') return event.perfMetric?.unit;
  return event[column];
}
