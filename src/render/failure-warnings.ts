import type { SavedAlternative } from '../experiment/compare-document.ts';
import { endingText } from './report-text.ts';

/**
 * What `-i` kept: per alternative with failed runs, how many failed and how, one line each (no
 * `warning:` prefix), for stderr and for the pages that show the numbers, whose readers see no
 * stderr. None when no run failed.
 * @example failureWarnings([{ name: 'bad', runs: [{ durationS: 0.001 }], failures: [{ phase: 'measure', round: 1, exitCode: 1, signal: null }] }])
 * // ["'bad' failed in 1 of 1 measured runs (exit code 1); kept under --ignore-failure, its numbers include them"]
 */
export function failureWarnings(alternatives: readonly SavedAlternative[]): string[] {
  return alternatives.flatMap((alternative) => {
    const failed = alternative.failures ?? [];
    if (failed.length === 0) return [];
    const measured = failed.filter((failure) => failure.phase === 'measure').length;
    const how = [...new Set(failed.map(endingText))].join(', ');
    const warmups = failed.length > measured ? ` and ${failed.length - measured} warm-up runs` : '';
    return [`'${alternative.name}' failed in ${measured} of ${alternative.runs.length} measured runs${warmups} (${how}); kept under --ignore-failure, its numbers include them`];
  });
}
