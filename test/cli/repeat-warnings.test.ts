import { describe, expect, it } from 'vitest';
import { mergeRunWarnings } from '../../src/cli/repeat-warnings.ts';

/** run -r's warnings, one line each however many runs had them (src/cli/repeat-warnings.ts). Pure inputs. */
describe('mergeRunWarnings', () => {
  const missed = (ms: string): string => `perf ended without its last interval (still printing the one before when the command ended, on a busy machine): the counts miss up to the command's last ${ms} ms; run it again for whole counts`;

  it('says a warning that differs only in its figures once, with how many runs had it (a QA pass: 25 lines under one run -r 2000)', () => {
    const perRun = Array.from({ length: 2000 }, (_, run) => (run % 80 === 7 ? [missed(String(3 + (run % 37)))] : []));
    expect(mergeRunWarnings(perRun)).toEqual([`${missed('10')} (in 25 of 2000 runs; the figures are the first's)`]);
  });

  it('says the same text once, without a count, and keeps the first-seen order', () => {
    expect(mergeRunWarnings([['b', 'a'], ['a'], ['c', 'b']])).toEqual(['b', 'a', 'c']);
  });

  it('keeps texts of other shapes apart, and figures such as 1,234.5 or 0.8 as one figure', () => {
    expect(mergeRunWarnings([['read 1,234.5 MiB'], ['read 0.8 MiB', 'lost 2 events'], ['lost 3 events']])).toEqual([
      "read 1,234.5 MiB (in 2 of 3 runs; the figures are the first's)",
      "lost 2 events (in 2 of 3 runs; the figures are the first's)",
    ]);
  });
});
