import type { PerfRecord } from '../../parsers/perf-stat-types.ts';

/**
 * A window's interval records: those up to the first interval that ends at or after the window's
 * end (`untilS`, on perf's clock), which holds its tail; later ones are perf's idle ticks.
 *
 * perf's clock zero is known only from above (a line is read after perf wrote it, so a line read
 * late makes the zero late), and `untilS` then comes out early. Where the window's target has
 * exited (`targetExited`: a program, reaped), nothing is counted after its end, so a later
 * interval that counted something is still the program's: kept. Without that, a tick between the
 * early `untilS` and the program's real end was taken for the tail and the last interval was
 * dropped (24, 29 and 47 of a `true`'s some 50 page-faults in 3 of 120 runs at -I 10 on a loaded
 * machine: BENCHMARKS.md, Truth notes, 2026-12-05 14:30). Intervals after it that counted nothing
 * (perf's rows once the target has gone read `<not counted>`) stay out.
 * @example
 * const tick = { time: 0.0205, value: 3 }, last = { time: 0.0235, value: 47 }; // (other fields left out)
 * withinWindow([tick, last], 0.0148, { targetExited: true }) // [tick, last]
 * withinWindow([tick, last], 0.0148) // [tick]
 */
export function withinWindow(records: readonly PerfRecord[], untilS: number | null, options: { readonly targetExited?: boolean } = {}): PerfRecord[] {
  if (untilS === null) return [...records];
  const tail = records.find((record) => record.time !== null && record.time >= untilS);
  let lastS = tail?.time;
  if (lastS === undefined || lastS === null) return [...records];
  if (options.targetExited === true) {
    for (const record of records) {
      if (record.time !== null && record.time > lastS && (record.value ?? 0) !== 0) lastS = record.time;
    }
  }
  const keptUntilS = lastS;
  return records.filter((record) => record.time === null || record.time <= keptUntilS);
}
