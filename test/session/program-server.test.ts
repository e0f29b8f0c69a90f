import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandAlternatives, commandArgv } from '../../src/experiment/alternatives.ts';
import { runInterleavedUntilStopped } from '../../src/experiment/interleave.ts';
import { startProgramServer, type ProgramServer } from '../../src/session/program-server.ts';
import { runProgram } from '../../src/session/run-program.ts';
import { createMemoryCgroup, type MemoryCgroup } from '../../src/session/cgroup.ts';
import { createCpuCgroup } from '../../src/session/cpu-cgroup.ts';
import { findNativeHelper } from '../../src/session/exec-helper.ts';
import { fieldsRequest } from '../../src/session/request-fields.ts';
import { discardEarlyWarmups, spawnServer, startEarlyWarmups } from '../../src/session/serve-process.ts';
import { cgroupsOf } from '../support/cgroups.ts';
import type { CommandReport } from '../../src/session/report.ts';
import { fixture } from '../support/fixtures.ts';
import { perfStatPageFaults, runsWithPerf } from '../support/perf.ts';
import { survivors, watchDescendants } from '../faults/process-tree.ts';

// Real perf, the real server (native/perfcell-serve.c) and real programs: compare's runs through
// one long-lived gate and one long-lived group of perfs attached to its forker.

// Where the runs' tree CPU can be read from a cgroup (cgroup v1 cpuacct beside the memory one)
const cpuCgroupUsable = (() => {
  const memory = createMemoryCgroup();
  const cpu = createCpuCgroup(memory?.path ?? null);
  cpu?.remove();
  memory?.remove();
  return cpu !== null;
})();
// Where the runs' peak can be read from a memory cgroup reset between them (cgroup v1)
const memoryCgroupUsable = (() => {
  const memory = createMemoryCgroup();
  memory?.remove();
  return memory?.method === 'memory-cgroup-v1';
})();
if (!cpuCgroupUsable) console.warn('program-server: no CPU cgroup can be made here: a served run\'s CPU is wait4()\'s, without children nobody waited for');

/**
 * Runs, on `server`, a program that leaves a process behind (it touches 100 MiB 50 ms after its
 * program ended and holds it 300 ms, while the next run, 500 ms, is read), then sleep-ms 500
 * twice: the first says it left one process, and no run's peak holds the leftover's 100 MiB.
 */
async function expectLeftoverOutOfLaterPeaks(server: ProgramServer): Promise<void> {
  const stray = ['sh', '-c', `(sleep 0.05; ${fixture('peak-then-idle')} 100 300 0) & true`];
  const mib = (report: CommandReport): number => (report.memory.peakRssBytes ?? Number.NaN) / 2 ** 20;
  const first = await (await server.arm(stray)).run();
  const after = await (await server.arm([fixture('sleep-ms'), '500'])).run();
  const again = await (await server.arm([fixture('sleep-ms'), '500'])).run();
  await server.settle();
  const said = JSON.stringify([first, after, again].map(mib));
  expect(first.warnings.filter((warning) => /left 1 process running after it ended; it was not counted after that/.test(warning))).toHaveLength(1);
  // sh's own peak (its stray touched nothing before sh ended), and sleep-ms's alone
  for (const report of [first, after, again]) {
    expect(mib(report), said).toBeGreaterThan(0.3);
    expect(mib(report), said).toBeLessThan(5);
  }
}

const pageFaults = (report: CommandReport): number => report.counters.events.find((event) => event.event.startsWith('page-faults'))?.total ?? Number.NaN;
const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Runs the alternatives interleaved (no warm-up), settled: every report complete. */
async function compareRuns(texts: readonly string[], runs: number, events = ['page-faults'], perfPath?: string) {
  const plan = commandAlternatives(texts, { shell: false, measureOptions: { events, intervalMs: 100, ...(perfPath === undefined ? {} : { perfPath }) } });
  const tree = watchDescendants(process.pid, 5);
  try {
    const slots = [...plan.alternatives, plan.noiseFloor].map((alternative) => ({
      name: alternative.name,
      run: (hooks?: { readonly onEnded?: () => void }) => alternative.measure(hooks),
      arm: () => alternative.arm?.(),
      disarm: () => alternative.disarm?.() ?? Promise.resolve(),
    }));
    const outcome = await runInterleavedUntilStopped(slots, { warmup: 0, runs, minTimeS: null });
    await plan.settle();
    tree.poll();
    return { outcome, seen: [...tree.seen.values()] };
  } finally {
    await plan.release();
    tree.stop();
  }
}

/** A perf that starts 300 ms late, and marks in its folder when it really starts (perf-started-PID). */
const slowPerfDir = mkdtempSync(join(tmpdir(), 'perfcell-slow-perf-'));
const slowPerf = join(slowPerfDir, 'perf');
writeFileSync(slowPerf, `#!/bin/sh\nsleep 0.3\ntouch "${slowPerfDir}/perf-started-$$"\nexec perf "$@"\n`, { mode: 0o755 });
afterAll(() => rmSync(slowPerfDir, { recursive: true, force: true }));

/**
 * perf as perf 5.10 and 5.11 read --control: a name after `enable`/`disable` is ignored there (they
 * switch every event). Real perf, behind a filter that strips the names from the commands before
 * perf reads them; the filter dies with perf (setpriv --pdeathsig), so nothing else holds its socket.
 * Each start of it is a line of its log (unnamedPerfLog).
 */
const unnamedPerfDir = mkdtempSync(join(tmpdir(), 'perfcell-unnamed-perf-'));
afterAll(() => rmSync(unnamedPerfDir, { recursive: true, force: true }));
const unnamedPerf = join(unnamedPerfDir, 'perf');
const unnamedPerfLog = join(unnamedPerfDir, 'starts.log');
writeFileSync(unnamedPerf, [
  '#!/bin/sh',
  `echo "$*" >> "${unnamedPerfLog}"`,
  'case " $* " in *" --control "*) ;; *) exec perf "$@" ;; esac',
  'dir=$(mktemp -d)',
  'mkfifo "$dir/control"',
  `setpriv --pdeathsig KILL sed -u -e 's/^\\(enable\\|disable\\) .*$/\\1/' <&3 >"$dir/control" 4>&- 2>/dev/null &`,
  'exec 3<"$dir/control"',
  'rm -r "$dir"',
  'exec perf "$@"',
  '',
].join('\n'), { mode: 0o755 });

/** Served runs of `texts` counted by the slow perf, released (and the slow perf's marks cleared) after `use`. */
async function withSlowPerf(texts: readonly string[], use: (plan: ReturnType<typeof commandAlternatives>) => Promise<void>): Promise<void> {
  const plan = commandAlternatives(texts, { shell: false, measureOptions: { events: ['page-faults'], perfPath: slowPerf } });
  try {
    await use(plan);
  } finally {
    await plan.release();
    for (const name of readdirSync(slowPerfDir)) if (name !== 'perf') rmSync(join(slowPerfDir, name), { force: true });
  }
}

describe.runIf(runsWithPerf('served compare runs'))('served runs: one gate and one group of perfs for all of compare', () => {
  // Slotted (the default where the events allow): one perf holds both windows, the run's and the
  // unread tail's, each slot's copy of the events switched by name (event-slots.ts).
  // PERFCELL_SLOTTED_PERF=0: one perf for each (program-server.ts's SERVED_PERFS).
  it.each([
    { how: 'one slotted perf', slotted: '1', perfs: 1 },
    { how: 'a perf for each of the two windows (PERFCELL_SLOTTED_PERF=0)', slotted: '0', perfs: 2 },
  ])('counts each run exactly as perf stat counts the program alone: large and small runs alternating, nothing leaking from one into the next; $how', async ({ slotted, perfs: perfCount }) => {
    const pages = 20_000;
    const before = process.env['PERFCELL_SLOTTED_PERF'];
    process.env['PERFCELL_SLOTTED_PERF'] = slotted;
    const { outcome, seen } = await compareRuns([`${fixture('touch-pages')} ${pages}`, 'true'], 6).finally(() => {
      if (before === undefined) delete process.env['PERFCELL_SLOTTED_PERF'];
      else process.env['PERFCELL_SLOTTED_PERF'] = before;
    });
    expect(outcome.stop).toBeNull();
    const [large, small, floor] = outcome.results as CommandReport[][];
    const expectedLarge = perfStatPageFaults([fixture('touch-pages'), String(pages)]);
    const expectedSmall = median([1, 2, 3, 4, 5].map(() => perfStatPageFaults(['true'])));
    for (const report of large!) expect(Math.abs(pageFaults(report) - expectedLarge) / expectedLarge, `${pageFaults(report)} vs perf stat's ${expectedLarge}`).toBeLessThan(0.01);
    // `true` right after 20,000 faults: its own ~50, within a few of perf stat's (47-51 here, under load
    // too). A leak of the previous run would add thousands; the next run's held child counted while it
    // still prepares (on a busy machine, when the pid was answered before it waited) adds some 40.
    for (const report of [...small!, ...floor!]) expect(Math.abs(pageFaults(report) - expectedSmall), `${pageFaults(report)} vs perf stat's ${expectedSmall}`).toBeLessThanOrEqual(10);
    // served, not one gate and perf per run: 18 runs, one server (and its forker), and the perfs
    const perfs = seen.filter((entry) => /^perf stat/.test(entry.command));
    expect(perfs.length, perfs.map((entry) => entry.command).join('\n')).toBe(perfCount);
    expect(perfs.every((entry) => entry.command.includes('name=pcB0') === (slotted === '1')), perfs.map((entry) => entry.command).join('\n')).toBe(true);
    // both attached to the server's forker, whose parent is the server, a child of this process
    const targets = new Set(perfs.map((entry) => Number(/--pid (\d+)/.exec(entry.command)?.[1])));
    expect(targets.size).toBe(1);
    const forker = seen.find((entry) => targets.has(entry.pid));
    const server = seen.find((entry) => entry.pid === forker?.parent);
    expect([forker?.command, server?.command, server?.parent]).toEqual([expect.stringContaining('perfcell-serve'), expect.stringContaining('perfcell-serve'), process.pid]);
    expect(seen.some((entry) => entry.command.includes('perfcell-exec'))).toBe(false);
    expect(await survivors(new Map(seen.map((entry) => [entry.pid, entry])), 2000)).toEqual([]);
  }, 60_000);

  it('a perf that cannot switch events by name (before 5.12): the slotted perf gives way to a perf per window before the first counted run, and every run counts exactly', async () => {
    const pages = 5_000;
    const { outcome, seen } = await compareRuns([`${fixture('touch-pages')} ${pages}`, 'true'], 4, ['page-faults', 'context-switches'], unnamedPerf);
    expect(outcome.stop).toBeNull();
    const [large] = outcome.results as CommandReport[][];
    const expectedLarge = perfStatPageFaults([fixture('touch-pages'), String(pages)]);
    for (const report of large!) expect(Math.abs(pageFaults(report) - expectedLarge) / expectedLarge, `${pageFaults(report)} vs perf stat's ${expectedLarge}`).toBeLessThan(0.01);
    // one slotted perf, then two plain ones, all attached to the forker before the first counted run
    const starts = readFileSync(unnamedPerfLog, 'utf8').trimEnd().split('\n');
    expect(starts.map((line) => line.includes('name=pcA0')), starts.join('\n')).toEqual([true, false, false]);
    expect(await survivors(new Map(seen.map((entry) => [entry.pid, entry])), 2000)).toEqual([]);
  }, 60_000);

  it("each run's peak is its own: the cgroup's peak is reset before every run", async () => {
    const pages = 25_000; // 100 MB
    const { outcome } = await compareRuns([`${fixture('touch-pages')} ${pages}`, 'true'], 3, ['task-clock']);
    const [large, small] = outcome.results as CommandReport[][];
    for (const report of large!) {
      expect(report.memory.peakMethod).toBe('memory-cgroup-v1');
      expect(report.memory.peakRssBytes).toBeGreaterThan(pages * 4096);
      expect(report.memory.peakRssBytes).toBeLessThan(pages * 4096 * 1.2);
    }
    // `true` after a 100 MB run: a few MB at most, not the run before's peak
    for (const report of small!) expect(report.memory.peakRssBytes, String(report.memory.peakRssBytes)).toBeLessThan(8 * 1024 * 1024);
  }, 60_000);

  // A held program shares the server's memory until its exec (perfcell-serve.c, built static), and the
  // kernel keeps the larger of that memory's peak and the program's as its ru_maxrss: the server's
  // must stay below a small program's own. With a dynamically linked server it did not: `true` read
  // 1,376 KiB served, against 970-1,080 forked by a small process as /usr/bin/time forks it.
  it("a small program's peak is its own, not the server's memory it was held in", async () => {
    const { outcome } = await compareRuns(['true', `${fixture('sleep-ms')} 1`], 5, ['page-faults']);
    const servedKiB = (outcome.results as CommandReport[][])[0]!.map((report) => report.memory.peakRssBytes! / 1024);
    const forkedKiB = execFileSync(fixture('max-rss'), ['5', 'true'], { encoding: 'utf8' }).trim().split('\n').map(Number);
    // `true`'s own peak takes one of two values some 170 KiB apart here (908 or 1,076 KiB forked, 984
    // or 1,084 served), so medians of 5 could differ by more than that by which one came more often
    // (132 KiB once beside a busy loop); the server's memory would raise every served run above both
    expect(Math.min(...servedKiB), `served ${servedKiB.join(' ')} KiB, forked ${forkedKiB.join(' ')} KiB`).toBeLessThanOrEqual(Math.max(...forkedKiB) + 128);
  }, 60_000);

  it('the first program is cloned only once every perf is attached to the forker (a perf slow to start: 300 ms)', async () => {
    // a program inherits only the counters its forker had when it was cloned: cloned before perf
    // attached, the first run would count nothing
    await withSlowPerf(['true'], async (plan) => {
      const report = await plan.alternatives[0]!.measure();
      await plan.settle();
      expect(pageFaults(report), JSON.stringify(report.warnings)).toBeGreaterThan(20);
    });
  }, 30_000);

  it('a warm-up run goes while the perfs still start (its result is thrown away); the first counted run waits for them and counts', async () => {
    // The slow perf marks when it really starts; the warm-up program lists the marks it can see.
    const seen = join(slowPerfDir, 'seen-by-warm-up');
    await withSlowPerf([`sh -c "ls ${slowPerfDir} > ${seen}"`, 'true'], async (plan) => {
      const [warm, counted] = plan.alternatives;
      const warmReport = await warm!.measure({ warmup: true });
      const report = await counted!.measure();
      await plan.settle();
      // the warm-up ran before any perf had started, and has no counters to show
      expect(readFileSync(seen, 'utf8')).not.toMatch(/perf-started/);
      expect(warmReport.exitCode).toBe(0);
      expect(warmReport.counters.events.every((event) => event.total === null || event.total === undefined), JSON.stringify(warmReport.counters)).toBe(true);
      // the counted run was cloned once every perf was attached: counted as ever
      expect(pageFaults(report), JSON.stringify(report.warnings)).toBeGreaterThan(20);
    });
  }, 30_000);

  it('a warm-up armed ahead of a counted run is armed anew, to be counted', async () => {
    const plan = commandAlternatives(['true'], { shell: false, measureOptions: { events: ['page-faults'] } });
    try {
      const [alternative] = plan.alternatives;
      alternative!.arm?.({ warmup: true });
      const report = await alternative!.measure();
      await plan.settle();
      expect(pageFaults(report), JSON.stringify(report.warnings)).toBeGreaterThan(20);
    } finally {
      await plan.release();
    }
  }, 30_000);

  // execvpe runs a script without `#!` through /bin/sh with its argv copied onto the held child's
  // stack, which the forker sizes for it (perfcell-serve.c, make_stack): 60,000 arguments, 480 KB.
  it('a script without #! runs, with 60,000 arguments', async () => {
    const script = join(slowPerfDir, 'no-shebang');
    const out = join(slowPerfDir, 'no-shebang.out');
    writeFileSync(script, `echo "$#" > '${out}'\n`, { mode: 0o755 });
    const words = Array.from({ length: 60_000 }, (_, index) => `a${index}`);
    const plan = commandAlternatives([[script, ...words].join(' ')], { shell: false, measureOptions: { events: ['page-faults'] } });
    try {
      const report = await plan.alternatives[0]!.measure();
      await plan.settle();
      expect(report.exitCode).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe('60000\n');
    } finally {
      await plan.release();
      rmSync(out, { force: true });
      rmSync(script, { force: true });
    }
  }, 30_000);

  it('a program that cannot be run is the usage error it is for a gate of its own', async () => {
    const plan = commandAlternatives(['no-such-command-xyz'], { shell: false, measureOptions: { events: ['page-faults'] } });
    try {
      await expect(plan.alternatives[0]!.measure()).rejects.toThrow(/^cannot run no-such-command-xyz: no such file or directory/);
      // the server goes on: the next run works
      const report = await plan.noiseFloor.measure();
      await plan.settle();
      expect(report.exitCode).toBe(0);
      expect(pageFaults(report)).toBeGreaterThan(0);
    } finally {
      await plan.release();
    }
  }, 30_000);

  it('a process a program leaves running is said, and not counted in later runs: the perfs are started anew', async () => {
    // the stray touches 3,000 pages 50 ms after its program ended, while the next run (150 ms) is counted
    const stray = `sh -c "(sleep 0.05; ${fixture('touch-pages')} 3000) & true"`;
    const plan = commandAlternatives([stray, `${fixture('sleep-ms')} 150`], { shell: false, measureOptions: { events: ['page-faults'] } });
    try {
      const [leaves, next] = plan.alternatives;
      const first = await leaves!.measure();
      const after = await next!.measure();
      const again = await next!.measure();
      await plan.settle();
      expect(first.warnings.filter((warning) => /left 1 process running after it ended; it was not counted after that/.test(warning))).toHaveLength(1);
      // the same stray is not blamed on the next run, and its 3,000 faults are in no run's count
      expect(after.warnings.filter((warning) => /left \d+ process/.test(warning))).toEqual([]);
      for (const report of [after, again]) expect(pageFaults(report), JSON.stringify(report.warnings)).toBeLessThan(200);
      expect(pageFaults(first)).toBeLessThan(1000);
    } finally {
      await plan.release();
    }
  }, 30_000);

  // A QA pass: `compare` of `sh -c '(spin 0.1 cpu &); …'` read 0.009-0.018 s of CPU a run where
  // `run` read 0.11 s (and PERFCELL_SERVED_RUNS=0 0.12): the served runs had wait4()'s figures
  // alone, and the spin, left to the server (the subreaper), is in no wait4() of the program's.
  it.runIf(cpuCgroupUsable)("each run's CPU is its tree's, a child nobody waited for too, as `run` reads it", async () => {
    const tmp = mkdtempSync(join(process.env['TMPDIR'] ?? tmpdir(), 'unwaited-'));
    // (… &): the subshell forks the job and exits, so the job and its spin (0.1 s of its own CPU)
    // are left to the server; sh waits for its file, not for it
    const unwaited = ['sh', '-c', `d=$(mktemp -u ${tmp}/done-XXXXXX); (${fixture('spin')} 0.1 cpu && : > "$d" &); while [ ! -e "$d" ]; do sleep 0.01; done; rm "$d"`];
    const server = startProgramServer({ events: ['task-clock'], quiet: true });
    expect(server).not.toBeNull();
    const cpuS = (report: CommandReport): number => (report.cpu.userS ?? 0) + (report.cpu.systemS ?? 0);
    try {
      const served: CommandReport[] = [];
      for (let run = 0; run < 3; run++) served.push(await (await server!.arm(unwaited)).run());
      await server!.settle();
      const ran = await runProgram(unwaited, { perf: false });
      const said = JSON.stringify(served.map(cpuS)) + ` served, ${cpuS(ran)} run`;
      for (const report of served) {
        expect(report.exitCode).toBe(0);
        expect(cpuS(report), said).toBeGreaterThanOrEqual(0.1);
        // the spin's 0.1 s, sh's loop and its sleeps' few ms (0.161 beside a loaded suite), not the spin twice
        expect(cpuS(report), said).toBeLessThan(0.18);
        expect(Math.abs(cpuS(report) - cpuS(ran)), said).toBeLessThan(0.03);
      }
    } finally {
      await server!.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 30_000);

  it.runIf(cpuCgroupUsable)("a process a program leaves running is not in the CPU of later runs: it leaves the runs' CPU cgroup", async () => {
    // the stray spins 0.1 s of its own CPU 50 ms after its program ended, while the next run (300 ms) is read
    const stray = ['sh', '-c', `(sleep 0.05; ${fixture('spin')} 0.1 cpu) & true`];
    const server = startProgramServer({ events: ['task-clock'], quiet: true });
    expect(server).not.toBeNull();
    const cpuS = (report: CommandReport): number => (report.cpu.userS ?? 0) + (report.cpu.systemS ?? 0);
    try {
      const first = await (await server!.arm(stray)).run();
      const after = await (await server!.arm([fixture('sleep-ms'), '300'])).run();
      const again = await (await server!.arm([fixture('sleep-ms'), '300'])).run();
      await server!.settle();
      expect(first.warnings.filter((warning) => /left 1 process running after it ended; it was not counted after that/.test(warning))).toHaveLength(1);
      for (const report of [first, after, again]) expect(cpuS(report), JSON.stringify([first, after, again].map(cpuS))).toBeLessThan(0.02);
    } finally {
      await server!.close();
    }
  }, 30_000);

  // A QA pass: `compare` of `sh -c '(sleep 0.05; peak-then-idle 100 300 0) & true'` and `sleep-ms
  // 500` read 54-129 MiB for sleep-ms's runs after the first's, as its leftover stayed in the
  // runs' memory cgroup and touched its 100 MiB while they went on; now 0.9-1.2 MiB.
  it.runIf(memoryCgroupUsable)("a process a program leaves running is not in the peak of later runs: it leaves the runs' memory cgroup", async () => {
    const server = startProgramServer({ events: ['page-faults'], quiet: true });
    expect(server).not.toBeNull();
    try {
      await expectLeftoverOutOfLaterPeaks(server!);
    } finally {
      await server!.close();
    }
  }, 30_000);

  // The fallback of the fresh cgroup below: where none can be made (null) or the forker cannot
  // enter it, the leftovers are moved out of the runs' cgroup instead (on cgroup v1 what they had
  // touched stays charged to it; this leftover touches its 100 MiB only after the move)
  it.runIf(memoryCgroupUsable).each([
    ['none can be made', (): MemoryCgroup | null => null],
    ['the forker cannot enter it', (): MemoryCgroup | null => {
      const made = createMemoryCgroup();
      return made === null ? null : { ...made, add: async () => false };
    }],
  ] as const)("no fresh cgroup for the forker (%s): the leftover is moved out of the runs' memory cgroup instead, and not in the peak of later runs", async (_, makeFresh) => {
    let freshOnes = 0;
    const server = startProgramServer({ events: ['page-faults'], quiet: true }, () => {
      freshOnes += 1;
      return makeFresh();
    });
    expect(server).not.toBeNull();
    try {
      await expectLeftoverOutOfLaterPeaks(server!);
      expect(freshOnes).toBe(1);
    } finally {
      await server!.close();
    }
    // the fresh one that could not be entered is gone, and the runs' one at close()
    expect(cgroupsOf(process.pid)).toEqual([]);
  }, 30_000);

  // A QA pass: `compare` of `sh -c '(peak-then-idle 100 200 0 &); sleep 0.1'` and a program of two
  // 20 MiB children (40.1-40.4 MiB alone) read 21.4 MiB for it in half its runs: its leftover's
  // 100 MiB stayed charged to the runs' cgroup after the leftover was moved out (cgroup v1), and
  // its free during the next run took as much off that run's growth. The forker now moves to a
  // fresh cgroup instead.
  it.runIf(memoryCgroupUsable)("memory a leftover frees during a later run hides none of that run's peak: the forker leaves its cgroup for a fresh one", async () => {
    // the leftover touches 100 MiB at once, holds it 200 ms (past its program's 100 ms) and frees it
    const stray = ['sh', '-c', `(${fixture('peak-then-idle')} 100 200 0 &); sleep 0.1`];
    // two children touch 20 MiB each 300 ms in, and hold it together (a barrier) 300 ms
    const barrier = mkdtempSync(join(process.env['TMPDIR'] ?? tmpdir(), 'two-children-'));
    const child = `${fixture('peak-then-idle')} 20 300 0 "$d" 2`;
    const twoChildren = ['sh', '-c', `sleep 0.3; d=$(mktemp -d ${barrier}/XXXXXX); ${child} & ${child} & wait; rm -rf "$d"`];
    const server = startProgramServer({ events: ['page-faults'], quiet: true });
    expect(server).not.toBeNull();
    const mib = (report: CommandReport): number => (report.memory.peakRssBytes ?? Number.NaN) / 2 ** 20;
    const peaks: CommandReport[] = [];
    try {
      for (let round = 0; round < 3; round++) {
        const leaves = await (await server!.arm(stray)).run();
        expect(leaves.warnings.filter((warning) => /left 1 process running after it ended/.test(warning))).toHaveLength(1);
        peaks.push(await (await server!.arm(twoChildren)).run());
      }
      // the last one's leftover still holds its 100 MiB when the server closes
      await (await server!.arm(stray)).run();
      await server!.settle();
    } finally {
      await server!.close();
      rmSync(barrier, { recursive: true, force: true });
    }
    for (const report of peaks) expect(mib(report), JSON.stringify(peaks.map(mib))).toBeGreaterThanOrEqual(39);
    // the cgroups the forker left, the one the leftover still ran in too, are gone
    expect(cgroupsOf(process.pid)).toEqual([]);
  }, 30_000);

  it('a Node program compared: every run, the noise floor\'s too, gets a gate of its own (its GC channel), none is served', async () => {
    const plan = commandAlternatives([`${process.execPath} -e 0`, 'true'], { shell: false, measureOptions: { events: ['page-faults'] } });
    const tree = watchDescendants(process.pid, 5);
    try {
      const reports = [];
      for (const alternative of [...plan.alternatives, plan.noiseFloor]) reports.push(await alternative.measure());
      await plan.settle();
      tree.poll();
      const commands = [...tree.seen.values()].map((entry) => entry.command);
      expect(commands.some((command) => command.includes('perfcell-serve')), commands.join('\n')).toBe(false);
      // the Node run came through a gate of its own: its GC channel reported
      expect(reports[0]?.gc).toBeDefined();
      expect(reports.every((report) => report.counters.events.some((event) => (event.total ?? 0) > 0))).toBe(true);
    } finally {
      tree.stop();
      await plan.release();
    }
  }, 30_000);

  it('an armed run that never runs, and the server, leave nothing behind once released', async () => {
    const server = startProgramServer({ events: ['page-faults'], quiet: true });
    expect(server).not.toBeNull();
    const tree = watchDescendants(process.pid, 5);
    const armed = await server!.arm([fixture('touch-pages'), '10']);
    tree.poll();
    const held = [...tree.seen.values()];
    expect(held.filter((entry) => entry.command.includes('perfcell-serve')).length, held.map((entry) => entry.command).join('\n')).toBeGreaterThanOrEqual(3);
    await armed.cancel();
    await server!.close();
    tree.stop();
    expect(await survivors(tree.seen, 2000)).toEqual([]);
    expect(held.every((entry) => !existsSync(`/proc/${entry.pid}`) || entry.pid === process.pid)).toBe(true);
  }, 30_000);
});

describe('served runs are not used where a run needs a gate of its own', () => {
  it('cachegrind, the live view, output kept, or PERFCELL_SERVED_RUNS=0', () => {
    expect(startProgramServer({ quiet: true, backend: 'cachegrind' })).toBeNull();
    expect(startProgramServer({ quiet: true, events: ['page-faults'], live: true })).toBeNull();
    expect(startProgramServer({ events: ['page-faults'] })).toBeNull();
    const saved = process.env['PERFCELL_SERVED_RUNS'];
    process.env['PERFCELL_SERVED_RUNS'] = '0';
    try {
      expect(startProgramServer({ quiet: true, events: ['page-faults'] })).toBeNull();
    } finally {
      if (saved === undefined) delete process.env['PERFCELL_SERVED_RUNS'];
      else process.env['PERFCELL_SERVED_RUNS'] = saved;
    }
  });
});

describe("the server's queue of warm-up runs (perfcell-serve's \"run\" requests)", () => {
  const queueDir = mkdtempSync(join(tmpdir(), 'perfcell-serve-queue-'));
  afterAll(() => rmSync(queueDir, { recursive: true, force: true }));
  const append = (file: string, text: string | number, exit = 0): string[] => ['sh', '-c', `echo ${text} >> ${file}; exit ${exit}`];

  it('runs them in order, each released once the one before has ended; a run that fails ends the queue ("skipped"), and a run armed after it is served', async () => {
    const helper = findNativeHelper('perfcell-serve');
    expect(helper, 'perfcell-serve is built by scripts/setup.sh').not.toBeNull();
    const log = join(queueDir, 'queue.log');
    const server = spawnServer(helper!);
    const queue = [append(log, 1), append(log, 2, 3), append(log, 3), ['true']];
    server.control.write(Buffer.concat(queue.map((command) => fieldsRequest('run ', ['--', ...command]))));
    expect(await server.forking).toBeGreaterThan(0);
    const lines: string[] = [];
    for (let index = 0; index < 6; index++) lines.push((await server.nextLine()) ?? 'end');
    expect(lines[0]).toMatch(/^pid \d+$/);
    expect(JSON.parse(lines[1]!)).toMatchObject({ released: true, exited: true, exitCode: 0 });
    expect(lines[2]).toMatch(/^pid \d+$/);
    expect(JSON.parse(lines[3]!)).toMatchObject({ exited: true, exitCode: 3 });
    expect(lines.slice(4)).toEqual(['skipped', 'skipped']);
    expect(readFileSync(log, 'utf8')).toBe('1\n2\n');
    // the queue is over: an armed run is served as before
    server.control.write(fieldsRequest('cmd ', ['--', ...append(log, 4)]));
    expect(await server.nextLine()).toMatch(/^pid \d+$/);
    server.control.write('go\n');
    expect(JSON.parse((await server.nextLine()) ?? '{}')).toMatchObject({ released: true, exitCode: 0 });
    expect(readFileSync(log, 'utf8')).toBe('1\n2\n4\n');
    server.control.end();
    await server.exit;
  }, 30_000);

  it('a run that reaches the server after the failed run before it was reaped is "skipped" too, not run (the queue ends at a failure however the requests were read)', async () => {
    const helper = findNativeHelper('perfcell-serve');
    expect(helper, 'perfcell-serve is built by scripts/setup.sh').not.toBeNull();
    const log = join(queueDir, 'late.log');
    const server = spawnServer(helper!);
    // the failing run ends and is reaped before the rest arrive: as when the server read the
    // requests of one write one at a time and a short run failed between two reads (a CI flake)
    server.control.write(fieldsRequest('run ', ['--', ...append(log, 1, 3)]));
    expect(await server.forking).toBeGreaterThan(0);
    expect(await server.nextLine()).toMatch(/^pid \d+$/);
    expect(JSON.parse((await server.nextLine()) ?? '{}')).toMatchObject({ exited: true, exitCode: 3 });
    server.control.write(Buffer.concat([append(log, 2), append(log, 3)].map((command) => fieldsRequest('run ', ['--', ...command]))));
    expect([await server.nextLine(), await server.nextLine()]).toEqual(['skipped', 'skipped']);
    expect(readFileSync(log, 'utf8')).toBe('1\n');
    // an armed run begins anew: it is served, and a run queued after it is too
    server.control.write(fieldsRequest('cmd ', ['--', ...append(log, 4)]));
    expect(await server.nextLine()).toMatch(/^pid \d+$/);
    server.control.write('go\n');
    expect(JSON.parse((await server.nextLine()) ?? '{}')).toMatchObject({ released: true, exitCode: 0 });
    server.control.write(fieldsRequest('run ', ['--', ...append(log, 5)]));
    expect(await server.nextLine()).toMatch(/^pid \d+$/);
    expect(JSON.parse((await server.nextLine()) ?? '{}')).toMatchObject({ exitCode: 0 });
    expect(readFileSync(log, 'utf8')).toBe('1\n4\n5\n');
    server.control.end();
    await server.exit;
  }, 30_000);

  it('an early server that no comparison takes (compare ended first) ends, the warm-up it runs with it, and its cgroup goes', async () => {
    const tree = watchDescendants(process.pid, 5);
    startEarlyWarmups({ commands: [['sleep', '20']], noiseFloor: ['true'], rounds: 2 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    tree.poll();
    expect([...tree.seen.values()].some((entry) => entry.command.startsWith('sleep 20')), [...tree.seen.values()].map((entry) => entry.command).join('\n')).toBe(true);
    const startedMs = performance.now();
    await discardEarlyWarmups();
    // not the warm-ups' 40 s: the gate ends the running one at its control's end, and drops the rest
    expect(performance.now() - startedMs).toBeLessThan(5_000);
    tree.stop();
    expect(await survivors(tree.seen, 2000)).toEqual([]);
    expect(cgroupsOf(process.pid)).toEqual([]);
  }, 30_000);

  it.runIf(runsWithPerf('early warm-ups'))('startEarlyWarmups: the warm-ups run before compare has its options; its server then takes them in turn, and its counted runs count', async () => {
    const log = join(queueDir, 'early.log');
    const texts = [`sh -c 'echo a >> ${log}'`, `sh -c 'echo b >> ${log}'`];
    const tree = watchDescendants(process.pid, 5);
    startEarlyWarmups({ commands: texts.map((text) => commandArgv(text, false)), noiseFloor: ['true'], rounds: 2 });
    // the server runs them alone: both rounds are over before anything else of compare has started
    for (let waited = 0; (existsSync(log) ? readFileSync(log, 'utf8') : '').length < 8 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(readFileSync(log, 'utf8')).toBe('a\nb\na\nb\n');
    const plan = commandAlternatives(texts, { shell: false, measureOptions: { events: ['page-faults'] } });
    try {
      const slots = [...plan.alternatives, plan.noiseFloor].map((alternative) => ({
        name: alternative.name,
        run: (hooks?: { readonly onEnded?: () => void; readonly warmup?: boolean }) => alternative.measure(hooks),
        arm: (options?: { readonly warmup?: boolean }) => alternative.arm?.(options),
        disarm: () => alternative.disarm?.() ?? Promise.resolve(),
      }));
      const outcome = await runInterleavedUntilStopped(slots, { warmup: 2, runs: 2, minTimeS: null });
      await plan.settle();
      expect(outcome.stop).toBeNull();
      // two warm-up rounds and two counted ones, taking turns at going first: none run twice
      expect(readFileSync(log, 'utf8')).toBe('a\nb\n'.repeat(3) + 'b\na\n');
      for (const report of outcome.results.flat()) expect(pageFaults(report)).toBeGreaterThan(0);
      tree.poll();
    } finally {
      await plan.release();
      tree.stop();
    }
    expect(await survivors(tree.seen, 2000)).toEqual([]);
  }, 60_000);
});
