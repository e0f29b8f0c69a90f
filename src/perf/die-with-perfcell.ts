import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { findExecHelper } from '../session/exec-helper.ts';

/*
 * A perf that counts perfcell's own process (cells, the REPL, the kernel) ends when its --pid
 * target has gone. But a perfcell killed by a signal stays a zombie until its parent reaps it, and
 * perf takes a zombie for alive (it stats /proc/PID): nobody would end it, and it would go on
 * ticking into its file. So perf is started through the exec gate's "--die-with" form
 * (native/perfcell-exec.c), which sets PR_SET_PDEATHSIG before it becomes perf: the kernel kills
 * perf the moment this process dies, however it dies. The parent that counts is the thread that
 * spawned perf: perf is spawned from the main thread only. The kernel clears the setting when it
 * executes a binary with file capabilities (a perf given cap_perfmon with setcap for non-root
 * users): such a perf ends as it did before, when its target is reaped.
 */

let helper: string | null | undefined;

/** perfcell-exec, looked up once (null where it is neither built nor can be). */
export function execHelper(): string | null {
  helper ??= findExecHelper();
  return helper;
}

/**
 * `file ARGS` as spawned so that it dies with this process: the gate's --die-with form where the
 * gate is built and `file` is found as execvp would find it; else `file ARGS` as they are (a perf
 * that cannot be found then fails to spawn as before, with the error perfcell explains).
 * @example dyingWithPerfcell('perf', ['stat', '-p', '42']) // { file: '/…/dist/perfcell-exec', args: ['--die-with', '1234', 'perf', 'stat', '-p', '42'] }
 */
export function dyingWithPerfcell(file: string, args: readonly string[], path: string | undefined = process.env['PATH']): { file: string; args: string[] } {
  return throughGate('--die-with', file, args, path);
}

/**
 * `file ARGS` as spawned so that the kernel kills it (SIGKILL) when this process dies, for a
 * program that is not perf: the gate's --die-with-plain form, which execs it as it is (no library
 * in its LD_PRELOAD); else `file ARGS` as they are. valgrind under --backend cachegrind is spawned
 * so: it is the program's process, and a perfcell killed with SIGKILL left it running to its end
 * (and its output folder in TMPDIR), where run's gate ends the program it started.
 * @example plainDyingWithPerfcell('valgrind', ['--tool=cachegrind', 'ls']) // { file: '/…/dist/perfcell-exec', args: ['--die-with-plain', '1234', 'valgrind', '--tool=cachegrind', 'ls'] }
 */
export function plainDyingWithPerfcell(file: string, args: readonly string[], path: string | undefined = process.env['PATH']): { file: string; args: string[] } {
  return throughGate('--die-with-plain', file, args, path);
}

function throughGate(form: '--die-with' | '--die-with-plain', file: string, args: readonly string[], path: string | undefined): { file: string; args: string[] } {
  const gate = execHelper();
  if (gate === null || !isOnPath(file, path)) return { file, args: [...args] };
  return { file: gate, args: [form, String(process.pid), file, ...args] };
}

/** Whether execvp would find an executable file `file` (a name with a slash: that path). */
export function isOnPath(file: string, path: string | undefined): boolean {
  if (file.includes('/')) return isExecutableFile(file);
  return (path ?? '').split(delimiter).some((directory) => directory !== '' && isExecutableFile(join(directory, file)));
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
