import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pty from 'node-pty';
import { findLiveRelay } from '../../src/live/relay.ts';
import { renderScreen } from '../support/terminal.ts';

const relayPath = findLiveRelay();
if (relayPath === null) console.warn('no C compiler and no dist/perfcell-live: the live relay tests are skipped (install gcc)');

/**
 * The relay (live/follower.ts): windows announced on stdin, each read from the file its perf writes
 * to; here the file is written by the test, a tick every 5 ms.
 */

/** 10 page-faults and 4 ms of task-clock a 5 ms tick: 2.0k/s, 0.80 CPUs. */
const busyTick = (timeS: string): string => `     ${timeS},10,,page-faults,5000000,100.00,,\n     ${timeS},4.00,msec,task-clock,5000000,100.00,,\n`;

function runFollower(
  windowMs: number,
  tick: (timeS: string, index: number) => string = busyTick,
  rssOf?: number,
  elapsedMs?: number,
  afterOpen: (file: string) => readonly string[] = () => [],
  startedFor: number = process.pid,
  columns = 200,
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'perfcell-follow-'));
  const file = join(dir, 'perf.out');
  // what perf printed before the window: read from the file's end on, none of it is the window's
  writeFileSync(file, '     0.004000,99999,,page-faults,4000000,100.00,,\nEvents disabled\n');
  return new Promise((resolve) => {
    const child = spawn(relayPath!, ['--follow', String(startedFor), '100', '50'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, COLUMNS: String(columns) } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ stdout, stderr, code });
    });
    child.stdin.write(`open ${file}${rssOf === undefined ? '' : ` ${rssOf}`}${elapsedMs === undefined ? '' : ` ${elapsedMs}`}\n`);
    for (const command of afterOpen(file)) child.stdin.write(`${command}\n`);
    let timeS = 0.004;
    let index = 0;
    const ticking = setInterval(() => {
      timeS += 0.005;
      appendFileSync(file, tick(timeS.toFixed(6), index++));
    }, 5);
    setTimeout(() => {
      clearInterval(ticking);
      child.stdin.write('close\n');
    }, windowMs);
    setTimeout(() => child.stdin.end(), windowMs + 100);
  });
}

describe.runIf(relayPath !== null)('perfcell-live relay (native/perfcell-live.c, a real process reading a file as perf writes it)', () => {
  it('a window opened late (`open PATH PID ELAPSED_MS`, a run whose relay started after 0.5 s) draws at once, its time counted from the window\'s start', { timeout: 10_000 }, async () => {
    const { stderr, code } = await runFollower(120, busyTick, process.pid, 2000);
    expect(code).toBe(0);
    const drawn = stderr.split('\r').filter((part) => part.startsWith('live '));
    // the delay (100 ms) had passed before `open`: drawn at 0, 50 and 100 ms, from 2.0 s on
    expect(drawn.length, stderr).toBeGreaterThanOrEqual(2);
    expect(drawn[0]).toMatch(/^live 2\.[01]s {2}RSS [\d.]+ MiB/);
    // 2.1 s where `close` comes on time; a loaded machine (load 14 on two cores) delays it to 2.3 s
    expect(drawn.at(-1)).toMatch(/^live 2\.\ds {2}RSS [\d.]+ MiB {2}peak [\d.]+ MiB {2}page-faults 2\.0k\/s/);
  });

  it('draws the rates of the ticks since its last draw once the delay has passed, and answers `close` with the erased marker', { timeout: 10_000 }, async () => {
    const { stdout, stderr, code } = await runFollower(400);
    expect(code).toBe(0);
    expect(stdout).toBe('#perfcell-live erased\n');
    const drawn = stderr.split('\r').filter((part) => part.startsWith('live '));
    expect(drawn.length).toBeGreaterThanOrEqual(3);
    // the rows before `open` (99999 page-faults) are not the window's
    for (const line of drawn) expect(line).toMatch(/^live 0\.\ds {2}RSS [\d.]+ MiB {2}peak [\d.]+ MiB {2}page-faults 2\.0k\/s {2}task-clock 0\.80 CPUs\x1b\[K$/);
    // erased at `close`: nothing is drawn after it
    expect(stderr.endsWith('\r\x1b[K')).toBe(true);
  });

  it("lists the events in perf's order when the window's first rows are the end of an interval (a ticking perf, read from the file's end)", { timeout: 10_000 }, async () => {
    // the first rows after `open`: task-clock's alone, the rest of an interval whose page-faults row came before
    const { stderr } = await runFollower(400, (timeS, index) => (index === 0 ? `     ${timeS},4.00,msec,task-clock,5000000,100.00,,\n` : busyTick(timeS)));
    const drawn = stderr.split('\r').filter((part) => part.startsWith('live '));
    expect(drawn.length).toBeGreaterThanOrEqual(3);
    for (const line of drawn) expect(line).toMatch(/ {2}page-faults 2\.0k\/s {2}task-clock 0\.80 CPUs\x1b\[K$/);
  });

  it('counts a tick in which the process never ran (<not counted>) as none over its span: an awaiting cell is not shown at the rate of its busy ticks', { timeout: 10_000 }, async () => {
    // every other tick the process slept through: 10 page-faults and 4 ms a 10 ms, 1.0k/s and 0.40 CPUs
    const idleTick = (timeS: string): string => `     ${timeS},<not counted>,,page-faults,0,100.00,,\n     ${timeS},<not counted>,msec,task-clock,0,100.00,,\n`;
    const { stderr } = await runFollower(400, (timeS, index) => (index % 2 === 0 ? busyTick(timeS) : idleTick(timeS)));
    const drawn = stderr.split('\r').filter((part) => part.startsWith('live '));
    expect(drawn.length).toBeGreaterThanOrEqual(3);
    // (a draw takes in an odd number of ticks as often as not: 889/s, 1.1k/s; the busy ticks alone read 2.0k/s, 0.80 CPUs)
    for (const line of drawn) {
      const [, faults, thousands, cpus] = /page-faults ([\d.]+)(k?)\/s {2}task-clock ([\d.]+) CPUs\x1b\[K$/.exec(line) ?? [];
      expect(Number(faults) * (thousands === 'k' ? 1000 : 1), line).toBeGreaterThanOrEqual(700);
      expect(Number(faults) * (thousands === 'k' ? 1000 : 1), line).toBeLessThanOrEqual(1400);
      expect(Number(cpus), line).toBeGreaterThanOrEqual(0.28);
      expect(Number(cpus), line).toBeLessThanOrEqual(0.56);
    }
    // a process asleep through every tick since the last draw: 0/s, not left off the line
    const asleep = await runFollower(400, idleTick);
    for (const line of asleep.stderr.split('\r').filter((part) => part.startsWith('live '))) expect(line).toMatch(/page-faults 0\/s {2}task-clock 0\.00 CPUs\x1b\[K$/);
  });

  it('fits the width by leaving out whole fields, from the last: never a field cut (at 40 columns it had ended in the "p" of page-faults)', { timeout: 10_000 }, async () => {
    // the relay started for a small process (sleep, a few MiB), so that its memory fields have one
    // width: `live 0.1s  RSS 1.6 MiB  peak 1.6 MiB` is 36 columns, its page-faults field 20 more
    const small = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const drawnAt = async (columns: number): Promise<string[]> => {
        const { stderr } = await runFollower(300, busyTick, undefined, undefined, undefined, small.pid!, columns);
        return stderr.split('\r').filter((part) => part.startsWith('live ')).map((part) => part.replace(/\x1b\[K$/, ''));
      };
      const memory = /^live \d+\.\ds {2}RSS \d\.\d MiB {2}peak \d\.\d MiB/;
      const at40 = await drawnAt(40);
      expect(at40.length).toBeGreaterThan(0);
      for (const line of at40) expect(line).toMatch(new RegExp(`${memory.source}$`));
      const at60 = await drawnAt(60);
      expect(at60.length).toBeGreaterThan(0);
      for (const line of at60) expect(line).toMatch(new RegExp(`${memory.source} {2}page-faults 2\\.0k/s$`));
      // narrower than the first field: that one cut, nothing after it
      for (const line of await drawnAt(6)) expect(line).toBe('live ');
    } finally {
      small.kill('SIGKILL');
    }
  });

  it("shows the RSS of the process `open` names (a run's program), else of the one it was started for", { timeout: 10_000 }, async () => {
    // a process holding 300 MiB, far more than this test's own
    const big = spawn(process.execPath, ['-e', 'const held = Buffer.alloc(300 * 1024 * 1024, 1); setInterval(() => held[0]++, 1000); process.stdout.write("ready\\n")'], { stdio: ['ignore', 'pipe', 'ignore'] });
    // the relay is started for a small process (sleep, a few MiB), not this test's: a test worker
    // that has run other files may hold more than 300 MiB itself (588 MiB in one CI run)
    const small = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => big.stdout.once('data', resolve));
      const rss = (stderr: string): number[] => [...stderr.matchAll(/live [\d.]+s {2}RSS ([\d.]+) MiB/g)].map((match) => Number(match[1]));
      const named = rss((await runFollower(300, busyTick, big.pid, undefined, undefined, small.pid!)).stderr);
      expect(named.length).toBeGreaterThan(0);
      for (const mib of named) expect(mib).toBeGreaterThan(300);
      const startedFor = rss((await runFollower(300, busyTick, undefined, undefined, undefined, small.pid!)).stderr);
      expect(startedFor.length).toBeGreaterThan(0);
      for (const mib of startedFor) expect(mib).toBeLessThan(20);
    } finally {
      big.kill('SIGKILL');
      small.kill('SIGKILL');
    }
  });

  it("shows the memory perfcell sends (`mem RSS PEAK`, a run's process tree) instead of the process's, for that window only", { timeout: 10_000 }, async () => {
    const memory = (stderr: string): string[] => [...stderr.matchAll(/live [\d.]+s {2}(RSS [\d.]+ MiB {2}peak [\d.]+ MiB)/g)].map((match) => match[1]!);
    // 512 MiB now, 1 GiB at most so far: far from this test's own RSS
    const mem = `mem ${512 * 1024 * 1024} ${1024 * 1024 * 1024}`;
    const sent = memory((await runFollower(300, busyTick, process.pid, undefined, () => [mem])).stderr);
    expect(sent.length).toBeGreaterThan(0);
    for (const shown of sent) expect(shown).toBe('RSS 512.0 MiB  peak 1024.0 MiB');
    // the next window (`open` again), sent none, shows its process's own
    const next = memory((await runFollower(300, busyTick, process.pid, undefined, (file) => [mem, `open ${file} ${process.pid}`])).stderr);
    expect(next.length).toBeGreaterThan(0);
    for (const shown of next) expect(shown).not.toBe('RSS 512.0 MiB  peak 1024.0 MiB');
  });

  it('`drop` (a window too short to have shown its line) closes it unanswered: nothing is drawn after it', { timeout: 10_000 }, async () => {
    // dropped at once, then 300 ms with ticks (the delay is 100 ms), then the test's `close`
    const { stdout, stderr, code } = await runFollower(300, busyTick, process.pid, undefined, () => ['drop']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    // the one answer is the final `close`'s
    expect(stdout).toBe('#perfcell-live erased\n');
  });

  it('a `bottom` window (a run\'s program) draws on a terminal\'s last row, below a scrolling region set for it, set again when the terminal is resized, and reset at `close`', { timeout: 10_000 }, async () => {
    // on a real pty (its size read as the relay reads it), with its commands on a FIFO: on the pty
    // they would be echoed. Lines written while it draws stand for the program's output.
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-follow-'));
    const fifo = join(dir, 'commands');
    execFileSync('mkfifo', [fifo]);
    const child = pty.spawn('/bin/sh', ['-c', `exec "$0" --follow ${process.pid} 0 50 < "$1"`, relayPath!, fifo], { cols: 80, rows: 10 });
    let raw = '';
    child.onData((data) => (raw += data));
    const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
    const commands = createWriteStream(fifo);
    const drawsIn = (text: string): number => text.split('live ').length - 1;
    const until = async (done: () => boolean): Promise<void> => {
      while (!done()) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    try {
      commands.write(`open - ${process.pid} 0 bottom\n`);
      await until(() => drawsIn(raw) >= 2);
      child.resize(80, 14);
      const resizedAt = raw.length;
      await until(() => drawsIn(raw.slice(resizedAt)) >= 2);
      commands.write('close\n');
      await until(() => raw.includes('#perfcell-live erased'));
      commands.end();
      await exited;
      // the region left the last row out at 10 rows, then at 14 (reset first), and is reset at the end
      expect(raw.slice(0, resizedAt), JSON.stringify(raw)).toContain('\x1bD\x1bM\x1b7\x1b[1;9r\x1b8\x1b7\x1b[10;1Hlive ');
      expect(raw.slice(resizedAt), JSON.stringify(raw)).toContain('\x1b7\x1b[r\x1b8\x1bD\x1bM\x1b7\x1b[1;13r\x1b8\x1b7\x1b[14;1Hlive ');
      expect(raw, JSON.stringify(raw)).toMatch(/\x1b7\x1b\[r\x1b\[14;1H\x1b\[2K\x1b8#perfcell-live erased/);
      // on a terminal of 14 rows: the line on the last row while it shows, nothing of it after `close`
      const beforeClose = raw.slice(0, raw.indexOf('\x1b7\x1b[r\x1b[14;1H'));
      const during = await renderScreen(beforeClose.slice(resizedAt), 80, 14);
      expect(during.viewport[13], during.viewport.join('\n')).toMatch(/^live \d+\.\ds {2}RSS [\d.]+ MiB {2}peak [\d.]+ MiB$/);
      const after = await renderScreen(raw.slice(resizedAt), 80, 14);
      expect(after.lines.filter((line) => /live \d/.test(line)), after.lines.join('\n')).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('draws nothing for a window shorter than the delay, and still answers its `close`', { timeout: 10_000 }, async () => {
    const { stdout, stderr, code } = await runFollower(50);
    expect(code).toBe(0);
    expect(stdout).toBe('#perfcell-live erased\n');
    expect(stderr).toBe('');
  });
});
