// Compiles the native helpers into dist/. Without a C compiler perfcell still runs (a shell gate
// and sampled peaks, reported as such), so a missing cc is a warning, not a failure. A helper with
// flags in native/compile-flags.json is compiled with the first of them that works (the
// on-demand compile in src/session/exec-helper.ts reads the same file).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

const flagChoices = JSON.parse(readFileSync('native/compile-flags.json', 'utf8'));

function compile(name, without) {
  const choices = flagChoices[name] ?? [[]];
  for (const [index, flags] of choices.entries()) {
    const isLast = index === choices.length - 1;
    try {
      // a choice before the last fails quietly (e.g. -static without a static libc): the next is tried
      execFileSync(process.env.CC ?? 'cc', ['-O2', '-Wall', '-Wextra', ...flags, '-o', `dist/${name}`, `native/${name}.c`], { stdio: isLast ? 'inherit' : 'pipe' });
      return;
    } catch (error) {
      if (isLast) console.error(`warning: could not compile native/${name}.c (${error.message.split('\n')[0]}); ${without} (install gcc: sudo apt-get install gcc)`);
    }
  }
}

mkdirSync('dist', { recursive: true });
compile('perfcell-exec', 'perfcell run will sample peak RSS instead');
// The live view's relay; without it there is no live status line.
compile('perfcell-live', 'no live status line for long commands');
// compare's long-lived gate; without it each run gets a gate of its own.
compile('perfcell-serve', 'compare will start a gate and a perf for every run');
// Loaded into perf by run's gate and cells' early launcher, which exec perf before its arguments
// are known, and by the launcher of the perfs over perfcell's own process, which nudge perf into
// printing a window's last counts at once; without it perf starts once they are known, and those
// windows wait for perf's next tick.
compile('perfcell-perf-hold', "run and cells will start perf once its arguments are known, and a cell's or REPL line's last counts will wait for perf's next tick");
