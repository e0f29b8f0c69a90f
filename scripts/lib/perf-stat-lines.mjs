// Generated `perf stat -I 100` streams for the parser benchmarks (scripts/bench-parser.mjs,
// scripts/lib/parse-scaling.mjs): 12 events per interval, CSV as perf 6.1 prints `-x,`, human with
// en_US grouping, a metric column and 20% of rows multiplexed, JSON as perf 6.1 prints `-j`. The
// same seed gives the same lines.

const EVENTS = [
  ['task-clock', 'msec'],
  ['page-faults', ''],
  ['context-switches', ''],
  ['cpu-migrations', ''],
  ['cycles', ''],
  ['instructions', ''],
  ['cache-references', ''],
  ['cache-misses', ''],
  ['branch-misses', ''],
  ['L1-dcache-load-misses', ''],
  ['LLC-load-misses', ''],
  ['stalled-cycles-frontend', ''],
];

export function generate(format, lineCount) {
  const lines = [];
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; lines.length < lineCount; i++) {
    const time = `${Math.floor((i + 1) / 10)}.${String(((i + 1) % 10) * 100000000 + Math.floor(random() * 99999)).padStart(9, '0')}`;
    for (const [event, unit] of EVENTS) {
      if (lines.length >= lineCount) break;
      const count = unit === 'msec' ? (80 + random() * 20).toFixed(2) : String(Math.floor(random() * 5e9));
      const runtime = String(Math.floor(80e6 + random() * 2e7));
      const pct = random() < 0.2 ? (50 + random() * 50).toFixed(2) : '100.00';
      if (format === 'csv') {
        lines.push(`${time.padStart(16)},${count},${unit},${event},${runtime},${pct},1.23,insn per cycle`);
      } else if (format === 'json') {
        lines.push(
          `{"interval" : ${time}, "counter-value" : "${Number(count).toFixed(6)}", "unit" : "${unit}", "event" : "${event}", "event-runtime" : ${runtime}, "pcnt-running" : ${pct}, "metric-value" : 1.230000, "metric-unit" : "insn per cycle"}`,
        );
      } else {
        const grouped = unit === 'msec' ? count : Number(count).toLocaleString('en-US');
        const running = pct === '100.00' ? '' : `  (${pct}%)`;
        lines.push(`${time.padStart(16)} ${grouped.padStart(18)} ${unit.padEnd(4)} ${event.padEnd(32)} #    1.23  insn per cycle    ${running}`);
      }
    }
  }
  return lines;
}
