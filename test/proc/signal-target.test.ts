import { describe, expect, it } from 'vitest';
import { ownSignalTarget } from '../../src/proc/signal-target.ts';

const statOf = (processGroup: number): string => `${process.pid} (node) S 1 ${processGroup} ${processGroup} 0 -1 4194560`;

describe('ownSignalTarget: this process, or its group where it leads it', () => {
  it('names the group (-pid) of a process that leads it, as jupyter_client starts a kernel', () => {
    expect(ownSignalTarget(() => statOf(process.pid))).toBe(-process.pid);
  });

  it("names the process alone in someone else's group, or where /proc cannot be read", () => {
    expect(ownSignalTarget(() => statOf(process.pid + 1))).toBe(process.pid);
    expect(ownSignalTarget(() => 'garbage')).toBe(process.pid);
    expect(
      ownSignalTarget(() => {
        throw new Error('ENOENT');
      }),
    ).toBe(process.pid);
  });
});
