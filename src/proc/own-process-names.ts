/**
 * Processes of perfcell's own machinery, not of the measured program: perf, and every helper of
 * native/ that runs as a process (perfcell-perf-hold is a library loaded into perf). compare's
 * programs are children of perfcell-serve, whose two processes (812 and 648 kB here) had read a
 * sleeping program's 1.6 MiB as 3.1 (live/progress-ticker.ts). A cell's stray processes are told
 * from perfcell's own by pid (own-children.ts), not by these names.
 */
export const OWN_PROCESS_NAMES: ReadonlySet<string> = new Set(['perf', 'perfcell-live', 'perfcell-exec', 'perfcell-serve']);
