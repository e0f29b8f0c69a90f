// The first two lines of the bin (dist/app/cli.cjs), written by scripts/build.mjs: a file that is
// a shell script and CommonJS at once. The kernel runs it by its `#!/bin/sh` line; the shell line
// then execs node on the same file, for which the first line is a hashbang comment and the second
// the string ":" and a comment. Why: Node 20 loads the file NODE_EXTRA_CA_CERTS names, and its
// whole root store, at every start, before any of perfcell's code (57 ms here); commands that run
// none of the user's code in perfcell's process and make no TLS connection start without it, its
// value kept in PERFCELL_NODE_EXTRA_CA_CERTS for src/cli/launcher-env.ts to put back before
// anything is spawned. `compare … --cells` and `cells`, `repl`, `kernel` run the user's code in
// perfcell's process and keep it. A copy of PERFCELL_NODE_EXTRA_CA_CERTS from elsewhere is
// dropped first: its presence means this line took the variable out.
// `parse` of a file of 32 MiB or more (EARLY_WORKER_MIN_BYTES in src/cli/commands/parse.ts, the
// files it reads on two threads, two isolates) gets two V8 flags, which work only on node's
// command line (v8.setFlagsFromString once node runs changed nothing measurable): on machines of
// as few as two CPUs, V8's background compiles and GC helpers took CPU from both threads. Compiled
// and collected on each isolate's own thread, a million CSV lines took 700 ms against 787, human
// 761 against 844 (scripts/lib/wall-ab.mjs, 12 alternations, 2026-12-04, BENCHMARKS.md "Pace
// notes"). Not for smaller input: its optimizing compiles then hold the one thread (1,647 lines
// took 155 ms against 128), so the file is looked for as isLargeFileParse does (`parse` with
// --format, --sep, --json, --ndjson, --csv at most, and one file) and its size taken with wc
// (quietly: a file it cannot read is parse's to report).
// The signals perfcell was started with ignored (`nohup`, SIGHUP; a script's `cmd &`, SIGINT and
// SIGQUIT), as /proc/self/status's SigIgn says them in hex, kept in PERFCELL_SIGIGN where there are
// any: Node sets every signal back to its default as it starts, so that only this shell still sees
// them (src/cli/launcher-env.ts; the gates give them to the programs they start ignored, as the
// programs would have had them without perfcell). A copy from elsewhere is dropped first. Read with
// the shell's own `read` (no process started: some 0.24 ms a start here, 200 starts of sh).
const ignoredSignals = 'unset PERFCELL_SIGIGN; while read -r k v; do [ "$k" = SigIgn: ] && { [ "$v" = 0000000000000000 ] || { PERFCELL_SIGIGN=$v; export PERFCELL_SIGIGN; }; break; }; done 2>/dev/null < /proc/self/status';
const parseFlags = '--single-threaded-gc --no-concurrent-recompilation';
// its own copy of EARLY_WORKER_MIN_BYTES (a shell line written at build time), checked equal by test/cli/bin-launcher.test.ts
const parseFlagsMinBytes = 32 << 20;
const largeParse = [
  'w=; f=; n=; for a; do if [ -n "$n" ]; then n=; continue; fi',
  'case $a in --format|--sep) n=1;; --format=*|--sep=*|--json|--ndjson|--csv|--debug) ;; -*) f=-; break;; *) if [ -z "$w" ]; then w=1; elif [ -z "$f" ]; then f=$a; else f=-; break; fi;; esac; done',
  `[ "$f" != - ] && [ -f "$f" ] && [ "$(wc -c 2>/dev/null < "$f")" -ge ${parseFlagsMinBytes} ] 2>/dev/null && exec node ${parseFlags} "$0" "$@"`,
].join('; ');
const commands = 'run|compare|parse|attach|doctor|events|completion|help|-h|--help|-V|--version';
const shell = [
  'unset PERFCELL_NODE_EXTRA_CA_CERTS',
  ignoredSignals,
  // the command's name: the first word that is not --debug (src/cli/argv.ts's globalFlags)
  'c=; for a; do [ "$a" = --debug ] || { c=$a; break; }; done',
  // compare's --cells runs the file's cells in this process
  'case $c in compare) for a; do case $a in --cells|--cells=*) c=; esac; done; esac',
  `case $c in ${commands}) [ "\${NODE_EXTRA_CA_CERTS+set}" ] && { PERFCELL_NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS; export PERFCELL_NODE_EXTRA_CA_CERTS; unset NODE_EXTRA_CA_CERTS; }; esac`,
  `case $c in parse) ${largeParse}; esac`,
  'exec node "$0" "$@"',
].join('; ');

export const binLauncher = `#!/bin/sh\n":" //; ${shell}\n`;
