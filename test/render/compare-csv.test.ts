import { describe, expect, it } from 'vitest';
import { AlternativeFailedError } from '../../src/experiment/alternatives.ts';
import { HookFailedError, HookInterruptedError } from '../../src/experiment/hook-command.ts';
import type { InterleaveOutcome, InterleaveStop } from '../../src/experiment/interleave.ts';
import { describePartial } from '../../src/experiment/partial-run.ts';
import { buildCompareDocument } from '../../src/experiment/compare-document.ts';
import { partialCell, renderCompareCsv, VALUE_COLUMNS } from '../../src/render/compare-csv.ts';
import { COMPARE_COLUMNS } from '../../src/render/compare-table.ts';
import { InterruptedError } from '../../src/session/interruption.ts';
import { rowColDocument, scanDocument } from './compare-fixture.ts';

const names = ['a', 'b', 'noise floor'];
const SIGINT = { signal: 'SIGINT', number: 2 } as const;

/** An outcome of `completedRounds` rounds of a, b and the noise floor, stopped by `stop` (null: every round ran). */
function outcome(completedRounds: number, stop: Omit<InterleaveStop, 'error'> | null): InterleaveOutcome<unknown> {
  return { results: names.map(() => Array.from({ length: completedRounds }, () => ({}))), completedRounds, stop: stop === null ? null : { ...stop, error: null }, spentS: [0, 0, 0], roundsRerun: 0 };
}

/** The CSV's `partial` cell for what stopped compare, as compare builds its partial block. */
const cellFor = (ran: InterleaveOutcome<unknown>, error: unknown): string => partialCell(describePartial(ran, error, names) ?? undefined);

describe("compare's CSV export: the partial column says what stopped compare", () => {
  it('is empty for a comparison that ran to its end', () => {
    expect(cellFor(outcome(10, null), null)).toBe('');
  });

  it('names a failing --cleanup, after every round, not a run', () => {
    const error = new HookFailedError("the --cleanup command 'exit 4' for 'a' exited with code 4", 'cleanup', 'a');
    expect(cellFor(outcome(3, null), error)).toBe("the --cleanup command for 'a' failed after the rounds (3 complete rounds)");
  });

  it('names a failing check cell, after every round', () => {
    const error = new AlternativeFailedError("cell 'check' failed at alts.js:8:7: Error: check failed on purpose");
    const partial = describePartial(outcome(3, null), error, names);
    expect(partial?.message).toBe('a check cell failed after the rounds (3 complete rounds); the results above hold every run');
    expect(partialCell(partial ?? undefined)).toBe('a check cell failed after the rounds (3 complete rounds)');
  });

  it('names a failing --prepare command and its round', () => {
    const error = new HookFailedError("the --prepare command 'exit 1' for 'b' exited with code 1", 'prepare', 'b');
    expect(cellFor(outcome(4, { phase: 'measure', round: 5, slot: 'b' }), error)).toBe("the --prepare command for 'b' failed in round 5, after 4 complete rounds");
  });

  it('names a failing run and its round', () => {
    const error = new AlternativeFailedError("'b' exited with code 1");
    expect(cellFor(outcome(4, { phase: 'measure', round: 5, slot: 'b' }), error)).toBe('a run failed in round 5, after 4 complete rounds');
    expect(cellFor(outcome(0, { phase: 'warmup', round: 1, slot: 'a' }), error)).toBe('a run failed in warm-up round 1, after 0 complete rounds');
  });

  it('names the signal, and the hook it came in', () => {
    expect(cellFor(outcome(3, { phase: 'measure', round: 4, slot: 'a' }), new InterruptedError(SIGINT))).toBe('interrupted by SIGINT after 3 complete rounds');
    expect(cellFor(outcome(1, null), new InterruptedError({ signal: 'SIGTERM', number: 15 }))).toBe('interrupted by SIGTERM after 1 complete round');
    expect(cellFor(outcome(3, null), new HookInterruptedError(SIGINT, 'cleanup', 'a'))).toBe("interrupted by SIGINT in the --cleanup command for 'a' after 3 complete rounds");
  });

  it('puts the cause on every row, quoted where it holds a comma', () => {
    const partial = describePartial(outcome(4, { phase: 'measure', round: 5, slot: 'b' }), new AlternativeFailedError('exit 1'), names);
    const lines = renderCompareCsv({ ...rowColDocument(), ...(partial === null ? {} : { partial }) }).trimEnd().split('\n');
    expect(lines[0]?.split(',').at(-1)).toBe('partial');
    for (const line of lines.slice(1)) expect(line.endsWith(',"a run failed in round 5, after 4 complete rounds"'), line).toBe(true);
  });
});

describe("compare's CSV export of a parameter scan (-L, -P)", () => {
  it("adds hyperfine's parameter_NAME column and each row against the first command at its value", () => {
    const [header, ...rows] = renderCompareCsv(scanDocument()).trimEnd().split('\n').map((line) => line.split(','));
    expect(header?.slice(COMPARE_COLUMNS.length)).toEqual(['partial', 'parameter_n', ...VALUE_COLUMNS]);
    const cell = (row: readonly string[] | undefined, name: string): string | undefined => row?.[header?.indexOf(name) ?? -1];
    const time = rows.filter((row) => row[0] === 'durationS');
    expect(time.map((row) => [row[4], cell(row, 'parameter_n')])).toEqual([
      ['row (n = 256)', '256'], ['col (n = 256)', '256'], ['row (n = 2048)', '2048'], ['col (n = 2048)', '2048'], ['noise floor', ''],
    ]);
    // against the first overall, col (n = 2048) is 30× row (n = 256); at its own value, 3× row (n = 2048)
    expect(Number(cell(time[3], 'ratio'))).toBeCloseTo(30, 0);
    expect(Number(cell(time[3], 'value_ratio'))).toBeCloseTo(3, 1);
    expect(cell(time[3], 'value_significant')).toBe('true');
    expect(cell(time[3], 'value_verdict')).toBe(scanDocument().byValue?.[1]?.results[0]?.comparisons[0]?.verdict);
    // same at n = 256: not significant; the first at each value and the noise floor have none
    expect(cell(time[1], 'value_significant')).toBe('false');
    for (const row of [time[0], time[2], time[4]]) expect(VALUE_COLUMNS.map((name) => cell(row, name))).toEqual(VALUE_COLUMNS.map(() => ''));
  });

  it('has no value_ columns for a scan of one command: nothing to compare at a value', () => {
    const document = scanDocument();
    const one = buildCompareDocument({ ...document, alternatives: document.alternatives.filter((alternative) => alternative.name.startsWith('row')) });
    expect(renderCompareCsv(one).split('\n')[0]).toBe([...COMPARE_COLUMNS, 'partial', 'parameter_n'].join(','));
  });

  it('adds no column to a comparison without parameters', () => {
    expect(renderCompareCsv(rowColDocument()).split('\n')[0]).toBe([...COMPARE_COLUMNS, 'partial'].join(','));
  });
});

