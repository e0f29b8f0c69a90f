#!/usr/bin/env bash
# The row-vs-column cache demo, measured by perfcell, on a fresh Debian machine with Node 20:
#   1. set-up: perf, valgrind and gcc where missing, npm ci where node_modules is missing or stale, the build;
#   2. col against row under cachegrind: simulated D1 misses (this VM has no hardware cache counters);
#   3. col against row natively under perf: time;
#   4. the same at two matrix sizes (-L): a 512 KiB matrix that the caches hold, and a 32 MiB one;
#   5. the same loops as cells of samples/rowcol/rowcol.ts, in one Node process.
# About 10 s on a 2-core VM once set up (BENCHMARKS.md, Demo wall time). PERFCELL_DEMO_OUT=DIR keeps the JSON of each comparison there
# (the demo's test reads them); PERFCELL_DEMO_SKIP_SETUP=1 skips step 1.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

if [ "${PERFCELL_DEMO_SKIP_SETUP:-0}" != 1 ]; then
  step "set-up (installs only what is missing)"
  PERFCELL_SETUP_BROWSER=0 bash scripts/setup.sh
fi

out=${PERFCELL_DEMO_OUT:-.perfcell/demo}
mkdir -p "$out"
rowcol="$out/rowcol"
cc -O2 -o "$rowcol" samples/rowcol/rowcol.c
perfcell() { ./dist/app/cli.cjs "$@"; } # the bin as users run it (its first line is a shell launcher)

step "1/4 cachegrind: simulated D1 misses of one row-wise and one column-wise sum of a 1024×1024 matrix"
perfcell compare --backend cachegrind --names row col --export-json "$out/cachegrind.json" \
  -- "$rowcol row 1024 1" "$rowcol col 1024 1"

step "2/4 perf: native time of 20 sums each (hardware cache events are not supported in a VM; time is)"
perfcell compare --names row col --runs 10 --export-json "$out/native.json" \
  -- "$rowcol row 1024 20" "$rowcol col 1024 20"

step "3/4 perf, by size: col against row at N = 256 (512 KiB, held by the caches) and N = 2048 (32 MiB)"
perfcell compare -L n 256,2048 --names row col --runs 5 --export-json "$out/sizes.json" \
  -- "$rowcol row {n} 4" "$rowcol col {n} 4"

step "4/4 cells: the same loops in Node, cells of samples/rowcol/rowcol.ts in one process"
perfcell compare samples/rowcol/rowcol.ts --cells "sum rows" "sum columns" --warmup 3 --runs 15 --export-json "$out/cells.json"

step "conclusion"
node --input-type=module - "$out" <<'JS'
import { readFileSync } from 'node:fs';
const dir = process.argv[2];
const read = (name) => JSON.parse(readFileSync(`${dir}/${name}.json`, 'utf8'));
const comparison = (document, key) => document.results.find((result) => result.metric.key === key)?.comparisons[0];
const lines = [
  ['cachegrind', comparison(read('cachegrind'), 'D1 read misses')],
  ['cachegrind', comparison(read('cachegrind'), 'D1 misses')],
  ['native    ', comparison(read('native'), 'durationS')],
  ['cells     ', comparison(read('cells'), 'durationS')],
];
for (const [where, result] of lines) console.log(`${where}  ${result?.verdict ?? 'no result'}`);
// col against row at each size: the gap opens as the matrix outgrows the caches
for (const { parameters, results } of read('sizes').byValue ?? []) {
  const time = results.find((result) => result.metric.key === 'durationS')?.comparisons[0];
  console.log(`by size     N = ${parameters.n}: ${time?.verdict ?? 'no result'}`);
}
JS
echo "demo took $((SECONDS - started)) s" >&2
