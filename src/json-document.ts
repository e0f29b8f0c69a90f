import { version as perfcellVersion } from './version.ts';

/**
 * Every JSON document perfcell writes names what it is: `format` (one of these names; its JSON
 * Schema ships as schema/FORMAT.schema.json), `version` (that format's version: a whole number
 * raised only when a reader of the old one would misread the new one; added fields keep it), and
 * `perfcell` (the version of perfcell that wrote it). NDJSON streams (attach --ndjson, parse
 * --ndjson) are records, not documents: they say the same in a header line first (NDJSON_FORMATS).
 * compare --export-hyperfine is hyperfine's format, written as hyperfine writes it, with no header.
 */
export const JSON_FORMATS = {
  /** One command's report: run --json, measure(), the kernel's report MIME. */
  'perfcell-report': 1,
  /** run -r N --json: every run's report and each metric's mean and standard deviation. */
  'perfcell-run-repeat': 1,
  /** cells --json. */
  'perfcell-cells': 1,
  /** compare --json, --export-json and saved baselines (.perfcell/NAME.json): version 1 since it began. */
  'perfcell-compare': 1,
  /** attach --json: the summary of a watched process. */
  'perfcell-attach': 1,
  /** parse --json: the records read. */
  'perfcell-parse-records': 1,
  /** parse --summary --json: one aggregate per event. */
  'perfcell-parse-summary': 1,
  /** doctor --json. */
  'perfcell-doctor': 1,
  /** events --json. */
  'perfcell-events': 1,
  /** kernel list --json: the perfcell kernelspecs Jupyter would find. */
  'perfcell-kernel-list': 1,
  /** repl --json: a `.timeit`'s figures, a line among the reports. */
  'perfcell-timeit': 1,
} as const;

export type JsonFormat = keyof typeof JSON_FORMATS;

/** The three fields every document starts with. */
export interface JsonDocumentHeader<F extends JsonFormat = JsonFormat> {
  readonly format: F;
  readonly version: (typeof JSON_FORMATS)[F];
  readonly perfcell: string;
}

/**
 * `body` as a document of `format`: the header first, then the body's own fields (a body field
 * of the same name is replaced by the header's).
 * @example toJsonDocument('perfcell-doctor', { verdicts: [] }) // { format: 'perfcell-doctor', version: 1, perfcell: '0.1.0', verdicts: [] }
 */
export function toJsonDocument<F extends JsonFormat, T extends object>(format: F, body: T): JsonDocumentHeader<F> & Omit<T, keyof JsonDocumentHeader> {
  const header: JsonDocumentHeader<F> = { format, version: JSON_FORMATS[format], perfcell: perfcellVersion };
  return { ...header, ...body, ...header };
}

/** The header as the first fields of a hand-streamed document: `"format":…,"version":…,"perfcell":…,` */
export function jsonHeaderFields(format: JsonFormat): string {
  const text = JSON.stringify({ format, version: JSON_FORMATS[format], perfcell: perfcellVersion });
  return `${text.slice(1, -1)},`;
}

/**
 * The NDJSON streams perfcell writes. Each stream's first line is a header, `{"format":…,
 * "version":…,"perfcell":…}` and nothing else (the only line with a `format`), written with the
 * first record (a run that fails before any record prints nothing); every later line is a record,
 * exactly as before headers existed. Like asciicast v2's header line, it lets a reader check what
 * it reads without costing each of parse's millions of lines a field. Each stream's schema
 * (schema/FORMAT.schema.json) has `$defs` `header` and `record`; the root takes either.
 */
export const NDJSON_FORMATS = {
  /** attach --ndjson (attach's default off a terminal): records `kind` start, interval…, summary. */
  'perfcell-attach-ndjson': 1,
  /** parse (--ndjson, the default): one perf stat record a line. */
  'perfcell-parse-records-ndjson': 1,
  /** parse --summary (--ndjson, the default): one aggregate per event a line. */
  'perfcell-parse-summary-ndjson': 1,
} as const;

export type NdjsonFormat = keyof typeof NDJSON_FORMATS;

/**
 * The header line of an NDJSON stream, newline included.
 * @example ndjsonHeaderLine('perfcell-attach-ndjson') // '{"format":"perfcell-attach-ndjson","version":1,"perfcell":"0.1.0"}\n'
 */
export function ndjsonHeaderLine(format: NdjsonFormat): string {
  return `${JSON.stringify({ format, version: NDJSON_FORMATS[format], perfcell: perfcellVersion })}\n`;
}
