import { constants } from 'node:os';

/**
 * The signals perfcell was started with ignored: `nohup` ignores SIGHUP, and a script's background
 * job (`cmd &`) SIGINT and SIGQUIT, so that a logout or a Ctrl-C in the terminal leaves them
 * running, as it leaves `perf stat`, `time` and hyperfine. Node sets every signal back to its
 * default as it starts; the bin's shell launcher read them before (scripts/lib/bin-launcher.mjs),
 * into PERFCELL_SIGIGN, which stays in the environment for the gates (native/gate-common.h): they
 * start the program with them ignored too, as it would have started without perfcell.
 *
 * perfcell keeps them ignored itself (a listener that does nothing: Node has no SIG_IGN), and
 * neither stops on them nor passes them on (interruption.ts).
 */
const KEPT: readonly NodeJS.Signals[] = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM'];

/**
 * The signals of `mask` (SigIgn's hex: bit n-1 for signal n) among those perfcell would stop on.
 * @example signalsOfMask('0000000000000001') // ['SIGHUP']
 */
export function signalsOfMask(mask: string | undefined): NodeJS.Signals[] {
  if (mask === undefined || !/^[0-9a-f]{1,16}$/i.test(mask)) return [];
  const bits = BigInt(`0x${mask}`);
  return KEPT.filter((signal) => ((bits >> BigInt((constants.signals[signal] as number) - 1)) & 1n) === 1n);
}

const ignore = (): void => undefined;

/** Keeps ignored, in this process, what the launcher says perfcell was started with ignored (once, at start-up: src/cli/bin.ts). */
export function keepIgnoredSignals(mask: string | undefined): void {
  for (const signal of signalsOfMask(mask)) process.on(signal, ignore);
}

/**
 * Whether perfcell was started with `signal` ignored (and so does not stop on it). Read from the
 * environment, not from keepIgnoredSignals' call: each lane is a bundle of its own, with its own
 * copy of this module.
 */
export function isIgnoredSignal(signal: NodeJS.Signals, env: NodeJS.ProcessEnv = process.env): boolean {
  return signalsOfMask(env.PERFCELL_SIGIGN).includes(signal);
}

/**
 * `file args` as Node should spawn it so that it starts with the signals perfcell was started with
 * ignored still ignored (Node starts its children with every signal at its default): through
 * `sh -c`, which ignores them, drops the launcher's variable and execs it (the same pid). As given
 * where there are none. For the programs the exec gate does not start: run without a gate, and
 * cachegrind's valgrind (perfcell-exec's --die-with-plain runs it as given, restoring no ignored signal).
 * @example keepingIgnoredOnExec('valgrind', ['./prog'], { PERFCELL_SIGIGN: '1' }) // { file: 'sh', args: ['-c', `trap '' HUP; unset PERFCELL_SIGIGN; exec "$0" "$@"`, 'valgrind', './prog'] }
 */
export function keepingIgnoredOnExec(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): { file: string; args: readonly string[] } {
  const trap = ignoringTrap(env);
  return trap === null ? { file, args } : { file: 'sh', args: ['-c', `${trap}; unset PERFCELL_SIGIGN; exec "$0" "$@"`, file, ...args] };
}

/**
 * The shell command that ignores again what perfcell was started with ignored, null for none.
 * @example ignoringTrap({ PERFCELL_SIGIGN: '0000000000000003' }) // "trap '' HUP INT"
 */
export function ignoringTrap(env: NodeJS.ProcessEnv): string | null {
  const ignored = signalsOfMask(env.PERFCELL_SIGIGN);
  return ignored.length === 0 ? null : `trap '' ${ignored.map((signal) => signal.slice('SIG'.length)).join(' ')}`;
}
