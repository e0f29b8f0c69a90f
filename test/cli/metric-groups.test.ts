/**
 * `-M` with the real perf of this VM, which has no PMU: no metric group counts here (every group of
 * `perf list metricgroups` needs hardware events), and perf 6.1 then counts the -e events alone with
 * one line on stderr. perfcell says so instead of looking as if -M had worked. The metric rows a
 * group prints on a real PMU are tested on the replay (test/hw/run.test.ts).
 */
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { metricGroupNotes } from '../../src/perf/metric-group-notes.ts';
import { cliPath } from '../support/fixtures.ts';
import { perfUsable } from '../support/perf.ts';

describe('-M metric groups perf cannot use here', () => {
  it('reads perf 6.1\'s two messages (as it prints them on this VM) into notes', () => {
    expect(metricGroupNotes(["Cannot find metric or group `TopdownL1'"])).toEqual([
      "perf has no metric or group 'TopdownL1' here, so -M TopdownL1 gave nothing (perf list metricgroups names those it has)",
    ]);
    expect(metricGroupNotes(["event syntax error: '{l2_pf_miss_l2_l3/metric-id=l2_pf_miss_l2_l3/,l2_pf_hit_..'", "                     \\___ Cannot find PMU `l2_pf_miss_l2_l3'. Missing kernel support?"])).toEqual([
      "perf cannot count the events of an -M metric group here (no PMU 'l2_pf_miss_l2_l3': no such hardware counter, as in most VMs), so it gave nothing; perfcell doctor says which counters work",
    ]);
    expect(metricGroupNotes(['Events disabled', "event syntax error: 'nope'"])).toEqual([]);
  });

  // perf 6.1 on a CPU it has no metric table for (this VM's "AMD EPYC" of 2026-12-02): -M of any
  // name prints nothing and exits 0, so the group that gave no row is named all the same
  it('names the requested groups where perf said nothing and printed no metric row', () => {
    const note = (group: string) => `perf has no metric or group '${group}' here, so -M ${group} gave nothing (perf list metricgroups names those it has)`;
    expect(metricGroupNotes([], ['TopdownL1', 'Branches'], false)).toEqual([note('TopdownL1'), note('Branches')]);
    expect(metricGroupNotes([], ['TopdownL1'], true)).toEqual([]);
    expect(metricGroupNotes(["Cannot find metric or group `Nope'"], ['TopdownL1', 'Nope'], true)).toEqual([note('Nope')]);
    expect(metricGroupNotes([], [], false)).toEqual([]);
  });

  it.skipIf(!perfUsable)('run -M of an unknown group: the -e events counted, one warning naming the group and the fix', async () => {
    const result = await execa(process.execPath, [cliPath, 'run', '--json', '-e', 'page-faults', '-M', 'NoSuchGroupXyz', '--', 'true'], { reject: false, env: { NO_COLOR: '1' } });
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { counters: { events: { event: string; total: number | null }[]; metrics?: unknown }; warnings: string[] };
    expect(report.counters.events.map((event) => event.event)).toEqual(['page-faults']);
    expect(report.counters.events[0]?.total).toBeGreaterThan(0);
    expect(report.counters.metrics).toBeUndefined();
    expect(report.warnings.filter((warning) => warning.includes("no metric or group 'NoSuchGroupXyz'"))).toHaveLength(1);
  });
});
if (!perfUsable) console.warn('metric-groups: the real-perf -M case is skipped (perf cannot count software events here)');
