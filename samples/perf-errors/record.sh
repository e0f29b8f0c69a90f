#!/usr/bin/env bash
# Re-records the local-perf61-* captures in this folder (run as root; see README.md).
# It lowers privileges with setpriv to nobody and raises kernel.perf_event_paranoid for a
# moment; the trap restores the original value whatever happens.
set -u
cd "$(dirname "$0")"
export LC_ALL=C
original=$(cat /proc/sys/kernel/perf_event_paranoid)
restore() { echo "$original" > /proc/sys/kernel/perf_event_paranoid; }
trap restore EXIT INT TERM
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp)
gone=999999 # a pid that does not exist (checked below)
[ -e /proc/$gone ] && { echo "pid $gone exists; pick another" >&2; exit 1; }

perf stat -e nosuchevent true 2> local-perf61-unknown-event.txt >/dev/null
perf stat -e task-clock,bogus_ev true 2> local-perf61-unknown-event-in-list.txt >/dev/null
perf stat -e task-clock,page-faults,context-switches,bogus_ev true 2> local-perf61-unknown-event-cut.txt >/dev/null
perf stat -e task-clock,page-faults,context-switches,bogus_ev,cycles,instructions,cache-misses,cache-references true \
  2> local-perf61-unknown-event-cut-both-ends.txt >/dev/null
perf stat -e task-clock:zz true 2> local-perf61-bad-modifier.txt >/dev/null
perf stat -e cpu/cycles/ true 2> local-perf61-missing-pmu.txt >/dev/null
perf stat -e msr/foo/ true 2> local-perf61-unknown-pmu-term.txt >/dev/null
perf record -e nosuchevent -o /dev/null true 2> local-perf61-record-unknown-event.txt >/dev/null
perf record -e cache-misses -o /tmp/perfcell-record.data true 2> local-perf61-record-hw-not-supported.txt >/dev/null
rm -f /tmp/perfcell-record.data
perf stat -p $gone 2> local-perf61-no-such-pid.txt >/dev/null
perf record -p $gone -o /dev/null 2> local-perf61-record-no-such-pid.txt >/dev/null

# A root-owned process that nobody may not watch.
sleep 30 & victim=$!
(cd /tmp && timeout 10 "${nobody[@]}" perf stat -p $victim -e task-clock -- sleep 0.2) \
  2> local-perf61-other-user-pid.txt >/dev/null
kill $victim

for level in 2 4; do
  echo $level > /proc/sys/kernel/perf_event_paranoid
  (cd /tmp && timeout 10 "${nobody[@]}" perf stat -a -e task-clock sleep 0.01) \
    2> local-perf61-paranoid-$level-system-wide.txt >/dev/null
done
echo 2 > /proc/sys/kernel/perf_event_paranoid
(cd /tmp && timeout 10 "${nobody[@]}" perf stat -e task-clock:k true) \
  2> local-perf61-paranoid-2-kernel-event.txt >/dev/null
exit 0
