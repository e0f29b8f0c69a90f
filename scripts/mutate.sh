#!/usr/bin/env bash
# scripts/mutate.sh: does the test suite notice when the numbers users read are wrong?
#
# Copies the committed tree (git archive HEAD, so others' uncommitted edits stay out) to a temp
# folder with node_modules linked, checks that the relevant tests pass there unmutated, then for
# each deliberate fault below: applies it (a one-line sed that must change the file), rebuilds
# (npm run build: tsc and the native gate; a failed build fails this script), runs only the test
# files that should catch it, and prints whether they failed ("killed") or passed ("SURVIVED").
# Exit status: 0 when every mutant is killed, 1 otherwise.
#
#   bash scripts/mutate.sh                 all mutants
#   bash scripts/mutate.sh vmhwm cpu       only these (by name)
#   MUTATE_KEEP=1 bash scripts/mutate.sh   keep the temp copy (its path is printed)
#
# The result is recorded in docs/mutation.md.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/perfcell-mutate-XXXXXX")
log="$work/logs"
copy="$work/tree"
mkdir -p "$log" "$copy"
if [[ "${MUTATE_KEEP:-}" != 1 ]]; then trap 'rm -rf "$work"' EXIT; else echo "mutate: keeping $work" >&2; fi

# name | file | sed expression (must change the file) | test files that must fail | what the fault is
mutants=(
  "vmhwm|src/proc/read-proc.ts|s#clear_refs\`, '5')#clear_refs\`, '4')#|test/repl/repl-reports.test.ts test/package/library-entry.test.ts|the VmHWM reset written as soft-dirty clearing (4, not 5, to clear_refs)"
  "cpu|src/session/cpu.ts|s#cpuBusyPct(before, after).filter((pct): pct is number => pct !== null)#cpuBusyPct(before, after).filter((pct): pct is number => pct !== null).map(() => 0)#|test/session/cpu.test.ts test/cli/run-truth.test.ts|every CPU's busy % forced to 0"
  "hybrid|parsers/aggregate.ts|s#if (this.pmus.length > 0) return this.foldedAggregate(startTimeS);#// hybrid fold dropped#|test/parsers/fold-hybrid.test.ts test/session/counters-hybrid.test.ts|the hybrid fold dropped (cpu_core/cpu_atom rows not folded)"
  "derived|src/session/counters.ts|s#derived: deriveMetrics(events),#derived: { missRatio: null, ipc: null, missesPerKiloInstruction: null },#|test/session/counters.test.ts test/session/counters-hybrid.test.ts|the derived metrics (miss ratio, IPC, MPKI) dropped"
  "pause|src/session/counters.ts|s#const countedSeconds = window.enabledS;#const countedSeconds = window.enabledS + window.pauseS;#|test/cli/run-truth.test.ts test/session/run-program.test.ts|the wait for perf's final sample counted into the counted time"
  "noise-floor|src/experiment/analyze.ts|s#minimumEffect: minimumEffectFor(summarizeRuns(baseline), floorValues),#minimumEffect: minimumEffectFor(summarizeRuns(baseline), []),#|test/experiment/analyze.test.ts|the noise floor omitted from the minimum effect"
)

wanted=("$@")
selected() {
  [[ ${#wanted[@]} -eq 0 ]] && return 0
  local name
  for name in "${wanted[@]}"; do [[ "$name" == "$1" ]] && return 0; done
  return 1
}

echo "mutate: copying HEAD ($(git -C "$repo" rev-parse --short HEAD)) to $copy" >&2
git -C "$repo" archive HEAD | tar -x -C "$copy"
ln -s "$repo/node_modules" "$copy/node_modules"

build() {
  (cd "$copy" && npm run build --silent) >"$log/build-$1.txt" 2>&1
}
run_tests() { # name files...
  local name=$1
  shift
  (cd "$copy" && timeout 900 npx vitest run "$@") >"$log/test-$name.txt" 2>&1
}

# Baseline: the files every selected mutant relies on must pass on the unmutated copy.
files=()
for entry in "${mutants[@]}"; do
  IFS='|' read -r name _ _ tests _ <<<"$entry"
  selected "$name" || continue
  for test in $tests; do [[ " ${files[*]} " == *" $test "* ]] || files+=("$test"); done
done
echo "mutate: building and running the baseline (${#files[@]} test files)" >&2
if ! build baseline; then
  echo "mutate: the unmutated build fails:" >&2
  tail -20 "$log/build-baseline.txt" >&2
  exit 2
fi
if ! run_tests baseline "${files[@]}"; then
  echo "mutate: the unmutated copy fails its tests, so no mutant result would mean anything:" >&2
  grep -E "FAIL|×|AssertionError" "$log/test-baseline.txt" | head -20 >&2
  exit 2
fi

rows=()
survivors=0
for entry in "${mutants[@]}"; do
  IFS='|' read -r name file expression tests what <<<"$entry"
  selected "$name" || continue
  cp "$copy/$file" "$work/original"
  sed -i "$expression" "$copy/$file"
  if cmp -s "$copy/$file" "$work/original"; then
    echo "mutate: $name: the sed did not change $file (the code moved?): fix the mutant" >&2
    rows+=("| $name | $what | not applied | - |")
    survivors=$((survivors + 1))
    continue
  fi
  started=$SECONDS
  if ! build "$name"; then
    result="build failed (not a test result)"
    survivors=$((survivors + 1))
  elif run_tests "$name" $tests; then
    result="**SURVIVED**"
    survivors=$((survivors + 1))
  else
    failed=$(grep -cE "^\s+(×|✗)|^ FAIL " "$log/test-$name.txt" || true)
    result="killed"
    [[ "$failed" != 0 ]] && result="killed ($(grep -E '^ FAIL ' "$log/test-$name.txt" | wc -l) failing tests)"
  fi
  cp "$work/original" "$copy/$file"
  echo "mutate: $name: $result ($((SECONDS - started)) s)" >&2
  rows+=("| $name | $what | $result | ${tests// /, } |")
done
# The copy's dist/ is left mutated by the last build; rebuild nothing: the copy is thrown away.

echo
echo "| mutant | fault | result | tests run |"
echo "|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
if [[ $survivors -eq 0 ]]; then
  echo "every mutant killed"
  exit 0
fi
echo "$survivors mutant(s) not killed (logs: $log, kept with MUTATE_KEEP=1)"
exit 1
