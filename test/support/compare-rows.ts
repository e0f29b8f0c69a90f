/**
 * The per-alternative figures of compare's --verbose text and of its --html page's table, keyed
 * `metric label | alternative name`, so a test can hold the page's numbers to the text's.
 */

/** Each alternative's cells in --verbose's metric tables (read at a width that drops none): mean, σ, median, min, max, n. */
export function verboseTextRows(text: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const block of text.split('\n\n')) {
    const [header = '', ...lines] = block.split('\n');
    const label = /^(.+?) {2,}mean {2,}/.exec(header)?.[1];
    if (label === undefined) continue;
    // columns stand two spaces apart or more; a value has one inside (2.43 ms)
    for (const line of lines) {
      const cells = line.trim().split(/ {2,}/);
      if (cells.length === 7) rows.set(`${label} | ${cells[0]}`, cells.slice(1));
    }
  }
  return rows;
}

/** The --html page's table rows as shown (HTML-escaped): runs, mean, `± σ`, min, max. */
export function htmlTableRows(html: string): Map<string, string[]> {
  const rows = [...html.matchAll(/<tr><td>([^<]*)<\/td><td>([^<]*)<\/td>((?:<td>[^<]*<\/td>){5})<\/tr>/g)];
  return new Map(rows.map((row) => [`${row[1]} | ${row[2]}`, [...(row[3] ?? '').matchAll(/<td>([^<]*)<\/td>/g)].map((cell) => cell[1] ?? '')]));
}
