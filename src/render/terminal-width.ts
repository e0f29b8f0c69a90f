import { fitToWidth } from './report-repl.ts';

/**
 * Columns a report should fit: $COLUMNS when it is a positive whole number, else the terminal's
 * width when `stream` is one; undefined for a pipe or file (lines are left whole for programs).
 * @example outputWidth({ isTTY: false }, { COLUMNS: '60' }) // 60
 */
export function outputWidth(stream: { readonly isTTY?: boolean; readonly columns?: number }, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const fromEnv = Number(env['COLUMNS']);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return stream.isTTY === true && typeof stream.columns === 'number' && stream.columns > 0 ? stream.columns : undefined;
}

/**
 * `warning: TEXT` and a newline, wrapped at spaces to the stream's width (continuations indented
 * under the text), or whole on a pipe.
 * @example warningText('no hardware counters here', { isTTY: false }, { COLUMNS: '20' }) // 'warning: no hardware\n         counters here\n'
 */
export function warningText(text: string, stream: { readonly isTTY?: boolean; readonly columns?: number }, env: NodeJS.ProcessEnv = process.env): string {
  return messageText(`warning: ${text}`, stream, env);
}

/** Render options that fit `stream` ($COLUMNS, else the terminal's width; nothing for a pipe). */
export function fitted(stream: { readonly isTTY?: boolean; readonly columns?: number }): { width?: number } {
  const width = outputWidth(stream);
  return width === undefined ? {} : { width };
}

/**
 * A one-line message and a newline, wrapped at spaces to the stream's width (continuations indented
 * under the text after its `warning: ` or `perfcell: `), or whole on a pipe.
 * @example messageText('perfcell: interrupted by SIGINT after 2 of 9 runs', { isTTY: false }) // whole, and '\n'
 */
export function messageText(text: string, stream: { readonly isTTY?: boolean; readonly columns?: number }, env: NodeJS.ProcessEnv = process.env): string {
  const width = outputWidth(stream, env);
  const indent = /^(?:warning|perfcell): /.exec(text)?.[0].length ?? 0;
  return `${width === undefined ? text : fitToWidth(text, width, indent)}\n`;
}
