#!/bin/sh
# A fake `perf` for the fault matrix, put in place through PERFCELL_PERF. Real perf cannot be made
# to fail on cue: it always acknowledges a control command at once, dies only when its target does,
# and always stops on SIGINT. These are the faults a hung, crashed or broken perf shows in the
# field (a stopped perf under a debugger, an OOM-killed perf, a distribution wrapper that eats
# signals), so perfcell's handling of them can only be tested with a stand-in.
#
#   FAKE_PERF_MODE=no-ack      never acknowledges 'enable' (perfcell must kill it and go on without counters)
#   FAKE_PERF_MODE=die         acknowledges 'enable', prints one interval, then exits mid-window
#   FAKE_PERF_MODE=ignore-int  works, but ignores SIGINT (perfcell must SIGKILL it)
#   FAKE_PERF_MODE=refuse      prints perf's perf_event_paranoid refusal and exits 255
#   FAKE_PERF_MODE=ok          works: acks, prints an interval of each event on SIGINT
#
#   FAKE_PERF_LOG=FILE         a line `start` appended to FILE by each perf started to count (with --control)
mode=${FAKE_PERF_MODE:-ok}
[ "$1" = stat ] || exit 1
events=page-faults
control=no
while [ $# -gt 0 ]; do
  [ "$1" = -e ] && events=$2
  [ "$1" = --control ] && control=yes
  if [ "$1" = -- ]; then shift; break; fi
  shift
done
[ $control = yes ] && [ -n "${FAKE_PERF_LOG:-}" ] && echo start >>"$FAKE_PERF_LOG"
if [ $control = no ]; then
  # perfcell's probes (perf stat -e EVENT -- true): count nothing, run the command.
  [ "$mode" = refuse ] || { "$@"; exit $?; }
fi
if [ "$mode" = refuse ]; then
  printf 'Error:\nAccess to performance monitoring and observability operations is limited.\nConsider adjusting /proc/sys/kernel/perf_event_paranoid setting to open\naccess to performance monitoring and observability operations for processes\nwithout CAP_PERFMON, CAP_SYS_PTRACE or CAP_SYS_ADMIN Linux capability.\nThe current value is 3:\n' >&2
  exit 255
fi
interval() {
  for event in $(echo "$events" | tr ',' ' '); do
    printf '     0.100000000,7,,%s,100000,100.00,,\n' "$event" >&2
  done
}
if [ "$mode" = ignore-int ]; then trap '' INT; else trap 'interval; exit 0' INT; fi
while read -r command <&3; do
  [ "$mode" = no-ack ] && continue
  case $command in
    enable) echo 'Events enabled' >&2 ;;
    disable) echo 'Events disabled' >&2 ;;
  esac
  echo ack >&4
  if [ "$mode" = die ] && [ "$command" = enable ]; then
    sleep 0.05
    interval
    exit 1
  fi
done
# perfcell closed the control pipe: wait for its signal like perf does.
while :; do sleep 1; done
