import { describe, expect, it } from 'vitest';
import { usageErrorLine } from '../../src/cli/usage-error-line.ts';

describe('usageErrorLine', () => {
  it('puts commander\'s suggestion on the error\'s line, and names --help or the usage where it had none', () => {
    expect(usageErrorLine("error: unknown option '--jsn'\n(Did you mean --json?)\n", 'perfcell run', '[options] <command...>')).toBe("error: unknown option '--jsn' (did you mean --json?)\n");
    expect(usageErrorLine("error: unknown option '--zz'\n", 'perfcell kernel list', '[options]')).toBe("error: unknown option '--zz' (perfcell kernel list --help lists its options)\n");
    expect(usageErrorLine("error: missing required argument 'pid'\n", 'perfcell attach', '[options] <pid>')).toBe("error: missing required argument 'pid' (usage: perfcell attach [options] <pid>)\n");
    expect(usageErrorLine("error: too many arguments for 'events'. Expected 0 arguments but got 1.\n", 'perfcell events', '[options]')).toBe("error: too many arguments for 'events'. Expected 0 arguments but got 1 (usage: perfcell events [options])\n");
    expect(usageErrorLine("error: option '-e, --events <list>' argument missing\n", 'perfcell run', '[options] <command...>')).toBe("error: option '-e, --events <list>' argument missing (perfcell run --help says what it takes)\n");
  });

  it('leaves the messages that name their fix already as commander wrote them', () => {
    for (const text of [
      "error: option '-I, --interval <ms>' argument '5' is invalid. give a whole number of milliseconds from 10 to 2147483647, e.g. -I 100\n",
      "error: option '--json' cannot be used with option '--csv'\n",
      "error: option '--style <type>' argument 'x' is invalid. Allowed choices are auto, basic.\n",
    ]) expect(usageErrorLine(text, 'perfcell compare', '[options] [targets...]')).toBe(text);
  });
});
