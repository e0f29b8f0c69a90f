/**
 * compare's exports, each flag with the key commander gives it: files written after the runs (or
 * stdout, for -), which change no run. compare checks and writes them; the early lane
 * (early-warmups.ts) reads the same flags before the options are parsed.
 */
export const COMPARE_EXPORTS = [
  ['--export-json', 'exportJson'],
  ['--export-csv', 'exportCsv'],
  ['--export-markdown', 'exportMarkdown'],
  ['--export-asciidoc', 'exportAsciidoc'],
  ['--export-orgmode', 'exportOrgmode'],
  ['--export-hyperfine', 'exportHyperfine'],
  ['--html', 'html'],
] as const;
