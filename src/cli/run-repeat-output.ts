import { writeFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { constants } from 'node:os';
import { toJsonDocument } from '../json-document.ts';
import { renderRepeatText } from '../render/run-repeat-text.ts';
import type { CommandReport } from '../session/report.ts';
import { summarizeRuns } from '../session/run-repeat.ts';
import { writeHtmlFile } from './html-file.ts';
import { writeStdout } from './stdout-guard.ts';
import { warningText } from '../render/terminal-width.ts';

/** `-r N`: a whole number from 1. */
export function parseRepeat(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('expected a whole number of runs, 1 or more (e.g. -r 5)');
  return value;
}

/** A run's exit status as a shell sees it: 128+n for a signal. */
function statusOf(report: CommandReport): number {
  if (report.signal !== null) return 128 + ((constants.signals as Record<string, number | undefined>)[report.signal] ?? 0);
  return report.exitCode ?? 1;
}

/**
 * `run -r N`'s output: the text summary on stderr (or -o FILE), or one perfcell-run-repeat
 * document with every run's report on stdout (or -o FILE); each warning once. The exit status is
 * the first failed run's, else 0.
 */
export async function writeRepeatedRuns(command: readonly string[], reports: readonly CommandReport[], flags: { readonly json: boolean; readonly output?: string; readonly html?: string }): Promise<void> {
  const metrics = summarizeRuns(reports);
  const warnings = [...new Set(reports.flatMap((report) => report.warnings))];
  for (const warning of warnings) process.stderr.write(warningText(warning, process.stderr));
  const failed = reports.find((report) => statusOf(report) !== 0);
  process.exitCode = failed === undefined ? 0 : statusOf(failed);
  const text = `${renderRepeatText(reports[0]?.label ?? command.join(' '), reports.length, metrics)}\n`;
  const rendered = flags.json ? `${JSON.stringify(toJsonDocument('perfcell-run-repeat', { command, runs: reports, metrics }), null, 2)}\n` : text;
  if (flags.output !== undefined) {
    try {
      writeFileSync(flags.output, rendered);
    } catch (error: unknown) {
      process.stderr.write(`error: cannot write the report to ${flags.output}: ${(error as NodeJS.ErrnoException).code ?? 'write failed'} (check the path and its permissions); the report follows on stderr\n${text}`);
      if (process.exitCode === 0) process.exitCode = 1;
    }
  } else if (flags.json) {
    if (!(await writeStdout(rendered))) process.stderr.write(text);
  } else {
    process.stderr.write(rendered);
  }
  if (flags.html !== undefined) writeHtmlFile(flags.html, (await import('../render/html.ts')).renderReportsHtml('perfcell run', [...reports], { generatedAt: reports[0]?.startedAt ?? new Date().toISOString() }));
}
