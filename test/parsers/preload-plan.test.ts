import { describe, expect, it } from 'vitest';
import { parsePreloadPlan } from '../../parsers/preload-plan.ts';

// perfcell-exec --preload-plan's lines, as the gate prints them (test/cli/doctor.test.ts runs the real one)
describe('parsePreloadPlan', () => {
  it('reads the file perf is exec\'d from, and whether it came through Ubuntu\'s script', () => {
    expect(parsePreloadPlan('preload /usr/bin/perf\n')).toEqual({ file: '/usr/bin/perf', viaUbuntuWrapper: false, reason: null });
    expect(parsePreloadPlan('preload /usr/lib/linux-tools/6.8.0-45-generic/perf\nvia ubuntu-wrapper\n')).toEqual({
      file: '/usr/lib/linux-tools/6.8.0-45-generic/perf',
      viaUbuntuWrapper: true,
      reason: null,
    });
  });

  it('reads why not, whole', () => {
    expect(parsePreloadPlan('none file capabilities (setcap)\n')).toEqual({ file: null, viaUbuntuWrapper: false, reason: 'file capabilities (setcap)' });
    expect(parsePreloadPlan('none not on PATH')).toEqual({ file: null, viaUbuntuWrapper: false, reason: 'not on PATH' });
  });

  it('is null for anything else: empty, a usage line, a bare keyword', () => {
    for (const text of ['', 'usage: perfcell-exec GATE_FD REPORT_FD COMMAND [ARG...] | -\n', 'preload \n', 'none\n', 'Preload /usr/bin/perf\n']) {
      expect(parsePreloadPlan(text), JSON.stringify(text)).toBeNull();
    }
  });
});
