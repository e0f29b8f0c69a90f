import { styleText } from 'node:util';
import type { CheckId, Verdict, VerdictStatus } from '../perf/diagnose.ts';
import { renderEventsText, type EventsOverview } from './events-text.ts';
import { wrapRow } from './wrap-row.ts';

export interface DoctorTextOptions {
  readonly color: boolean;
  /** Terminal columns; details wrap to it. None (a pipe, a file): every line whole. */
  readonly width?: number;
  /** Which -e presets and events count here, listed before the result (see `perfcell events`). */
  readonly events?: EventsOverview;
}

type Style = Parameters<typeof styleText>[0];

const STATUS: Record<VerdictStatus, { readonly label: string; readonly style: Style }> = {
  ok: { label: 'ok', style: 'green' },
  info: { label: 'info', style: 'cyan' },
  warn: { label: 'warn', style: 'yellow' },
  fail: { label: 'FAIL', style: ['bold', 'red'] },
};

const TITLE: Record<CheckId, string> = {
  perf: 'perf',
  privilege: 'privilege',
  paranoid: 'paranoid',
  pmu: 'hardware PMU',
  hybrid: 'core types',
  'nmi-watchdog': 'NMI watchdog',
  events: 'events',
  'cache-misses': 'cache-misses',
  valgrind: 'valgrind',
  'hand-over': 'hand-over',
  'perf-output': 'perf output',
  'tree-cgroups': 'cgroups',
  'hardware-counting': 'result',
};

const TITLE_WIDTH = Math.max(...Object.values(TITLE).map((title) => title.length)) + 2;
const INDENT = ' '.repeat(7 + TITLE_WIDTH);
const FIX = 'fix: ';

/**
 * `perfcell doctor`'s screen: one block per verdict, status first, then details and the
 * `fix:` command, the overall result last after a blank line.
 */
export function renderDoctorText(verdicts: readonly Verdict[], { color, width, events }: DoctorTextOptions): string {
  const paint = (style: Style, text: string): string => (color ? styleText(style, text, { validateStream: false }) : text);
  /** `text` in lines that fit after `before` columns of indent: whole with no width (a pipe keeps whole lines). */
  const wrap = (text: string, before: number): string[] => (width === undefined ? [text] : wrapRow(text, width - before));
  const block = (verdict: Verdict): string => {
    const status = STATUS[verdict.status];
    const label = paint(status.style, `[${status.label}]`.padEnd(7));
    // the summary and the fix wrap too, under their own text (a 292-character line had been left to the terminal)
    const [first = '', ...more] = wrap(verdict.summary, INDENT.length);
    const head = [`${label}${TITLE[verdict.check].padEnd(TITLE_WIDTH)}${first}`, ...more.map((part) => INDENT + part)];
    const details = verdict.details.flatMap((line) => wrap(line, INDENT.length).map((part) => INDENT + part));
    const fixLines = verdict.fix === null ? [] : wrap(verdict.fix, INDENT.length + FIX.length);
    const fix = fixLines.map((part, index) => `${INDENT}${index === 0 ? paint('bold', FIX.trimEnd()) + ' ' : ' '.repeat(FIX.length)}${part}`);
    return [...head, ...details, ...fix].join('\n');
  };
  const checks = verdicts.filter((verdict) => verdict.check !== 'hardware-counting').map(block);
  const results = verdicts.filter((verdict) => verdict.check === 'hardware-counting').map(block);
  const presets = events === undefined ? [] : ['', ...wrap('events (-e NAME; perfcell events --json for details):', 0), ...renderEventsText(events).trimEnd().split('\n').flatMap((line) => (line === '' ? [''] : wrap(`  ${line}`, 0)))];
  return [...checks, ...presets, '', ...results].join('\n') + '\n';
}
