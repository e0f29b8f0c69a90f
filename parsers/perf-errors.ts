import type { PerfErrorCode } from '../src/errors.ts';
import { locateRejectedEvent, splitEventList } from './perf-errors-event.ts';

/** The fix an event perf refuses names on the command line (-e); the REPL and the kernel say it in their terms (repl/dot-commands.ts refusedEvents). */
export const DROP_FROM_EVENTS = 'drop it from -e';

/**
 * A message's fix `drop it from -e` naming another list: the REPL's, the library's, or where
 * events set once came from (events-source.ts).
 * @example dropFromList("unknown perf event 'x' (see perf list, or drop it from -e)", 'events') // "unknown perf event 'x' (see perf list, or drop it from events)"
 */
export function dropFromList(message: string, list: string): string {
  return message.replaceAll(`${DROP_FROM_EVENTS})`, `drop it from ${list})`);
}

/** Why perf failed, as one lower-case line that names the cause and the fix. */
export interface PerfProblem {
  readonly code: PerfErrorCode;
  readonly message: string;
  /** The event perf rejected or could not open, when the text names one. */
  readonly event?: string;
}

/** What perfcell asked perf for; it sharpens the message (which pid, which of the events). */
export interface PerfErrorContext {
  readonly events?: readonly string[];
  readonly pid?: number;
  /**
   * The pid is the caller's own user's but not dumpable (a setuid or setgid program, or one that
   * called prctl(PR_SET_DUMPABLE, 0): ssh-agent, gpg-agent): the kernel refuses it as it does another
   * user's, so a refusal is not its owner.
   */
  readonly isPidNotDumpable?: boolean;
  /** Where a perf named by its path came from: the library's `perfPath` option, else PERFCELL_PERF. */
  readonly perfPathFrom?: 'option' | 'environment';
}

type Rule = (text: string, context: PerfErrorContext) => PerfProblem | undefined;

const ANY_PERF_FIX = 'run: sudo apt-get install linux-perf on Debian, or sudo apt-get install linux-tools-$(uname -r) on Ubuntu';

/**
 * Recognises perf's own error messages (perf 2.6 to 6.x wording, and the Debian and Ubuntu
 * `perf` wrapper scripts) in perf's stderr. Returns `undefined` when the text holds none of them.
 * @example
 * classifyPerfStderr("event syntax error: 'foo'\n                     \\___ parser error")
 * // → { code: 'PERF_UNKNOWN_EVENT', event: 'foo',
 * //     message: "unknown perf event 'foo' (see perf list, or drop it from -e)" }
 */
export function classifyPerfStderr(text: string, context: PerfErrorContext = {}): PerfProblem | undefined {
  for (const rule of RULES) {
    const problem = rule(text, context);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

const perfMissing: Rule = (text, context) => {
  // Ubuntu's linux-tools-common wrapper: perf exists, but not for the running kernel.
  const ubuntu = /perf not found for kernel (\S+)/.exec(text);
  if (ubuntu) {
    const packageName = /^\s+(linux-tools-\S+)/m.exec(text)?.[1] ?? 'linux-tools-$(uname -r)';
    return notFound(`perf is not installed for kernel ${ubuntu[1]} (run: sudo apt-get install ${packageName})`);
  }
  // Debian's linux-base wrapper (buster and older): `E: linux-perf-5.15 is not installed.`
  const debian = /E: (linux-perf(?:-([\w.]+))?) is not installed/.exec(text);
  if (debian) {
    const kernel = debian[2] === undefined ? 'this kernel' : `kernel ${debian[2]}`;
    return notFound(`perf is not installed for ${kernel} (run: sudo apt-get install ${debian[1]})`);
  }
  // A perf given by its path (PERFCELL_PERF, a library's perfPath) that is not there: that path is
  // the problem, not PATH, and installing perf would not fix it.
  const named = context.perfPathFrom === 'option'
    ? 'the perfPath option names it: point it at a perf binary, or leave it out for perf on PATH'
    : 'PERFCELL_PERF names it: unset PERFCELL_PERF, or point it at a perf binary';
  // (the path up to the errno: a folder's name may hold a space, `/opt/my tools/perf`)
  const byPath = /spawn ([^\n]*\/[^\n]*?) ENOENT/.exec(text);
  if (byPath) return notFound(`perf not found at ${byPath[1]} (${named})`);
  // ...or that is there but cannot be run (a folder, a file without the execute bit): the same fix,
  // where 'perf stopped before counting: spawn /tmp EACCES (run: perfcell doctor)' left it to doctor
  const deniedPath = /spawn ([^\n]*\/[^\n]*?) EACCES/.exec(text);
  if (deniedPath) return notFound(`perf at ${deniedPath[1]} cannot be run: permission denied (${named})`);
  if (/(^|[\s/])perf: (command )?not found|spawn \S*perf ENOENT/m.test(text)) {
    return notFound(`perf not found on PATH (${ANY_PERF_FIX})`);
  }
  return undefined;
};

const unknownEvent: Rule = (text, context) => {
  const rejected = locateRejectedEvent(text, context.events);
  if (rejected) {
    const { event, help = '' } = rejected;
    const pmu = /Cannot find PMU `([^']+)'/.exec(help);
    const term = /unknown term '([^']+)' for pmu '([^']+)'/.exec(help);
    const why = pmu ? `: this machine has no '${pmu[1]}' pmu` : term ? `: pmu '${term[2]}' has no term '${term[1]}'` : '';
    return { code: 'PERF_UNKNOWN_EVENT', event, message: `unknown perf event '${event}'${why} (see perf list, or ${DROP_FROM_EVENTS})` };
  }
  // perf 2.6-4.x: no caret, the whole -e argument is quoted.
  const old = /invalid or unsupported event: '([^']*)'|invalid event modifier: '([^']*)'/.exec(text);
  if (old) {
    const quoted = old[1] ?? old[2] ?? '';
    const tokens = splitEventList(quoted);
    const event = tokens.length === 1 && tokens[0] !== undefined ? tokens[0].text : quoted;
    const subject = tokens.length > 1 ? `unknown perf event in '${event}'` : `unknown perf event '${event}'`;
    return { code: 'PERF_UNKNOWN_EVENT', event, message: `${subject} (see perf list, or ${DROP_FROM_EVENTS})` };
  }
  return undefined;
};

const noSuchProcess: Rule = (text, { pid }) => {
  if (!/Problems finding threads of monitor|No such process/.test(text)) return undefined;
  const subject = pid === undefined ? 'perf found no process to monitor' : `no process with pid ${pid}`;
  return { code: 'PERF_NO_SUCH_PROCESS', message: `${subject} (check the pid: the process may have exited)` };
};

const refused: Rule = (text, { pid, isPidNotDumpable }) => {
  const isRefusal =
    /Access to performance monitoring and observability operations is limited|You may not have permission to collect|No permission to enable/.test(
      text,
    );
  if (!isRefusal) return undefined;
  const levelText = /perf_event_paranoid setting is (-?\d+)|The current value is (-?\d+)/.exec(text);
  const level = levelText ? Number(levelText[1] ?? levelText[2]) : undefined;
  const eventName = /No permission to enable (\S+) event/.exec(text)?.[1];
  const event = eventName === undefined ? {} : { event: eventName };
  // Up to 2 the kernel lets anyone count their own user-space work, so a refused pid is
  // another user's; at 3 and 4 (Debian and Ubuntu kernels) it refuses unprivileged perf outright.
  if (pid !== undefined && (level === undefined || level <= 2)) {
    const message =
      isPidNotDumpable === true
        ? `perf may not watch pid ${pid}: it is not dumpable (a setuid or setgid program, or prctl(PR_SET_DUMPABLE, 0)), so only root may (run perfcell as root, or grant CAP_PERFMON)`
        : `perf may not watch pid ${pid}, which belongs to another user (run perfcell as that user or as root, or grant CAP_PERFMON)`;
    return { code: 'PERF_PERMISSION', message, ...event };
  }
  if (level === -1) {
    const message =
      'perf refused although kernel.perf_event_paranoid=-1, so a security module such as selinux blocks it (run as root, or check: sudo ausearch -m avc -ts recent)';
    return { code: 'PERF_PERMISSION', message, ...event };
  }
  const setting = level === undefined ? '' : `=${level}`;
  // Lower it one step, but never keep it at 2 or above: 1 still hides other cpus' events.
  const fix = level === undefined || level >= 2 ? 1 : level - 1;
  const message = `perf refused by kernel.perf_event_paranoid${setting} (run: sudo sysctl kernel.perf_event_paranoid=${fix}, or grant CAP_PERFMON)`;
  return { code: 'PERF_PARANOID', message, ...event };
};

const notSupported: Rule = (text) => {
  // `$` keeps out perf 3.x/4.x's warning "The cycles event is not supported, trying to fall back".
  const event = /The (\S+) event is not supported\.$/m.exec(text)?.[1];
  if (event === undefined) return undefined;
  const message = `perf event '${event}' is not supported on this machine (check: perfcell doctor, or ${DROP_FROM_EVENTS})`;
  return { code: 'PERF_UNKNOWN_EVENT', event, message };
};

const syscallFailed: Rule = (text) => {
  const failed = /sys_perf_event_open\(\) syscall returned with (\d+) \(([^)]*)\) for event \(([^)]*)\)/.exec(text);
  if (!failed) return undefined;
  const [, errno = '', reason = '', event = ''] = failed;
  const message = `perf could not open event '${event}': ${reason.toLowerCase()} (errno ${errno}) (check: dmesg | grep -i perf, or ${DROP_FROM_EVENTS})`;
  return { code: 'PERF_FAILED', event, message };
};

const plainPermission: Rule = (text, { pid }) => {
  const line = /^.*(Permission denied|Operation not permitted).*$/m.exec(text)?.[0].trim();
  if (line === undefined) return undefined;
  const message =
    pid === undefined
      ? `perf was not permitted: ${line} (run as root, or grant CAP_PERFMON)`
      : `perf may not watch pid ${pid}: ${line} (run perfcell as that process's user or as root, or grant CAP_PERFMON)`;
  return { code: 'PERF_PERMISSION', message };
};

function notFound(message: string): PerfProblem {
  return { code: 'PERF_NOT_FOUND', message };
}

// Order matters: a missing perf prints nothing else; a syntax error stops perf before it opens
// anything; the refusal text must win over the generic "Permission denied".
const RULES: readonly Rule[] = [perfMissing, unknownEvent, noSuchProcess, refused, notSupported, syscallFailed, plainPermission];
