import { execFileSync } from 'node:child_process';
import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Real perf whose write()s each take `delayMs` longer: strace, attached to the wrapper's pid before
 * it execs perf, delays them. That is a perf preempted while it prints a tick, as on a loaded
 * machine (a suite run beside a busy loop once read 28% fewer page-faults than perf stat): at
 * -I 10 it is printing most of the time, so a command mostly ends between a tick's read and perf's
 * return to poll(). perf runs as `dir/name` (a symlink to the real perf), which is its comm.
 * Options: `delayMs` (10), `syscalls` to delay instead of write (strace's list, delayed as they
 * return: `poll,ppoll` is a perf slow to come back from its wait), and `preload`, a library the
 * wrapper puts in perf's LD_PRELOAD itself (perfcell's launchers put theirs only in an ELF perf's,
 * or in the perf that Ubuntu's script would exec), and `when`, which of those calls to delay (strace's
 * `when=`: `1` is the first only). Returns the wrapper's path, for PERFCELL_PERF or a perfPath option.
 */
export function slowedPerf(dir: string, name: string, options: { delayMs?: number; syscalls?: string; preload?: string; when?: string } = {}): string {
  const { delayMs = 10, syscalls, preload, when } = options;
  const which = when === undefined ? '' : `:when=${when}`;
  const delay = syscalls === undefined ? `-e trace=write -e inject=write:delay_enter=${delayMs * 1000}${which}` : `-e trace=${syscalls} -e inject=${syscalls}:delay_exit=${delayMs * 1000}${which}`;
  const perf = execFileSync('sh', ['-c', 'command -v perf'], { encoding: 'utf8' }).trim();
  const target = join(dir, name);
  symlinkSync(perf, target);
  const wrapper = join(dir, `${name}-slowed`);
  writeFileSync(wrapper, [
    '#!/bin/sh',
    `strace -qq -o /dev/null -p $$ ${delay} &`,
    // until strace has attached (perf runs traced from its exec on); 5 s at most, where ptrace is refused
    'tries=0',
    'while [ "$(sed -n "s/^TracerPid:[[:space:]]*//p" /proc/$$/status)" = 0 ]; do',
    '  tries=$((tries + 1)); [ $tries -le 500 ] || { echo "strace could not attach to the slowed perf (is ptrace allowed?)" >&2; exit 1; }',
    '  sleep 0.01',
    'done',
    ...(preload === undefined ? [] : [`export LD_PRELOAD='${preload}' PERFCELL_PERF_HOLD_PRELOAD=`]),
    `exec ${target} "$@"`,
    '',
  ].join('\n'));
  chmodSync(wrapper, 0o755);
  return wrapper;
}
