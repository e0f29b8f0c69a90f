/**
 * JavaScript source, one line, for code that runs inside a perfcell process under test (a cell, a
 * REPL line): an expression whose value is the JSON text `{"compilers":[…],"perfs":[…]}`, the pids
 * of that process's esbuild children and of the perf processes counting it (`--pid` its own pid).
 * Pids grow, so a compiler started after the perfs has the larger pid.
 */
export const OWN_PIDS_PROBE =
  "(() => { const fs = require('node:fs'); const own = String(process.pid); const compilers = []; const perfs = [];" +
  " for (const entry of fs.readdirSync('/proc')) { if (!/^[0-9]+$/.test(entry)) continue; try {" +
  " const argv = fs.readFileSync('/proc/' + entry + '/cmdline', 'utf8').split(String.fromCharCode(0));" +
  " const ppid = fs.readFileSync('/proc/' + entry + '/stat', 'utf8').split(') ')[1].split(' ')[1];" +
  " if (ppid === own && argv.some((arg) => arg.includes('esbuild'))) compilers.push(Number(entry));" +
  " if (argv[0].endsWith('perf') && argv[argv.indexOf('--pid') + 1] === own) perfs.push(Number(entry));" +
  ' } catch {} } return JSON.stringify({ compilers, perfs }); })()';
