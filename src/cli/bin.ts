/**
 * The `perfcell` executable. It loads as little as the command needs before it starts working:
 * `--version` reads package.json and nothing else; `run` and `parse` (whose start-up is measured
 * against perf stat's, BENCHMARKS.md "Start-up"), `compare` (against hyperfine's, "Pace") and
 * `cells` run a bundle of their own, a "lane": one CommonJS file built apart from the other
 * commands and compiled with a V8 code cache (lane-loader.ts); any other command goes through
 * full-cli.ts, loading its module.
 *
 * Built as one CommonJS file (dist/app/cli.cjs, scripts/build.mjs) with nothing to import: Node
 * loads an ES module entry, and each chunk it imports, through its ESM loader, some 7 ms a start
 * on this VM before a lane's first line runs (an empty .mjs 4.6 ms slower than an empty .cjs, and
 * four imported chunks 3 ms more). So no top-level await here, and the full command line is an
 * import() of an ES module found next to this file.
 *
 * Its first two lines are a shell launcher (scripts/lib/bin-launcher.mjs, added by the build): the
 * kernel runs it by `#!/bin/sh`, and the shell execs node on this file, without NODE_EXTRA_CA_CERTS
 * for the commands that need no TLS; restoreLauncherEnv puts it back before anything else runs.
 */
import { restoreLauncherEnv } from './launcher-env.ts';
import { firstCommandWord } from './argv.ts';
import { runLane } from './lane-loader.ts';
import { stdoutFailure } from './stdout-failure.ts';

/** The commands that have a lane bundle next to this file, comma-separated (scripts/build.mjs defines it; none when run from dist/src). */
declare const __PERFCELL_LANES__: string | undefined;
const lanes: readonly string[] = typeof __PERFCELL_LANES__ === 'undefined' ? [] : __PERFCELL_LANES__.split(',');

restoreLauncherEnv(process.env);
const first = firstCommandWord(process.argv);
if (first === '-V' || first === '--version') {
  // written here, before main() watches stdout: a reader gone ends it 0, a full disk is the error
  // line every command says (without a listener Node threw the write's error with a stack trace)
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') process.stderr.write(`${stdoutFailure(error)}\n`);
    process.exit(error.code === 'EPIPE' ? 0 : 1);
  });
  void import('../version.ts').then(({ version }) => process.stdout.write(`${version}\n`));
} else if (first !== undefined && lanes.includes(first)) {
  runLane(first, import.meta.url);
} else {
  // by URL: the bundle leaves the ES module where it is, next to this file in dist/app/ as in dist/src/cli/
  const fullCli = import(new URL('./full-cli.js', import.meta.url).href) as Promise<typeof import('./full-cli.ts')>;
  void fullCli.then(({ runFullCli }) => runFullCli(process.argv));
}
