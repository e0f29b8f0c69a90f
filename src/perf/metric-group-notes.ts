/**
 * What perf said about `-M` groups it could not use, as report notes. perf 6.1 does not fail on
 * them: it prints a line on stderr and counts the `-e` events alone, so without a note `-M X`
 * would look as if it had worked. Where perf has no metric table for the CPU at all (a VM's
 * generic "AMD EPYC"), it says nothing either: `requested` groups that gave no metric row
 * (`sawMetricRows` false) and no message get the same note.
 * @example
 * metricGroupNotes(["Cannot find metric or group `TopdownL1'"])
 * // → ["perf has no metric or group 'TopdownL1' here, so -M TopdownL1 gave nothing (perf list metricgroups names those it has)"]
 * metricGroupNotes([], ['TopdownL1'], false) // → the same note
 */
export function metricGroupNotes(messages: readonly string[], requested: readonly string[] = [], sawMetricRows = false): string[] {
  const notes: string[] = [];
  for (const [at, message] of messages.entries()) {
    const unknown = /Cannot find metric or group `([^']+)'/.exec(message);
    if (unknown !== null) {
      notes.push(unknownGroupNote(unknown[1]!));
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
  if (notes.length === 0 && !sawMetricRows) notes.push(...requested.map(unknownGroupNote));
  return [...new Set(notes)];
}

function unknownGroupNote(group: string): string {
  return `perf has no metric or group '${group}' here, so -M ${group} gave nothing (perf list metricgroups names those it has)`;
}
