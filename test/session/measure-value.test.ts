import { describe, expect, it } from 'vitest';
import { measure } from '../../src/session/measure.ts';

/** measure(fn) keeps fn's result (issue 13) without changing the report's JSON or the argv form. */
describe('measure(fn) value', () => {
  it('resolves with the report holding what fn returned, awaited, out of its JSON', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => i);
    const report = await measure(() => rows.reduce((sum, value) => sum + value, 0), { perf: false });
    const { value, durationS } = report;
    expect(value).toBe(49_995_000);
    expect(durationS).toBeGreaterThan(0);
    expect(Object.keys(report)).not.toContain('value');
    expect(JSON.parse(JSON.stringify(report))).not.toHaveProperty('value');

    const later = await measure(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { rows: rows.length };
    }, { perf: false });
    expect(later.value).toEqual({ rows: 10_000 });
    expect(later.durationS).toBeGreaterThanOrEqual(0.004);
  });

  it('an argv still resolves with the program\'s report', async () => {
    const report = await measure(['sh', '-c', 'exit 4'], { perf: false, quiet: true });
    expect(report.exitCode).toBe(4);
    expect(report.command).toEqual(['sh', '-c', 'exit 4']);
  });
});
