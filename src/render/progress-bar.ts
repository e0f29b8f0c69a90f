import type { InterleaveProgress } from '../experiment/interleave.ts';

/**
 * One line of progress for stderr on a terminal (the CLI redraws it with \r):
 * `[██████░░░░░░░░░░░░░░] 3/10  sum columns` or `warm-up 1/1  sum rows`.
 * @example renderProgressBar({ phase: 'measure', round: 3, rounds: 10, slot: 'col' }, 10) // '[██░░░░░░░░] 3/10  col'
 */
export function renderProgressBar(progress: InterleaveProgress, barWidth = 20): string {
  if (progress.phase === 'warmup') return `warm-up ${progress.round}/${progress.rounds}  ${progress.slot}`;
  const done = Math.min(barWidth, Math.round(((progress.round - 1) / Math.max(1, progress.rounds)) * barWidth));
  return `[${'█'.repeat(done)}${'░'.repeat(barWidth - done)}] ${progress.round}/${progress.rounds}  ${progress.slot}`;
}
