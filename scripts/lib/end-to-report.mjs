// `perfcell run`'s hand-over time: from the program's end (its own last CLOCK_MONOTONIC reading,
// which test/fixtures/end-stamp.c prints on stdout) to perfcell's report arriving on our pipe.
import { spawn } from 'node:child_process';

/** Milliseconds from `endStamp`'s end to the report's page-faults line on stderr; null for a run without one. `env`: perfcell's environment. */
export function endToReportMs(cli, endStamp, env = process.env) {
  return new Promise((resolve) => {
    // The program's stdout is its own (its end stamp); the report comes on stderr. The bin runs as
    // users run it, by its first line (scripts/lib/bin-launcher.mjs).
    const child = spawn(cli, ['run', '-e', 'page-faults', '--', endStamp], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    let endNs = null;
    let done = false;
    const check = () => {
      if (done || endNs === null || !err.includes('page-faults')) return;
      done = true;
      resolve(Number(process.hrtime.bigint() - endNs) / 1e6);
    };
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (endNs === null && out.includes('\n')) endNs = BigInt(out.split('\n')[0]);
      check();
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
      check();
    });
    // A run whose report has no page-faults line (perf could not count under load) gives null.
    child.on('close', () => {
      if (!done) resolve(null);
      done = true;
    });
  });
}
