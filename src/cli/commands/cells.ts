// fs.promises, not node:fs/promises: Node loads it at its first use, not at every command's start
import { promises as fsPromises } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { extensionOf, findPythonMarkerLine, isCellFileExtension, splitCells, type Cell } from '../../../parsers/cells.ts';
import { splitNotebook, type ParsedNotebook } from '../../../parsers/notebook.ts';
import { UsageError } from '../../errors.ts';
import { isWritable } from '../../is-writable.ts';
import { createCellEvaluator, ranNothing } from '../../experiment/cell-evaluator.ts';
import { isCommentOnlyPrelude, runCells, type CellRun } from '../../experiment/run-cells.ts';
import type { CellFailure } from '../../experiment/cell-evaluator.ts';
import { holdInterruptions, interruptedOr, InterruptedError } from '../../session/interruption.ts';
import { endByInterruption, endBySignal, endIfInterruptedAfter } from '../end-by-signal.ts';
import { SECONDS_ABOVE_ZERO } from '../../session/option-rules.ts';
import { formatCellFailure } from '../../render/cell-failure.ts';
import { renderCellsSummary } from '../../render/cells-summary.ts';
import { renderReportsHtml } from '../../render/html.ts';
import { renderReportText } from '../../render/report-text.ts';
import { writeErrorCode, writeErrorFix, writeHtmlFile } from '../html-file.ts';
import { EVENTS_HELP, METRICS_HELP, parseEventList, parseIntervalMs, parseMetricList, perfFlagOptions } from '../options.ts';
import { liveWanted } from '../../live/live-wanted.ts';
import { placeOwnLinesOnBottomRow } from '../../live/follower.ts';
import { toJsonDocument } from '../../json-document.ts';
import { outputWidth, warningText } from '../../render/terminal-width.ts';
import { checkOutputPaths, refuseOutputOverCells } from '../output-paths.ts';
import { isRanDuringNote } from '../../proc/child-processes.ts';
import { sendCellStdout } from '../../own-stdout.ts';
import { watchStdoutRow } from '../stdout-row.ts';
import { writeWholeFileAsync } from '../../whole-file.ts';

/** Columns the cells' reports fit on stdout. */
const textWidth = outputWidth(process.stdout);

interface CellsFlags {
  readonly events?: readonly string[];
  readonly metrics?: readonly string[];
  readonly interval: number;
  readonly perf: boolean;
  readonly live: boolean;
  readonly settle: boolean;
  readonly json?: boolean;
  readonly keepGoing?: boolean;
  readonly cellTimeout?: number;
  readonly html?: string;
  readonly write?: boolean;
}

/** What `cells --json` prints: every cell's report, in file order. */
export interface CellsDocument {
  readonly file: string;
  readonly cells: readonly CellRun[];
  /** Titles of the cells not run because an earlier one failed. */
  readonly skipped: readonly string[];
  readonly ok: boolean;
  /** Present when a signal stopped the cells: the document holds the cells measured before it. */
  readonly partial?: { readonly reason: 'interrupted'; readonly signal: string; readonly message: string };
}

function parseCellTimeoutS(value: string): number {
  const seconds = Number(value);
  if (!SECONDS_ABOVE_ZERO.holds(seconds)) throw new InvalidArgumentError(`give ${SECONDS_ABOVE_ZERO.wants}, e.g. --cell-timeout 30`);
  return seconds;
}

/**
 * A file whose extension names another language (a .py notebook script, a shell script) is refused
 * before it runs as JavaScript and fails on its first line; a file with no extension runs as JavaScript.
 */
function refuseOtherLanguage(file: string): void {
  const extension = extensionOf(file);
  if (extension === undefined || isCellFileExtension(extension)) return;
  throw new UsageError(`${file}: cells runs JavaScript or TypeScript (.js, .ts, .mjs, .mts, …) and .ipynb notebooks, not .${extension} files`);
}

/** Reads a cell file, or says which file could not be read and what to do. */
export async function readCellFile(file: string): Promise<string> {
  try {
    return await fsPromises.readFile(file, 'utf8');
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${file}: no such file (check the path)`);
    if (code === 'EISDIR') throw new UsageError(`${file} is a directory (pass a .js or .ts file with // %% cells)`);
    throw new UsageError(`cannot read ${file}: ${(error as Error).message} (check its permissions)`);
  }
}

/**
 * A cell file's text and its cells, as `cells` and `compare FILE --cells` both read it: a
 * notebook's code cells (`notebook`), else its `// %%` cells without a comment-only prelude.
 */
export async function readCells(file: string): Promise<{ readonly source: string; readonly notebook: ParsedNotebook | null; readonly cells: readonly Cell[] }> {
  const source = await readCellFile(file);
  const notebook = file.endsWith('.ipynb') ? readNotebook(file, source) : null;
  const pythonMarkerLine = notebook === null ? findPythonMarkerLine(source) : undefined;
  // the whole file had been one cell, failing as "SyntaxError: Invalid or unexpected token" at that line
  if (pythonMarkerLine !== undefined) throw new UsageError(`${file}:${pythonMarkerLine}: '# %%' marks a cell in Python; in JavaScript and TypeScript write '// %%'`);
  return { source, notebook, cells: notebook?.cells ?? splitCells(source).filter((cell) => !isCommentOnlyPrelude(cell)) };
}

/** `perfcell cells FILE`: every `// %%` cell in one scope, a report each, then a summary table. */
export function registerCells(program: Command): void {
  program
    .command('cells')
    .description('run a .js or .ts file cell by cell (// %% lines) in one scope and report each cell')
    .argument('<file>', 'the cell file')
    .option('-e, --events <list>', EVENTS_HELP, parseEventList)
    .option('-M, --metrics <list>', METRICS_HELP, parseMetricList)
    .option('-I, --interval <ms>', 'perf sampling interval in ms', parseIntervalMs, 100)
    .option('--no-perf', 'RAM, time and CPU only')
    .option('--no-live', 'no live status line on stderr while a long cell runs (drawn only on a terminal, after 1 s)')
    .option('--no-settle', 'read final RAM at the end of each command as it is, without collecting its garbage first')
    .option('--keep-going', 'run the remaining cells after one fails (the exit code is still 1)')
    .option('--cell-timeout <s>', 'fail a cell that runs (or awaits) longer than this many seconds', parseCellTimeoutS)
    .option('--json', 'print all reports as one JSON document')
    .option('--html <file>', 'also write a self-contained HTML page with each cell\'s report and charts of its counters')
    .option('--write', 'for a .ipynb notebook: store each cell\'s report (and error) in its outputs')
    .action(async (file: string, flags: CellsFlags, command: Command) => {
      const debug = command.optsWithGlobals<{ debug?: boolean }>().debug === true;
      // before the file is read and compiled: -e or -M with --no-perf is a usage error
      const perfFlags = perfFlagOptions(flags);
      refuseOtherLanguage(file);
      // the page is written after the cells: a path it cannot be written to is refused before them
      if (flags.html !== undefined) checkOutputPaths([{ flag: '--html', path: flags.html, command: 'cells' }]);
      const { source, notebook, cells } = await readCells(file);
      if (flags.write === true && notebook === null) throw new UsageError('--write stores reports in a notebook: pass a .ipynb file');
      // the notebook is written after its cells: one the user may not write is refused before them
      // (it had been 'error: EACCES: permission denied, open …' once every cell had run)
      if (flags.write === true && !isWritable(file, false)) throw new UsageError(`--write stores the reports in ${file}, which may not be written (make it writable, or leave out --write)`);
      // nor a page over the notebook, as run and compare refuse two flags naming one file (it had
      // been written there and said, then the notebook written over it: the page lost)
      if (flags.write === true && flags.html !== undefined) checkOutputPaths([{ flag: '--write', path: file, command: 'cells' }, { flag: '--html', path: flags.html, command: 'cells' }]);
      if (flags.html !== undefined) refuseOutputOverCells(file, [{ flag: '--html', path: flags.html }]);
      if (cells.length === 0) throw new UsageError(`${file} has no code (write cells separated by // %% lines)`);
      // With --json, stdout is the document: the cells' console output goes to stderr.
      // A throw in a timer or an unhandled rejection between cells is the last cell's failure.
      let hasStrayFailure = false;
      /** The summary (or the JSON document) is out: a later failure is not in it, and says so. */
      let reported = false;
      const onStrayFailure = (failure: CellFailure, title: string | null): void => {
        hasStrayFailure = true;
        const when = reported ? 'after the cells had run and been reported: the report above does not hold it; exit 1' : 'after the cell had finished';
        process.stderr.write(`error: ${formatCellFailure(file, title ?? 'prelude', failure)} (${when})\n`);
        process.exitCode = 1;
      };
      const evaluator = createCellEvaluator(file, {
        ...(notebook === null ? {} : { typescript: notebook.typescript }),
        ...(flags.json === true ? { consoleStdout: process.stderr } : {}),
        timeoutS: flags.cellTimeout ?? null,
        onStrayFailure,
        // a cell's perfcell.timeit counts what its cells count (it counted perf's default events even with --no-perf or -e)
        measure: { ...(perfFlags.events === undefined ? {} : { events: perfFlags.events }), intervalMs: perfFlags.intervalMs, perf: perfFlags.perf },
      });
      // Ctrl-C, SIGTERM and SIGHUP end the running cell; the cells measured are still reported.
      const releaseSignals = holdInterruptions();
      const seenWarnings = new Set<string>();
      let printed = 0;
      /** Every cell ran (none was stopped by a signal or skipped after a failure). */
      let allRan = false;
      /** A signal stopped the cells, or a cell's process.exit(n) did: perfcell ends once everything is out. */
      let endNow = false;
      // With --json, what a cell writes to process.stdout goes to stderr too: stdout is the document's.
      const ownStdout = flags.json === true ? sendCellStdout(process.stderr) : null;
      // a cell's last line without its newline (process.stdout.write('partial')) is ended before its report
      const stdoutRow = flags.json === true ? null : watchStdoutRow();
      try {
        // a long cell's live line goes on the terminal's last row: what a cell's programs print
        // (stdio inherited) cannot land on it
        placeOwnLinesOnBottomRow();
        // a Ctrl-C while esbuild compiles them (it dies of it too) stops the cells before the first
        const prepared = await interruptedOr(evaluator.prepareAll(cells)).catch((error: unknown) => {
          if (error instanceof InterruptedError) return error;
          throw error;
        });
        const { runs, skipped, interruption: stop } = prepared instanceof InterruptedError
          ? { runs: [], skipped: cells.map((cell) => cell.title), interruption: prepared.interruption }
          : await runCells(evaluator, prepared, {
          ...perfFlags,
          settle: flags.settle,
          live: liveWanted(flags.live),
          keepGoing: flags.keepGoing === true,
          onCell: (run) => {
            for (const warning of run.report.warnings) {
              // said once, except what belongs to each cell it is about (a process an earlier cell
              // left running, counted in this one: it had been said for the first such cell only)
              if (!seenWarnings.has(warning) || isRanDuringNote(warning)) process.stderr.write(warningText(warning, process.stderr));
              seenWarnings.add(warning);
            }
            if (flags.json !== true && !ranNothing(run.failure)) process.stdout.write(`${stdoutRow?.isMidRow() === true ? '\n' : ''}${printed++ === 0 ? '' : '\n'}${renderReportText(run.report, textWidth === undefined ? {} : { width: textWidth })}\n`);
            if (run.failure !== null) {
              process.stderr.write(`error: ${formatCellFailure(file, run.title, run.failure)}\n`);
              if (debug) process.stderr.write(`${run.failure.stack}\n`);
            }
          },
        });
        allRan = stop === undefined && skipped.length === 0;
        const ok = runs.every((run) => run.failure === null) && !hasStrayFailure && stop === undefined;
        const partial = stop === undefined ? undefined : {
          reason: 'interrupted' as const,
          signal: stop.signal,
          message: `perfcell: interrupted by ${stop.signal}; ${runs.length} cell${runs.length === 1 ? '' : 's'} reported, ${skipped.length} not run${skipped.length === 0 ? '' : ` (${skipped.join(', ')})`}`,
        };
        if (partial !== undefined) process.stderr.write(`${partial.message}\n`);
        else if (skipped.length > 0) {
          process.stderr.write(`stopped: ${skipped.length} cell${skipped.length === 1 ? '' : 's'} not run (${skipped.join(', ')}); pass --keep-going to run them\n`);
        }
        if (flags.json === true) {
          const document: CellsDocument = { file, cells: runs, skipped, ok, ...(partial === undefined ? {} : { partial }) };
          (ownStdout ?? process.stdout).write(`${JSON.stringify(toJsonDocument('perfcell-cells', document), null, 2)}\n`);
        } else {
          process.stdout.write(`\n${renderCellsSummary(runs, textWidth === undefined ? {} : { width: textWidth })}\n`);
        }
        reported = true;
        // Written when a cell failed too: the page holds what was measured up to it.
        if (flags.html !== undefined) {
          // a failed cell says why in its own section, and the page says what stopped the file
          // (one that ran nothing: its error is a note of the page's, with no section)
          const reports = runs.filter((run) => !ranNothing(run.failure)).map((run) => (run.failure === null ? run.report : { ...run.report, warnings: [`error: ${formatCellFailure(file, run.title, run.failure)}`, ...run.report.warnings] }));
          const notes = [
            ...runs.flatMap((run) => (run.failure !== null && ranNothing(run.failure) ? [`error: ${formatCellFailure(file, run.title, run.failure)}`] : [])),
            ...(partial === undefined ? [] : [partial.message]),
            ...(partial === undefined && skipped.length > 0 ? [`stopped: ${skipped.length} cell${skipped.length === 1 ? '' : 's'} not run (${skipped.join(', ')})`] : []),
            ...(hasStrayFailure ? ['a cell failed after it had finished (a timer or an unhandled rejection): see stderr'] : []),
          ];
          writeHtmlFile(flags.html, renderReportsHtml(`perfcell cells ${file}`, reports, { generatedAt: new Date().toISOString(), notes, summaryText: renderCellsSummary(runs) }));
        }
        if (notebook !== null && flags.write === true) {
          const { withReports } = await import('../../kernel/notebook-outputs.ts');
          try {
            await writeWholeFileAsync(file, withReports(source, runs.map((run, index) => ({ ...run, notebookIndex: notebook.cells[index]!.notebookIndex }))));
          } catch (error: unknown) {
            // the reports are out already; the notebook is as it was (written whole or not at all,
            // but for one with hard links, written in place), which is checked before it is said
            const reason = writeErrorCode(error);
            const isUnchanged = await fsPromises.readFile(file, 'utf8').then((text) => text === source, () => false);
            throw new Error(`cannot write the reports into ${file}: ${reason} (${writeErrorFix(reason)})${isUnchanged ? '; the notebook is unchanged' : ''}`, { cause: error });
          }
        }
        // A cell's process.exit(n) ends perfcell with n (after the reports), unless --keep-going.
        const exited = runs.find((run) => run.failure?.exitCode !== undefined)?.failure?.exitCode;
        const late = stop === undefined ? await endIfInterruptedAfter('the last cell') : null;
        // stopped by a signal: perfcell ends by it once everything is out ($? 128+n), so a shell's loop stops there (end-by-signal.ts)
        const ending = stop ?? late;
        if (ending !== null) {
          endByInterruption(ending);
          endNow = true;
        }
        else if (exited !== undefined && flags.keepGoing !== true) {
          process.exitCode = exited;
          endNow = true;
        }
        else if (!ok) process.exitCode = 1;
      } finally {
        releaseSignals();
        evaluator.close();
        stdoutRow?.restore();
      }
      // Stopped by a signal or a cell's process.exit(n): everything is out, so perfcell ends now,
      // as node ends on a Ctrl-C or process.exit, whatever a cell left pending (a 20 s timer had
      // kept perfcell alive 20 s more)
      if (endNow) process.exit();
      sayWhatKeepsItAlive(allRan);
    });
}

/**
 * The cells ran in this process: a timer, a server or an open handle one left keeps it alive, as
 * it would keep node. Said once after a second, and Ctrl-C then ends it saying why, by SIGINT as
 * node ends (it had hung without a word, and exited 130 without one). `allRan`: the report holds every cell (after a
 * Ctrl-C that stopped the cells, a second one had been said to leave "the report above whole").
 */
function sayWhatKeepsItAlive(allRan: boolean): void {
  const what = allRan ? 'the cells have run and been reported' : 'the cells that ran have been reported';
  setTimeout(() => {
    process.stderr.write(`perfcell: ${what}; something a cell left running (a timer, a server, an open handle) keeps this process alive: Ctrl-C ends it\n`);
  }, 1000).unref();
  process.once('SIGINT', () => {
    process.stderr.write(allRan ? 'perfcell: interrupted by SIGINT after the last cell (the report above is whole)\n' : 'perfcell: interrupted by SIGINT after the report above\n');
    endBySignal('SIGINT');
    process.exit(130);
  });
}

/** A notebook's code cells, or a usage error saying why the file cannot be run. */
function readNotebook(file: string, source: string): ParsedNotebook {
  const parsed = splitNotebook(source);
  if ('problem' in parsed) throw new UsageError(`${file} ${parsed.problem}`);
  if (parsed.notebook.cells.length === 0) throw new UsageError(`${file} has no code cells (write JavaScript or TypeScript in its code cells)`);
  return parsed.notebook;
}
