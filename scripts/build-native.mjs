// Compiles the exec gate of `perfcell run` into dist/. Without a C compiler perfcell still runs
// (a shell gate and sampled peaks, reported as such), so a missing cc is a warning, not a failure.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

mkdirSync('dist', { recursive: true });
try {
  execFileSync(process.env.CC ?? 'cc', ['-O2', '-Wall', '-Wextra', '-o', 'dist/perfcell-exec', 'native/perfcell-exec.c'], { stdio: 'inherit' });
} catch (error) {
  console.error(`warning: could not compile native/perfcell-exec.c (${error.message.split('\n')[0]}); perfcell run will sample peak RSS instead (install gcc: sudo apt-get install gcc)`);
}
// The live view's relay (native/perfcell-live.c); without it there is no live status line.
try {
  execFileSync(process.env.CC ?? 'cc', ['-O2', '-Wall', '-Wextra', '-o', 'dist/perfcell-live', 'native/perfcell-live.c'], { stdio: 'inherit' });
} catch (error) {
  console.error(`warning: could not compile native/perfcell-live.c (${error.message.split('\n')[0]}); no live status line for long commands (install gcc: sudo apt-get install gcc)`);
}
// compare's long-lived gate (native/perfcell-serve.c); without it each run gets a gate of its own.
try {
  execFileSync(process.env.CC ?? 'cc', ['-O2', '-Wall', '-Wextra', '-o', 'dist/perfcell-serve', 'native/perfcell-serve.c'], { stdio: 'inherit' });
} catch (error) {
  console.error(`warning: could not compile native/perfcell-serve.c (${error.message.split('\n')[0]}); compare will start a gate and a perf for every run (install gcc: sudo apt-get install gcc)`);
}
