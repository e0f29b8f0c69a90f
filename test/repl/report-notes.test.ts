import { describe, expect, it } from 'vitest';
import { isInterruption, keptAliveNote, outcomeOfThrow } from '../../src/repl/report-notes.ts';
import type { CommandReport } from '../../src/session/report.ts';

const MIB = 1024 * 1024;
const grown = (usedBytes: number, externalDeltaBytes = 0) =>
  ({
    durationS: 0.01,
    memory: { usedBytes, heap: { heapUsedDeltaBytes: 0, externalDeltaBytes, arrayBuffersDeltaBytes: externalDeltaBytes, heapUsedAfterBytes: 0 } },
  }) as unknown as CommandReport;

describe('report notes', () => {
  it('hints at `_` only for an object result that grew memory by 1 MiB or more', () => {
    expect(keptAliveNote(grown(32 * MIB), new Float64Array(2))).toContain('`_`');
    expect(keptAliveNote(grown(0, 4 * MIB), {})).toContain('`_`');
    expect(keptAliveNote(grown(32 * MIB), 42)).toBeNull();
    expect(keptAliveNote(grown(32 * MIB), null)).toBeNull();
    expect(keptAliveNote(grown(0.5 * MIB), {})).toBeNull();
  });

  it('tells a Ctrl-C interruption from a throw', () => {
    const interrupted = Object.assign(new Error('Script execution was interrupted by `SIGINT`'), { code: 'ERR_SCRIPT_EXECUTION_INTERRUPTED' });
    expect(isInterruption(interrupted)).toBe(true);
    expect(outcomeOfThrow(interrupted)).toEqual({ exitCode: null, signal: 'SIGINT' });
    expect(outcomeOfThrow(new Error('boom'))).toEqual({ exitCode: 1 });
    expect(outcomeOfThrow(42)).toEqual({ exitCode: 1 });
  });
});
