/**
 * What perf said about `-M` groups it could not use, as report notes. perf 6.1 does not fail on
 * them: it prints a line on stderr and counts the `-e` events alone, so without a note `-M X`
 * would look as if it had worked.
 * @example
 * metricGroupNotes(["Cannot find metric or group `TopdownL1'"])
 * // → ["perf has no metric or group 'TopdownL1' here, so -M TopdownL1 gave nothing (perf list metricgroups names those it has)"]
 */
export function metricGroupNotes(messages: readonly string[]): string[] {
  const notes: string[] = [];
  for (const [at, message] of messages.entries()) {
    const unknown = /Cannot find metric or group `([^']+)'/.exec(message);
    if (unknown !== null) {
      notes.push(`perf has no metric or group '${unknown[1]}' here, so -M ${unknown[1]} gave nothing (perf list metricgroups names those it has)`);
      continue;
    }
    // `event syntax error: '{ex_ret_brn/metric-id=ex_ret_brn/,...'` then `\___ Cannot find PMU `ex_ret_brn'. ...`
    if (message.startsWith('event syntax error:') && message.includes('metric-id=')) {
      const pmu = /Cannot find PMU `([^']+)'/.exec(messages[at + 1] ?? '')?.[1];
      notes.push(
        `perf cannot count the events of an -M metric group here${pmu === undefined ? '' : ` (no PMU '${pmu}': no such hardware counter, as in most VMs)`}, ` +
          'so it gave nothing; perfcell doctor says which counters work',
      );
    }
  }
  return [...new Set(notes)];
}
