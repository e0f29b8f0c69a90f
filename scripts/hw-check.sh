#!/usr/bin/env bash
# hw-check: the row-vs-column cache experiment (samples/rowcol) on this machine's hardware counters,
# beside cachegrind's simulation, for a person with a real PMU (a laptop, a workstation, a lent
# machine) to see perfcell's hardware path do what the replayed tests (test/hw) say it does.
#
#   bash scripts/hw-check.sh            # after npm ci && npm run build
#
# Runs rowcol row and col natively through `perfcell run` with cache-misses, cache-references,
# L1-dcache-load-misses, instructions and cycles, then under `--backend cachegrind`, and prints the
# col/row ratio of each metric side by side; then compares row and col (`perfcell compare`) with
# compare's one slotted perf and with a perf per window, and prints their ratio per event. Without a
# PMU (a VM) it says so and still prints the cachegrind side. Knobs: HW_CHECK_N (matrix side,
# default 2048: 32 MiB, more than most LLCs; compare's runs take a quarter of it), HW_CHECK_REPS
# (sums per native run, default 10; cachegrind does one), HW_CHECK_OUT (keep the JSON).
set -euo pipefail
cd "$(dirname "$0")/.."

n=${HW_CHECK_N:-2048}
reps=${HW_CHECK_REPS:-10}
events=cache-misses,cache-references,L1-dcache-load-misses,instructions,cycles
out=${HW_CHECK_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/perfcell-hw-check.XXXXXX")}
mkdir -p "$out"
[ -n "${HW_CHECK_OUT:-}" ] || trap 'rm -rf "$out"' EXIT

if [ ! -f dist/app/cli.cjs ]; then
  echo "hw-check: perfcell is not built (run: npm ci && npm run build)" >&2
  exit 1
fi
perfcell() { ./dist/app/cli.cjs "$@"; } # the bin as users run it (its first line is a shell launcher)
cc -O2 -o "$out/rowcol" samples/rowcol/rowcol.c

for mode in row col; do
  echo "hw-check: native  $mode N=$n, $reps sums" >&2
  perfcell run --json -e "$events" -- "$out/rowcol" "$mode" "$n" "$reps" >"$out/native-$mode.json" 2>"$out/native-$mode.log" || true
done
# compare's served runs share one perf whose slots are named copies of the events (src/perf/event-slots.ts);
# with hardware events that is untested on a VM: the same compare with a perf per window, side by side
small=$(( n / 4 ))
for slotted in 1 0; do
  echo "hw-check: compare row vs col N=$small, one slotted perf: $slotted" >&2
  PERFCELL_SLOTTED_PERF=$slotted perfcell compare --json --runs 5 --warmup 1 -e "$events" -- "$out/rowcol row $small 1" "$out/rowcol col $small 1" \
    >"$out/compare-slotted-$slotted.json" 2>"$out/compare-slotted-$slotted.log" || true
done
if command -v valgrind >/dev/null; then
  for mode in row col; do
    echo "hw-check: cachegrind $mode N=$n, 1 sum (simulated caches, slow)" >&2
    perfcell run --json --backend cachegrind -- "$out/rowcol" "$mode" "$n" 1 >"$out/cachegrind-$mode.json" 2>"$out/cachegrind-$mode.log" || true
  done
else
  echo "hw-check: valgrind not installed: no cachegrind side (apt-get install valgrind)" >&2
fi

node --input-type=module - "$out" "$n" "$reps" <<'JS'
import { existsSync, readFileSync } from 'node:fs';
import { median } from './scripts/lib/benchmarks-md.mjs';
const [dir, n, reps] = process.argv.slice(2);
const read = (name) => {
  const file = `${dir}/${name}.json`;
  if (!existsSync(file)) return null;
  try { return JSON.parse(readFileSync(file, 'utf8')); } catch { return null; }
};
const native = { row: read('native-row'), col: read('native-col') };
const simulated = { row: read('cachegrind-row'), col: read('cachegrind-col') };
const count = (report, event) => report?.counters?.events?.find((e) => e.event === event && e.status === 'counted') ?? null;
const ratio = (pair, get) => {
  const row = get(pair.row);
  const col = get(pair.col);
  return row && col ? col / row : null;
};
const show = (value) => (value === null ? '-' : `${value.toFixed(2)}x`);
const scaled = (pair, event) => {
  const pct = Math.min(count(pair.row, event)?.lowestRunningPct ?? 100, count(pair.col, event)?.lowestRunningPct ?? 100);
  return pct < 100 ? ` (scaled from ${pct}%)` : '';
};

// Each native counter beside the cachegrind count closest to it.
const rows = [
  ['time', (r) => r?.durationS, 'time (under valgrind)', (r) => r?.durationS],
  ['cache-misses', 'cache-misses', 'LL misses', 'LL misses'],
  ['cache-references', 'cache-references', 'LL refs', 'LL refs'],
  ['L1-dcache-load-misses', 'L1-dcache-load-misses', 'D1 read misses', 'D1 read misses'],
  ['instructions', 'instructions', 'I refs', 'I refs'],
  ['cycles', 'cycles', '-', null],
];
const hardware = ['cache-misses', 'cache-references', 'L1-dcache-load-misses', 'instructions', 'cycles'];
const counted = hardware.filter((event) => count(native.row, event) && count(native.col, event));

console.log(`rowcol col/row, N=${n}: native ${reps} sums per run (perf), cachegrind 1 sum (simulated)`);
console.log(`${'native (perf)'.padEnd(24)}${'col/row'.padStart(10)}${''.padEnd(22)}     ${'cachegrind'.padEnd(24)}${'col/row'.padStart(10)}`);
for (const [label, nativeKey, simLabel, simKey] of rows) {
  const nativeValue = ratio(native, typeof nativeKey === 'function' ? nativeKey : (r) => count(r, nativeKey)?.total);
  const simValue = simKey === null ? null : ratio(simulated, typeof simKey === 'function' ? simKey : (r) => count(r, simKey)?.total);
  const note = typeof nativeKey === 'string' ? scaled(native, nativeKey) : '';
  console.log(`${label.padEnd(24)}${show(nativeValue).padStart(10)}${note.padEnd(22)}     ${simLabel.padEnd(24)}${show(simValue).padStart(10)}`);
}
if (native.row === null || native.col === null) {
  console.log('\nnative: perfcell run failed; its messages are in the .log files (HW_CHECK_OUT=DIR keeps them)');
} else if (counted.length < hardware.length) {
  const reasons = [...new Set([...(native.row.counters?.unsupported ?? []), ...(native.col.counters?.unsupported ?? [])].map((u) => u.reason))];
  const missing = hardware.filter((event) => !counted.includes(event));
  console.log(`\nno hardware counts here for ${missing.join(', ')}: ${reasons[0] ?? 'not counted'}`);
  console.log('this machine exposes no usable PMU (a VM?), so only time is native; the cachegrind side is a simulation.');
  console.log('run this on a machine with a PMU; `perfcell doctor` says what is missing and how to fix it.');
}
// compare with one slotted perf against a perf per window: the same counts (instructions to within ~1%)
const compared = { slotted: read('compare-slotted-1'), twoPerfs: read('compare-slotted-0') };
const medianOf = (values) => {
  const counted = values.filter((v) => typeof v === 'number');
  return counted.length === 0 ? null : median(counted);
};
if (compared.slotted === null || compared.twoPerfs === null) {
  console.log('\ncompare: no result (see compare-slotted-*.log; HW_CHECK_OUT=DIR keeps them)');
} else {
  const lines = [];
  for (const [index, alternative] of compared.slotted.alternatives.entries()) {
    const other = compared.twoPerfs.alternatives[index];
    for (const event of hardware) {
      const a = medianOf(alternative.runs.map((run) => run[event]));
      const b = medianOf((other?.runs ?? []).map((run) => run[event]));
      if (a !== null && b !== null && b !== 0) lines.push(`${alternative.name.replace(/^.*\//, '').padEnd(24)}${event.padEnd(24)}${`${(a / b).toFixed(3)}x`.padStart(10)}`);
    }
  }
  console.log(lines.length === 0
    ? '\ncompare: no hardware counts to set side by side here (one slotted perf against a perf per window)'
    : ['\ncompare row vs col, median per run: one slotted perf / a perf per window (expect about 1.00x)', ...lines].join('\n'));
}
if (simulated.row === null || simulated.col === null) console.log('\ncachegrind: no result (valgrind missing or failed; see the .log files)');
console.log('\nexpect: col/row about 8x for L1 read misses (one miss per 8 doubles row-wise, one per double col-wise),');
console.log('instructions about 1x, time and cycles several x; see samples/rowcol/NOTES.md');
JS
