import { describe, expect, it } from 'vitest';
import { isIgnoredSignal, keepingIgnoredOnExec, signalsOfMask } from '../../src/session/ignored-signals.ts';
import { keepingIgnored } from '../../src/experiment/hook-command.ts';

describe("the launcher's SigIgn mask (/proc/self/status: bit n-1 for signal n)", () => {
  it('names the stop signals in it, and none for no mask, an empty one or junk', () => {
    expect(signalsOfMask('0000000000000001')).toEqual(['SIGHUP']);
    // a script's background job: SIGINT (2) and SIGQUIT (3); SIGPIPE (13) and others are not perfcell's to stop on
    expect(signalsOfMask('0000000000001006')).toEqual(['SIGINT', 'SIGQUIT']);
    expect(signalsOfMask('0000000000001000')).toEqual([]);
    expect(signalsOfMask('0000000000004000')).toEqual(['SIGTERM']);
    expect(signalsOfMask(undefined)).toEqual([]);
    expect(signalsOfMask('')).toEqual([]);
    expect(signalsOfMask('zz')).toEqual([]);
    expect(isIgnoredSignal('SIGHUP', { PERFCELL_SIGIGN: '1' })).toBe(true);
    expect(isIgnoredSignal('SIGINT', { PERFCELL_SIGIGN: '1' })).toBe(false);
  });

  it("ignores them again first in a hook's shell line, and leaves the line alone without them", () => {
    expect(keepingIgnored('make', { PERFCELL_SIGIGN: '0000000000000007' })).toBe("trap '' HUP INT QUIT; make");
    expect(keepingIgnored('make', {})).toBe('make');
  });

  it('starts a program Node spawns through sh, which ignores them and execs it; as given without them', () => {
    expect(keepingIgnoredOnExec('valgrind', ['./prog', 'a b'], { PERFCELL_SIGIGN: '1' })).toEqual({ file: 'sh', args: ['-c', `trap '' HUP; unset PERFCELL_SIGIGN; exec "$0" "$@"`, 'valgrind', './prog', 'a b'] });
    expect(keepingIgnoredOnExec('valgrind', ['./prog'], {})).toEqual({ file: 'valgrind', args: ['./prog'] });
  });
});
