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
  /**
   * Each slot's measured runs so far: how many, and their summed time; `runsNothing`: the noise
   * floor, taken as 0 s a run until one has finished. Absent: the pace of all runs is used.
   */
  readonly slotRuns?: readonly { readonly done: number; readonly totalS: number; readonly runsNothing?: boolean }[];
  /** The measured run in progress: its slot and how long it has run. */
  readonly running?: { readonly slot: number; readonly elapsedS: number } | null;
}

/**
 * Seconds left. Each slot's runs to go at its own mean time, a slot with none finished at the
 * time its run in progress has taken so far (at least that), else at the mean of the others (the
 * noise floor, which runs nothing, at 0);
 * less what the run in progress has done; plus the time between runs so far (hand-overs, hooks)
 * for each run to go. (Elapsed ÷ runs done × runs to go, as it was, had climbed from 0:02 to
 * 0:18 within 2 s of a 3 s alternative's first run, 7 s being left: the run's time so far counted
 * as the pace of every run.) null before the first measured run ends (no pace yet).
 * @example estimateRemainingS({ rounds: 3 }, { elapsedS: 2.3, runsDone: 1, slots: 2, means: [], slotRuns: [{ done: 1, totalS: 0.2 }, { done: 0, totalS: 0 }], running: { slot: 1, elapsedS: 2 } }) // 4.9 (no noise floor here)
 */
export function estimateRemainingS(progress: Pick<InterleaveProgress, 'rounds'>, estimate: ProgressEstimate): number | null {
  if (estimate.elapsedS === null || estimate.runsDone === 0) return null;
  const runsLeft = Math.max(0, progress.rounds * estimate.slots - estimate.runsDone);
  const slotRuns = estimate.slotRuns;
  if (slotRuns === undefined) return (estimate.elapsedS / estimate.runsDone) * runsLeft;
  const running = estimate.running ?? null;
  const finishedS = slotRuns.reduce((sum, slot) => sum + slot.totalS, 0);
  const between = Math.max(0, estimate.elapsedS - finishedS - (running?.elapsedS ?? 0)) / estimate.runsDone;
  const known = slotRuns.filter((slot) => slot.done > 0 && slot.runsNothing !== true);
  const othersMeanS = known.reduce((sum, slot) => sum + slot.totalS / slot.done, 0) / known.length;
  let leftS = 0;
  slotRuns.forEach((slot, index) => {
    const isRunning = running?.slot === index;
    const meanS = slot.done > 0 ? slot.totalS / slot.done : isRunning ? running.elapsedS : slot.runsNothing === true || known.length === 0 ? 0 : othersMeanS;
    const eachS = isRunning ? Math.max(meanS, running.elapsedS) : meanS;
    leftS += Math.max(0, progress.rounds - slot.done) * eachS - (isRunning ? running.elapsedS : 0);
  });
  return Math.max(0, leftS) + between * runsLeft;
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
