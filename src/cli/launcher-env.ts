import { keepIgnoredSignals } from '../session/ignored-signals.ts';

/**
 * What the bin's shell launcher took out of the environment, put back (scripts/lib/bin-launcher.mjs).
 *
 * Node 20 reads the whole root store, and the file NODE_EXTRA_CA_CERTS names, at every start,
 * before any of perfcell's code (57 ms of 90 for `perfcell --version` on this VM, BENCHMARKS.md
 * "Start-up"). Commands that run no code of the user's in this process and make no TLS connection
 * (run, compare of programs, parse, attach, doctor, events, completion) are started without it by
 * the bin's first line, a shell line that keeps its value in PERFCELL_NODE_EXTRA_CA_CERTS; this
 * puts it back into process.env before anything is spawned, so the programs perfcell measures see
 * the environment exactly as the user set it: set, set empty, or unset.
 */
export const savedCaVariable = 'PERFCELL_NODE_EXTRA_CA_CERTS';

/** The launcher's copy of /proc/self/status's SigIgn (hex) as perfcell was started, set only where a signal was ignored. */
export const ignoredSignalsVariable = 'PERFCELL_SIGIGN';

/**
 * Also keeps ignored the signals perfcell was started with ignored (session/ignored-signals.ts).
 * @example restoreLauncherEnv(process.env) // NODE_EXTRA_CA_CERTS back as the user set it, the launcher's copy gone
 */
export function restoreLauncherEnv(env: NodeJS.ProcessEnv): void {
  keepIgnoredSignals(env[ignoredSignalsVariable]);
  const saved = env[savedCaVariable];
  if (saved === undefined) return;
  env.NODE_EXTRA_CA_CERTS = saved;
  delete env[savedCaVariable];
}
