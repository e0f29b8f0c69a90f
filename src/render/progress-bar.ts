import type { InterleaveProgress } from '../experiment/interleave.ts';
import { formatMetricValue } from './metric-units.ts';

/** What the progress line knows besides the schedule: the time so far and each alternative's mean. */
export interface ProgressEstimate {
  /** Seconds since the measured rounds began; null during warm-up. */
  readonly elapsedS: number | null;
  /** Measured runs finished, over all slots. */
  readonly runsDone: number;
  /** Slots per round (alternatives and the noise floor). */
  readonly slots: number;
  /** Mean time so far of each alternative that has run (the current estimate). */
  readonly means: readonly { readonly name: string; readonly meanS: number }[];
}

/**
 * Seconds left at the pace so far: elapsed ÷ runs done × runs to go. null before the first
 * measured run ends (no pace yet).
 * @example estimateRemainingS({ round: 3, rounds: 10 }, { elapsedS: 4, runsDone: 4, slots: 2, means: [] }) // 14
 */
export function estimateRemainingS(progress: Pick<InterleaveProgress, 'rounds'>, estimate: ProgressEstimate): number | null {
  if (estimate.elapsedS === null || estimate.runsDone === 0) return null;
  const runsLeft = Math.max(0, progress.rounds * estimate.slots - estimate.runsDone);
  return (estimate.elapsedS / estimate.runsDone) * runsLeft;
}

/** "0:07", "1:05", "1:02:03". */
export function formatEta(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/**
 * One line of progress for stderr on a terminal (the CLI redraws it with \r), fitted to `width`:
 * `[██████░░░░░░] 3/10  col  ETA 0:14  row 12.1 ms, col 27.9 ms`, or `warm-up 1/1  sum rows`.
 * Parts are dropped from the right (the estimates, then the slot name) and the bar shortened until
 * the line fits.
 * @example renderProgressBar({ phase: 'measure', round: 3, rounds: 10, slot: 'col' }) // '[████░░░░░░░░░░░░░░░░] 3/10  col'
 */
export function renderProgressBar(progress: InterleaveProgress, estimate?: ProgressEstimate, width = 80, live?: string): string {
  const fits = (line: string) => [...line].length <= width;
  const lives = liveParts(live);
  if (progress.phase === 'warmup') {
    const line = `warm-up ${progress.round}/${progress.rounds}`;
    const candidates = [...lives.map((part) => `${line}  ${progress.slot}  ${part}`), `${line}  ${progress.slot}`, ...lives.map((part) => `${line}  ${part}`)];
    return candidates.find(fits) ?? line;
  }
  const remainingS = estimate === undefined ? null : estimateRemainingS(progress, estimate);
  const eta = remainingS === null ? '' : `  ETA ${formatEta(remainingS)}`;
  const means = estimate === undefined || estimate.means.length === 0 ? '' : `  ${estimate.means.map(({ name, meanS }) => `${name} ${formatMetricValue(meanS, 's')}`).join(', ')}`;
  const bar = (barWidth: number) => {
    const done = Math.min(barWidth, Math.round(((progress.round - 1) / Math.max(1, progress.rounds)) * barWidth));
    return `[${'█'.repeat(done)}${'░'.repeat(barWidth - done)}] ${progress.round}/${progress.rounds}`;
  };
  // `live`: the running run's own figures (`run 2.3s  RSS 41.2 MiB`), kept before the estimates while it runs long.
  const liveCandidates = lives.flatMap((part) => [`${bar(20)}  ${progress.slot}${eta}  ${part}`, `${bar(10)}  ${progress.slot}  ${part}`, `${bar(10)}  ${part}`]);
  const candidates = [
    ...liveCandidates,
    `${bar(20)}  ${progress.slot}${eta}${means}`,
    `${bar(20)}${eta}${means}`,
    `${bar(20)}  ${progress.slot}${eta}`,
    `${bar(20)}${eta}`,
    `${bar(10)}${eta}`,
  ];
  return candidates.find(fits) ?? `${progress.round}/${progress.rounds}${eta}`;
}

/**
 * The live part whole, then shorter by its last figure down to elapsed and RSS: at 80 columns the
 * default events' rates had left no room for any of it (a QA pass: a 2.5 s run showed no `run …`).
 * @example liveParts('run 1.2s  RSS 3.1 MiB  page-faults 730/s') // ['run 1.2s  RSS 3.1 MiB  page-faults 730/s', 'run 1.2s  RSS 3.1 MiB']
 */
function liveParts(live: string | undefined): string[] {
  if (live === undefined || live === '') return [];
  const parts = live.split('  ');
  return Array.from({ length: Math.max(1, parts.length - 1) }, (_, index) => parts.slice(0, parts.length - index).join('  '));
}
