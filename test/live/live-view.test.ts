import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { startTestPtyRepl } from '../support/pty-repl.ts';
import { cliPath } from '../support/fixtures.ts';
import { perfUsable } from '../support/perf.ts';
import { findLiveRelay } from '../../src/live/relay.ts';
import { TICK_MS } from '../../src/perf/shared-perf.ts';
import { printedOnPty, renderScreen } from '../support/terminal.ts';
import { temporaryFolders } from '../support/temp-folders.ts';

const THREE_SECONDS = '{ const end = Date.now() + 3000; let junk = []; while (Date.now() < end) { junk.push(new Array(64).fill(1)); if (junk.length > 1e4) junk = [] } 6 * 7 }';
const LIVE_LINE = /live \d+\.\ds {2}RSS [\d.]+ MiB {2}peak [\d.]+ MiB {2}page-faults [\d.]+k?\/s/;

const PTY_COLUMNS = 200;

/** What a command printed on a pty of 200 columns (and `rows` rows), once it has exited. */
function onPty(file: string, args: readonly string[], rows = 30): Promise<string> {
  return printedOnPty(file, args, { columns: PTY_COLUMNS, rows });
}

// removed once the file's tests are over (they run side by side)
const temporaryDir = temporaryFolders('all');

/** An executable shell script of these lines, in a new temporary folder. */
function shellScript(name: string, lines: readonly string[]): { dir: string; script: string } {
  const dir = temporaryDir('perfcell-live-');
  const script = join(dir, name);
  writeFileSync(script, ['#!/bin/sh', ...lines, ''].join('\n'));
  chmodSync(script, 0o755);
  return { dir, script };
}

/** A process tree: sh (under 2 MiB) and the node it starts, which holds 300 MiB for 2 s. */
const SH_STARTING_300_MIB = ['sh', '-c', `${JSON.stringify(process.execPath)} -e 'const held = Buffer.alloc(300 * 1024 * 1024, 1); setTimeout(() => held[0], 2000)'; true`];

const relayBuilt = findLiveRelay() !== null;
if (!perfUsable) console.warn('perf cannot count here: the live view tests are skipped (its rates are perf\'s interval samples)');
if (!relayBuilt) console.warn('no perfcell-live relay (no C compiler): the live view tests are skipped');

// The tests run side by side: each waits on its own pty, processes and files, and asserts on what it
// printed, not on how fast. Not the one that times runs against the relay's half-second delay: it runs
// alone, after the others (its 0.1 s run must list relays before 0.5 s, its 0.8 s run after; a machine
// loaded by the others could miss either).
describe.runIf(perfUsable && relayBuilt).concurrent('live view of a long command (real perf, real relay)', () => {
  /** A program that, after sleeping $2 seconds, appends to $1 the live relays perfcell (its gate's parent) has, one line a run. */
  function relayLister(): { log: string; script: string } {
    const { dir, script } = shellScript('relays.sh', [
      'sleep "$2"',
      'perfcell=$(cut -d" " -f4 /proc/$PPID/stat)',
      'for d in /proc/[0-9]*; do',
      '  [ "$(cat $d/comm 2>/dev/null)" = perfcell-live ] && [ "$(cut -d" " -f4 $d/stat 2>/dev/null)" = "$perfcell" ] && printf "%s " "${d#/proc/}"',
      'done >> "$1"',
      'echo >> "$1"',
    ]);
    return { log: join(dir, 'relays.log'), script };
  }

  // first, the longest (three runs of 1.5 s), so that it does not start last
  it('run -r on a pty: one relay for all its runs, not one per run (each had cost some 7 ms a run), and the line still shows', { timeout: 60_000 }, async ({ expect }) => {
    const { log, script } = relayLister();
    const printed = await onPty(process.execPath, [cliPath, 'run', '-r', '3', '-e', 'page-faults', '--', script, log, '1.5']);
    expect(printed).toMatch(LIVE_LINE);
    const relays = readFileSync(log, 'utf8').trim().split('\n').map((line) => line.trim());
    expect(relays, readFileSync(log, 'utf8')).toHaveLength(3);
    expect(relays[0]).toMatch(/^\d+$/);
    expect(new Set(relays).size, relays.join(' | ')).toBe(1);
  });

  it('a pty shows the live line during a 3 s REPL command and erases it before the value and report; a short one shows none', { timeout: 60_000 }, async ({ expect, onTestFinished }) => {
    const repl = await startTestPtyRepl({ expect, onTestFinished }, ['repl', '-e', 'page-faults,task-clock']);
    const printed = await repl.send(THREE_SECONDS, 30_000);
    const lines = printed.split('\n');
    const live = lines.filter((line) => LIVE_LINE.test(line));
    // from ~1 s to 3 s at 4 per second: several redraws, the elapsed time growing
    expect(live.length, printed).toBeGreaterThanOrEqual(3);
    const seconds = live.map((line) => Number(/live (\d+\.\d)s/.exec(line)?.[1]));
    expect(seconds[0]).toBeGreaterThanOrEqual(0.9);
    expect(seconds.at(-1)).toBeGreaterThan(seconds[0]!);
    // nothing printed over the line: the value and the report come after the last redraw, on lines of their own
    const lastLive = lines.findLastIndex((line) => line.includes('live '));
    expect(lines.findIndex((line) => line === '42')).toBeGreaterThan(lastLive);
    expect(lines.slice(lastLive + 1).join('\n')).toMatch(/^\s*42\nIn \[1\] used/m);
    expect(await repl.send('1+1')).not.toContain('live ');
  });

  it('--no-live shows none on the same pty', { timeout: 60_000 }, async ({ expect, onTestFinished }) => {
    const repl = await startTestPtyRepl({ expect, onTestFinished }, ['repl', '--no-live', '-e', 'page-faults,task-clock']);
    const printed = await repl.send(THREE_SECONDS.replace('3000', '1500'), 30_000);
    expect(printed).toMatch(/In \[1\] used/);
    expect(printed).not.toContain('live ');
  });

  it('piped output never gets the live line (REPL on pipes)', { timeout: 60_000 }, async ({ expect }) => {
    const child = spawn(process.execPath, [cliPath, 'repl', '-e', 'page-faults'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', PERFCELL_REPL_HISTORY: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.write(`${THREE_SECONDS.replace('3000', '1500')}\n`);
    const deadline = Date.now() + 30_000;
    while (!/In \[1\] used/.test(stdout) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    child.stdin.end();
    await new Promise((resolve) => child.on('close', resolve));
    expect(stdout).toMatch(/In \[1\] used/);
    expect(stdout + stderr).not.toContain('live ');
  });

  it('perfcell cells shows it for a long cell on a pty, erased before the cell\'s report', { timeout: 60_000 }, async ({ expect }) => {
    const dir = temporaryDir('perfcell-live-cells-');
    const file = join(dir, 'long.js');
    writeFileSync(file, `// %% long cell\n${THREE_SECONDS.replace('3000', '2000')}\n// %% short cell\n1 + 1\n`);
    const printed = await onPty(process.execPath, [cliPath, 'cells', '-e', 'page-faults,task-clock', file]);
    expect(printed).toMatch(LIVE_LINE);
    // erased (its row cleared, the scrolling region reset) after the last redraw and before the long cell's report
    const lastLive = printed.lastIndexOf('live ');
    const erase = printed.indexOf('\x1b7\x1b[r\x1b[30;1H\x1b[2K\x1b8', lastLive);
    const report = printed.indexOf('long cell', lastLive);
    expect(erase).toBeGreaterThan(lastLive);
    expect(report).toBeGreaterThan(erase);
    const screen = await renderScreen(printed, PTY_COLUMNS, 30);
    expect(screen.lines.filter((line) => line.includes('live ')), screen.lines.join('\n')).toEqual([]);
  });

  it("a cell's program that writes to the terminal itself (stdio inherited) prints its lines on rows of their own: the cells' line is on the last row", { timeout: 60_000 }, async ({ expect }) => {
    // a program the cell starts, not the cell: its writes pass no guard of perfcell's process
    const { dir, script } = shellScript('ticks.sh', ['i=1', 'while [ $i -le 8 ]; do sleep 0.25; echo tick$i; i=$((i + 1)); done']);
    const file = join(dir, 'child.js');
    writeFileSync(file, `// %% a program\nrequire('node:child_process').execFileSync(${JSON.stringify(script)}, { stdio: 'inherit' });\n`);
    const rows = 10;
    const printed = await onPty(process.execPath, [cliPath, 'cells', '-e', 'page-faults', file], rows);
    const draws = [...printed.matchAll(/live \d+\.\ds {2}RSS [^\x1b]*\x1b\[K/g)];
    expect(draws.length, printed).toBeGreaterThanOrEqual(2);
    const lastDraw = draws[draws.length - 1]!;
    const during = await renderScreen(printed.slice(0, lastDraw.index + lastDraw[0].length), PTY_COLUMNS, rows);
    expect(during.viewport[rows - 1], during.viewport.join('\n')).toMatch(/^live \d+\.\ds {2}RSS /);
    const after = await renderScreen(printed, PTY_COLUMNS, rows);
    const text = after.lines.join('\n');
    expect(after.lines.filter((line) => line.includes('live ')), text).toEqual([]);
    for (let index = 1; index <= 8; index++) expect(after.lines.filter((line) => line === `tick${index}`), text).toHaveLength(1);
  });

  it('cells on a pty share one group of ticking perfs (not a perf per cell), and a long cell still counts exactly while its line is drawn', { timeout: 60_000 }, async ({ expect }) => {
    // The cell looks at the perfs counting this process: their -I is the group's tick (TICK_MS: a
    // group of one perf for two cells), where a perf per cell would tick at the asked-for 100 ms.
    // It touches 20,000 fresh pages (about 20,000 page-faults) and spins past the live view's delay.
    const dir = temporaryDir('perfcell-live-shared-');
    const file = join(dir, 'cells.js');
    const out = join(dir, 'out.json');
    writeFileSync(file, [
      '// %% first',
      '1 + 1',
      '// %% long',
      "import { readdirSync, readFileSync } from 'node:fs';",
      "const argvs = readdirSync('/proc').filter((name) => /^\\d+$/.test(name)).map((name) => { try { return readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\\0'); } catch { return []; } });",
      "const ticks = argvs.filter((argv) => argv[1] === 'stat' && argv[argv.indexOf('--pid') + 1] === String(process.pid)).map((argv) => Number(argv[argv.indexOf('-I') + 1]));",
      "console.log(`perf ticks: ${ticks.sort((a, b) => a - b).join(' ')}`);",
      'const pages = new Uint8Array(4096 * 20000); for (let i = 0; i < pages.length; i += 4096) pages[i] = 1;',
      '{ const end = Date.now() + 1500; while (Date.now() < end); }',
      '',
    ].join('\n'));
    const printed = await onPty('/bin/sh', ['-c', `exec "$0" "$1" cells -e page-faults --json "$2" > "$3"`, process.execPath, cliPath, file, out]);
    expect(printed).toMatch(new RegExp(`perf ticks: ${TICK_MS}\\r?\\n`));
    expect(printed).toMatch(LIVE_LINE);
    const json = readFileSync(out, 'utf8');
    expect(json, printed).not.toBe('');
    const document = JSON.parse(json) as { cells: Array<{ title: string; report: { counters: { events: Array<{ event: string; total: number }> } } }> };
    const long = document.cells.find((cell) => cell.title === 'long');
    const faults = long?.report.counters.events.find((event) => event.event === 'page-faults')?.total;
    expect(faults).toBeGreaterThanOrEqual(20_000);
    expect(faults).toBeLessThan(24_000);
  });

  it('perfcell run shows it on a pty, and not with stderr piped', { timeout: 60_000 }, async ({ expect }) => {
    const program = ['-e', 'const end = Date.now() + 2000; while (Date.now() < end);'];
    // the two runs at once: one on a pty, one with its output piped
    const [onTerminal, piped] = await Promise.all([
      onPty(process.execPath, [cliPath, 'run', '-e', 'page-faults,task-clock', '--', process.execPath, ...program]),
      new Promise<string>((resolve) => {
        const child = spawn(process.execPath, [cliPath, 'run', '-e', 'page-faults', '--', process.execPath, ...program], { stdio: ['ignore', 'pipe', 'pipe'] });
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
        child.on('close', () => resolve(text));
      }),
    ]);
    expect(onTerminal).toMatch(/live \d+\.\ds {2}RSS [\d.]+ MiB {2}peak [\d.]+ MiB {2}page-faults [\d.]+k?\/s {2}task-clock [\d.]+ CPUs/);
    // the line is erased before the report: nothing of it is left on the screen
    const screen = await renderScreen(onTerminal, PTY_COLUMNS, 30);
    expect(screen.lines.filter((line) => line.includes('live ')), screen.lines.join('\n')).toEqual([]);
    expect(screen.lines.join('\n')).toMatch(/peaked [\d.]+ MiB RAM/);

    expect(piped).toMatch(/peaked [\d.]+ MiB RAM/);
    expect(piped).not.toContain('live ');
  });

  it('perfcell run on a 40-column pty draws whole fields only, the ones that do not fit left out (it had ended in the "p" of page-faults)', { timeout: 60_000 }, async ({ expect }) => {
    const printed = await printedOnPty(process.execPath, [cliPath, 'run', '-e', 'page-faults,task-clock', '--', 'sleep', '1.6'], { columns: 40, rows: 30 });
    // each draw: from `live ` to the erase of the rest of the row
    const drawn = [...printed.matchAll(/live [^\x1b]*/g)].map((match) => match[0]);
    expect(drawn.length, JSON.stringify(printed)).toBeGreaterThan(0);
    // sleep's tree holds a few MiB: `live 1.0s  RSS 1.6 MiB  peak 1.6 MiB` is 36 columns, no room for a rate
    for (const line of drawn) expect(line).toMatch(/^live \d+\.\ds {2}RSS \d\.\d MiB {2}peak \d\.\d MiB$/);
  });

  it("perfcell run on a pty shows the process tree's memory, as the report reads it, not the program's own", { timeout: 60_000 }, async ({ expect }) => {
    // the line had shown sh's 1.7 MiB under a 516.6 MiB peak
    const printed = await onPty(process.execPath, [cliPath, 'run', '-e', 'page-faults', '--', ...SH_STARTING_300_MIB]);
    const shown = [...printed.matchAll(/live [\d.]+s {2}RSS ([\d.]+) MiB {2}peak ([\d.]+) MiB/g)].map((match) => ({ rssMiB: Number(match[1]), peakMiB: Number(match[2]) }));
    const reportPeak = /peaked ([\d.]+) MiB RAM \(process tree/.exec(printed);
    expect(shown.length, printed).toBeGreaterThan(0);
    expect(reportPeak, printed).not.toBeNull();
    // once the buffer is written (by 1.5 s), the line shows it, and never more than the report's peak
    expect(Math.max(...shown.map((line) => line.rssMiB)), printed).toBeGreaterThan(300);
    for (const line of shown) expect(line.peakMiB).toBeLessThanOrEqual(Number(reportPeak![1]) + 0.1);
  });

  it("perfcell run on a pty counts with the perf its early gate forked, and the line shows what that perf writes", { timeout: 60_000 }, async ({ expect }) => {
    // The program finds the perf attached to it (`--pid` its own pid) and says whose child it is:
    // the gate's ($PPID of the program), not perfcell's. Node spawning a perf of its own for the
    // live view, as before, held `run -- true` on a terminal up some 9 ms.
    const { script } = shellScript('whose-perf.sh', [
      'perfcell=$(cut -d" " -f4 /proc/$PPID/stat)',
      'for d in /proc/[0-9]*; do',
      '  [ "$(cat $d/comm 2>/dev/null)" = perf ] && tr "\\0" " " < $d/cmdline | grep -q -- "--pid $$ " && echo "perf parent $(cut -d" " -f4 $d/stat) gate $PPID perfcell $perfcell"',
      'done',
      'sleep 1.5',
    ]);
    const printed = await onPty(process.execPath, [cliPath, 'run', '-e', 'page-faults', '--', script]);
    const found = /perf parent (\d+) gate (\d+) perfcell (\d+)/.exec(printed);
    expect(found, printed).not.toBeNull();
    expect(found![1], printed).toBe(found![2]);
    expect(found![1]).not.toBe(found![3]);
    expect(printed).toMatch(LIVE_LINE);
    expect(printed).toMatch(/page-faults .*total [\d,]+ +\(\d+ samples?:/);
  });

  it("a program that run measures prints lines while the line shows: they scroll above it, the line keeps the last row, and nothing of it is left (they had landed after its text)", { timeout: 60_000 }, async ({ expect }) => {
    // more lines than the pty has rows, so they scroll, 0.2 s apart: the line shows from 1 s, between them
    const { script } = shellScript('ticks.sh', ['echo start', 'i=1', 'while [ $i -le 12 ]; do sleep 0.2; echo tick$i; i=$((i + 1)); done', 'printf partial']);
    const rows = 10;
    const printed = await onPty(process.execPath, [cliPath, 'run', '-e', 'page-faults', '--', script], rows);
    const draws = [...printed.matchAll(/live \d+\.\ds {2}RSS [^\x1b]*\x1b\[K/g)];
    expect(draws.length, printed).toBeGreaterThanOrEqual(3);
    // the screen just after the last draw: the line on the last row, the program's lines above it, each on its own
    const lastDraw = draws[draws.length - 1]!;
    const during = await renderScreen(printed.slice(0, lastDraw.index + lastDraw[0].length), PTY_COLUMNS, rows);
    expect(during.viewport[rows - 1], during.viewport.join('\n')).toMatch(/^live \d+\.\ds {2}RSS [\d.]+ MiB {2}peak [\d.]+ MiB {2}page-faults [\d.]+k?\/s$/);
    expect(during.viewport.slice(0, rows - 1).filter((row) => row.includes('live ')), during.viewport.join('\n')).toEqual([]);
    expect(during.viewport.filter((row) => row.includes('tick')).every((row) => /^tick\d+$/.test(row)), during.viewport.join('\n')).toBe(true);
    // and once the report is out: every line of the program once, on a row of its own, the partial
    // last one kept (erasing the cursor's row had erased it), and no trace of the line
    const after = await renderScreen(printed, PTY_COLUMNS, rows);
    const text = after.lines.join('\n');
    expect(after.lines.filter((line) => line.includes('live ')), text).toEqual([]);
    for (const name of ['start', ...Array.from({ length: 12 }, (_, index) => `tick${index + 1}`)]) expect(after.lines.filter((line) => line === name), text).toHaveLength(1);
    expect(text).toMatch(/^partial/m);
    expect(text).toMatch(/peaked [\d.]+ MiB RAM/);
  });

  it.sequential('a short run on a pty forks no relay (it had cost such a run 13-26 ms); one that lasts gets it after half a second', { timeout: 60_000 }, async ({ expect }) => {
    const { log, script } = relayLister();
    await onPty(process.execPath, [cliPath, 'run', '-e', 'page-faults', '--', script, log, '0.1']);
    await onPty(process.execPath, [cliPath, 'run', '-e', 'page-faults', '--', script, log, '0.8']);
    const [short, lasting] = readFileSync(log, 'utf8').split('\n').map((line) => line.trim());
    expect(short, readFileSync(log, 'utf8')).toBe('');
    expect(lasting, readFileSync(log, 'utf8')).toMatch(/^\d+$/);
  });
});

// Side by side too, once the tests above are done (a describe.concurrent would run beside them, the
// timed one included).
describe.runIf(relayBuilt)('live view without perf (--no-perf, or where perf cannot count): time and memory only (real relay)', () => {
  it.concurrent('run --no-perf on a pty shows the time and the tree\'s memory, erased before the report (it had shown nothing)', { timeout: 60_000 }, async ({ expect }) => {
    const printed = await onPty(process.execPath, [cliPath, 'run', '--no-perf', '--', ...SH_STARTING_300_MIB]);
    // each draw: the text up to the erase of the row's rest (a run's line is drawn on the last row)
    const shown = [...printed.matchAll(/live (\d+\.\d)s {2}RSS ([\d.]+) MiB {2}peak [\d.]+ MiB\x1b\[K/g)];
    expect(shown.length, printed).toBeGreaterThanOrEqual(2);
    expect(Math.max(...shown.map((match) => Number(match[2]))), printed).toBeGreaterThan(300);
    const screen = await renderScreen(printed, PTY_COLUMNS, 30);
    expect(screen.lines.filter((line) => line.includes('live ')), screen.lines.join('\n')).toEqual([]);
    expect(screen.lines.join('\n')).toMatch(/peaked [\d.]+ MiB RAM \(process tree/);
  });

  it.concurrent('lines a cell or REPL command prints while the line shows land on rows of their own, not after the line\'s text', { timeout: 60_000 }, async ({ expect, onTestFinished }) => {
    // six lines 350 ms apart: the line shows from 1 s, between them
    const loud = 'for (let i = 0; i < 6; i++) { const end = Date.now() + 350; while (Date.now() < end); console.log("tick" + i); }';
    const { dir } = shellScript('unused.sh', []);
    const file = join(dir, 'loud.js');
    writeFileSync(file, `// %% loud\n${loud}\n`);
    // the cell and the REPL command at once, each on its own pty
    const [cells, repl] = await Promise.all([
      onPty(process.execPath, [cliPath, 'cells', '--no-perf', file]),
      startTestPtyRepl({ expect, onTestFinished }, ['repl', '--no-perf']).then(async (started) => {
        await started.send(loud, 30_000);
        return started;
      }),
    ]);
    for (const [printed, columns, rowsOnScreen] of [[cells, PTY_COLUMNS, 30], [repl.raw(), 250, 50]] as const) {
      expect(printed, 'the line was drawn').toMatch(/live \d+\.\ds {2}RSS/);
      const { lines: rows } = await renderScreen(printed, columns, rowsOnScreen);
      // each tick on a row of its own, nothing of the line left on any row (it had read "live 1.0s  RSS 53.9 MiB  peak 53.9 MiBtick2")
      for (let index = 0; index < 6; index++) expect(rows.filter((row) => row.trim() === `tick${index}`), rows.join('\n')).toHaveLength(1);
      expect(rows.filter((row) => row.includes('live ')), rows.join('\n')).toEqual([]);
    }
  });

  it.concurrent('repl --no-perf on a pty shows it during a 3 s command, erased before the value and the report', { timeout: 60_000 }, async ({ expect, onTestFinished }) => {
    const repl = await startTestPtyRepl({ expect, onTestFinished }, ['repl', '--no-perf']);
    const printed = await repl.send(THREE_SECONDS, 30_000);
    const lines = printed.split('\n');
    const live = lines.filter((line) => /live \d+\.\ds {2}RSS [\d.]+ MiB {2}peak [\d.]+ MiB\s*$/.test(line));
    expect(live.length, printed).toBeGreaterThanOrEqual(1);
    const lastLive = lines.findLastIndex((line) => line.includes('live '));
    expect(lines.slice(lastLive + 1).join('\n')).toMatch(/^\s*42\nIn \[1\] used/m);
    expect(await repl.send('1+1')).not.toContain('live ');
  });
});
