#!/usr/bin/env bash
# scripts/mutate.sh: does the test suite notice when the numbers users read are wrong?
#
# Copies the committed tree (git archive HEAD, so others' uncommitted edits stay out) to a temp
# folder with node_modules linked and builds it; runs each mutant's tests there unmutated (they
# must pass, or the mutant's result would mean nothing); then for each deliberate fault below:
# applies it (a one-line sed that must change the file), rebuilds (npm run build: tsc and the
# native gate; a failed build is reported, not counted as a kill), runs only the tests that
# should catch it, and prints whether they failed ("killed") or passed ("SURVIVED").
# Exit status: 0 when every mutant is killed, 1 when one is not, 2 when the unmutated copy fails.
#
#   bash scripts/mutate.sh                 all mutants
#   bash scripts/mutate.sh vmhwm cpu       only these (by name)
#   MUTATE_KEEP=1 bash scripts/mutate.sh   keep the temp copy and its logs (the path is printed)
#
# The result is recorded in docs/mutation.md.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/perfcell-mutate-XXXXXX")
log="$work/logs"
copy="$work/tree"
mkdir -p "$log" "$copy"
if [[ "${MUTATE_KEEP:-}" != 1 ]]; then trap 'rm -rf "$work"' EXIT; else echo "mutate: keeping $work" >&2; fi

names=() files=() seds=() tests=() patterns=() faults=()
# mutant NAME FILE SED TEST_FILES TEST_NAME_PATTERN (vitest -t; '' for all) FAULT
mutant() {
  names+=("$1") files+=("$2") seds+=("$3") tests+=("$4") patterns+=("$5") faults+=("$6")
}
mutant vmhwm src/proc/read-proc.ts \
  "s#clear_refs\`, '5')#clear_refs\`, '4')#" \
  "test/repl/repl-reports.test.ts test/package/library-entry.test.ts" 'VmHWM' \
  'the VmHWM reset written as soft-dirty clearing (4, not 5, to clear_refs)'
mutant cpu src/session/cpu.ts \
  's#cpuBusyPct(before, after).filter((pct): pct is number => pct !== null)#cpuBusyPct(before, after).filter((pct): pct is number => pct !== null).map(() => 0)#' \
  "test/session/cpu.test.ts test/cli/run-truth.test.ts" 'busy' \
  "every CPU's busy % forced to 0"
mutant hybrid parsers/aggregate.ts \
  's#if (this.pmus.length > 0) return this.foldedAggregate(startTimeS);#if (this.pmus.length < 0) return this.foldedAggregate(startTimeS);#' \
  "test/parsers/fold-hybrid.test.ts test/session/counters-hybrid.test.ts" '' \
  'the hybrid fold dropped (cpu_core/cpu_atom rows not folded into one event)'
mutant derived src/session/counters.ts \
  's#derived: deriveMetrics(events),#derived: { missRatio: null, ipc: null, missesPerKiloInstruction: null },#' \
  "test/session/counters.test.ts test/session/counters-hybrid.test.ts" '' \
  'the derived metrics (miss ratio, IPC, MPKI) dropped'
mutant pause src/session/counters.ts \
  's#const countedSeconds = window.enabledS;#const countedSeconds = window.enabledS + window.pauseS;#' \
  "test/cli/run-truth.test.ts test/session/run-program.test.ts test/repl/repl-reports.test.ts" 'counted seconds|own clock|own seconds' \
  "the wait for perf's final sample (pauseS) counted into the counted time"
mutant noise-floor src/experiment/analyze.ts \
  's#minimumEffect: minimumEffectFor(summarizeRuns(baseline), floorValues),#minimumEffect: minimumEffectFor(summarizeRuns(baseline), floorValues.slice(0, 0)),#' \
  "test/experiment/analyze.test.ts" '' \
  "the noise floor omitted from compare's minimum effect"

wanted=("$@")
selected() {
  [[ ${#wanted[@]} -eq 0 ]] && return 0
  local name
  for name in "${wanted[@]}"; do [[ "$name" == "$1" ]] && return 0; done
  return 1
}

build() {
  (cd "$copy" && npm run build --silent) >"$log/build-$1.txt" 2>&1
}
run_tests() { # LOGNAME INDEX
  local -a args
  read -r -a args <<<"${tests[$2]}"
  [[ -n "${patterns[$2]}" ]] && args+=(-t "${patterns[$2]}")
  (cd "$copy" && NO_COLOR=1 timeout 900 npx vitest run "${args[@]}") >"$log/test-$1.txt" 2>&1
}

echo "mutate: copying HEAD ($(git -C "$repo" rev-parse --short HEAD)) to $copy" >&2
git -C "$repo" archive HEAD | tar -x -C "$copy"
ln -s "$repo/node_modules" "$copy/node_modules"

if ! build baseline; then
  echo "mutate: the unmutated copy does not build:" >&2
  tail -20 "$log/build-baseline.txt" >&2
  exit 2
fi
for index in "${!names[@]}"; do
  selected "${names[$index]}" || continue
  if ! run_tests "baseline-${names[$index]}" "$index"; then
    echo "mutate: ${names[$index]}'s tests fail on the unmutated copy, so its result would mean nothing:" >&2
    grep -E "FAIL|×|AssertionError" "$log/test-baseline-${names[$index]}.txt" | head -20 >&2
    exit 2
  fi
  echo "mutate: ${names[$index]}: its tests pass unmutated" >&2
done

rows=()
survivors=0
for index in "${!names[@]}"; do
  name=${names[$index]} file=${files[$index]}
  selected "$name" || continue
  cp "$copy/$file" "$work/original"
  sed -i "${seds[$index]}" "$copy/$file"
  started=$SECONDS
  if cmp -s "$copy/$file" "$work/original"; then
    result="not applied (the sed no longer matches $file)"
    survivors=$((survivors + 1))
  elif ! build "$name"; then
    result="build failed (not a kill)"
    survivors=$((survivors + 1))
  elif run_tests "$name" "$index"; then
    result="**SURVIVED**"
    survivors=$((survivors + 1))
  else
    result="killed ($(sed 's/\x1b\[[0-9;]*m//g' "$log/test-$name.txt" | grep -c '^ FAIL ') failing tests)"
  fi
  cp "$work/original" "$copy/$file"
  echo "mutate: $name: $result ($((SECONDS - started)) s)" >&2
  selection=${tests[$index]// /, }
  [[ -n "${patterns[$index]}" ]] && selection="$selection (-t '${patterns[$index]//|/\\|}')"
  rows+=("| $name | ${faults[$index]} | $result | $selection |")
done

echo
echo "| mutant | fault | result | tests run |"
echo "|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
if [[ $survivors -eq 0 ]]; then
  echo "every mutant killed"
  exit 0
fi
echo "$survivors mutant(s) not killed (logs under $log; keep them with MUTATE_KEEP=1)"
exit 1
