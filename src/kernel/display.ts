import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { renderReplReport } from '../render/report-repl.ts';
import type { CommandReport } from '../session/report.ts';
import { renderReportHtml } from './report-html.ts';
import { toJsonDocument } from '../json-document.ts';

/** The MIME type under which a cell's report JSON is kept in the notebook. */
export const REPORT_MIME = 'application/vnd.perfcell.report+json';

/** A Jupyter MIME bundle: MIME type → text (or JSON for +json types). */
export type MimeBundle = Record<string, unknown>;

/** The display_data of a cell's report: the REPL's text, an HTML table with sparklines, and the report JSON. */
export function reportBundle(report: CommandReport, options: { readonly eventOrder?: readonly string[]; readonly notes?: readonly string[] } = {}): MimeBundle {
  return {
    'text/plain': renderReplReport(report, options),
    'text/html': renderReportHtml(report, options.notes ?? []),
    [REPORT_MIME]: toJsonDocument('perfcell-report', report),
  };
}

/**
 * Rich representations a value offers, by method name: IPython's `_repr_*_` convention, plus
 * `toHTML()`. A method that throws or returns a non-string is ignored.
 */
const RICH_METHODS: readonly (readonly [string, string])[] = [
  ['_repr_html_', 'text/html'],
  ['toHTML', 'text/html'],
  ['_repr_markdown_', 'text/markdown'],
  ['_repr_svg_', 'image/svg+xml'],
  ['_repr_latex_', 'text/latex'],
];

/** The execute_result of a cell's value: util.inspect text, plus what the value offers. Throws what util.inspect throws (a value's own inspect.custom). */
export function valueBundle(value: unknown): MimeBundle {
  const bundle: MimeBundle = { 'text/plain': typeof value === 'string' ? inspect(value) : inspect(value, { depth: 4, breakLength: 100 }) };
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return bundle;
  for (const [method, mime] of RICH_METHODS) {
    if (mime in bundle) continue;
    try {
      // read inside the try too: a Proxy's get trap may throw for any name
      const render = (value as Record<string, unknown>)[method];
      if (typeof render !== 'function') continue;
      const text: unknown = render.call(value);
      if (typeof text === 'string') bundle[mime] = text;
    } catch {
      // A broken representation falls back to the text.
    }
  }
  return bundle;
}

const OWN_DIR = fileURLToPath(new URL('../', import.meta.url));

/**
 * A thrown value as Jupyter's error content: name, message and the stack as traceback lines. A
 * value that cannot be shown (its inspect.custom throws) is shown by what showing it threw, as
 * Node's REPL shows it.
 */
export function errorContent(value: unknown): { ename: string; evalue: string; traceback: string[] } {
  try {
    return showThrown(value);
  } catch (problem: unknown) {
    try {
      return showThrown(problem);
    } catch {
      return { ename: 'Uncaught', evalue: '[a thrown value that cannot be shown]', traceback: ['Uncaught [a thrown value that cannot be shown]'] };
    }
  }
}

function showThrown(value: unknown): { ename: string; evalue: string; traceback: string[] } {
  if (value instanceof Error) {
    // A cell's child killed by the interrupt's SIGINT (execSync, spawnSync: the kernel's process
    // group gets it) ends the cell with the child's error where the child's end comes before the
    // kernel's own SIGINT stops the script: an interruption either way, as IPython's
    // KeyboardInterrupt is whichever ends first (CI once read 'Error' for an interrupted execSync).
    const interrupted = (value as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED' || (value as { signal?: unknown }).signal === 'SIGINT';
    return {
      ename: interrupted ? 'Interrupted' : value.name,
      evalue: value.message,
      // Frames of node:repl, node:vm and perfcell's own evaluation are not the cell's.
      traceback: (value.stack ?? `${value.name}: ${value.message}`).split('\n').filter((line) => !/^\s+at /.test(line) || !(line.includes('node:') || line.includes(OWN_DIR))),
    };
  }
  return { ename: 'Uncaught', evalue: inspect(value), traceback: [`Uncaught ${inspect(value)}`] };
}
