import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventsOverview } from '../../src/render/events-text.ts';
import { renderEventsText } from '../../src/render/events-text.ts';
import { nobodyCanRun, warnNobodySkipped } from '../support/nobody.ts';
import { perfUsable } from '../support/perf.ts';
import { temporaryFolders } from '../support/temp-folders.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = `${root}dist/app/cli.cjs`;

/** What perf itself says of one event over `true`: 'counted' or the <status> it printed. */
function perfSays(event: string): string {
  const result = spawnSync('perf', ['stat', '-x,', '-e', event, '--', 'true'], { encoding: 'utf8', timeout: 10_000, env: { ...process.env, LC_ALL: 'C' } });
  const line = (result.stderr ?? '').split('\n').find((text) => text.includes(`,${event},`)) ?? '';
  return /^\d/.test(line) ? 'counted' : (/^<([^>]+)>/.exec(line)?.[1] ?? 'no row');
}

beforeAll(() => {
  // test/global-setup.ts builds once (or fails the run); each file only checks the bin is there.
  expect(existsSync(bin), `${bin} is missing: run npm run build (vitest's global setup builds it)`).toBe(true);
});

// removed after each test: each awaits the perfcell it hands a folder to (as its cache or nobody's
// home), so none is running by then; the nobody tests run only as root, which removes what nobody
// wrote there too
const tempFolder = temporaryFolders('each');

describe.runIf(perfUsable)('perfcell events (real perf)', () => {
  it('--json lists each preset with what perf says of its events here, and the default set', async () => {
    const cache = tempFolder('perfcell-events-');
    const result = await execa(process.execPath, [bin, 'events', '--json'], { reject: false, timeout: 60_000, env: { NO_COLOR: '1', XDG_CACHE_HOME: cache } });
    expect(result.exitCode).toBe(0);
    const overview = JSON.parse(result.stdout) as EventsOverview;
    expect(overview.presets.map((preset) => preset.name)).toEqual(['cache', 'ipc', 'tlb', 'branch']);
    const ipc = overview.presets.find((preset) => preset.name === 'ipc');
    expect(ipc?.events.map((probe) => probe.event)).toEqual(['instructions', 'cycles']);
    expect(ipc?.events.find((probe) => probe.event === 'cycles')?.status).toBe(perfSays('cycles'));
    expect(overview.software.find((probe) => probe.event === 'page-faults')?.status).toBe('counted');
    const hardware = perfSays('cycles') === 'counted';
    expect(overview.defaultEvents).toEqual(hardware ? ['cache-misses', 'cache-references', 'instructions', 'cycles', 'page-faults'] : ['page-faults', 'context-switches']);
  });

  it('prints one line per preset on stdout, nothing on stderr', async () => {
    const result = await execa(process.execPath, [bin, 'events'], { reject: false, timeout: 60_000, env: { NO_COLOR: '1' } });
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n').slice(0, 6).map((line) => line.split(/\s+/)[0])).toEqual(['cache', 'ipc', 'tlb', 'branch', '', 'software']);
  });
});

// a QA pass: `PERFCELL_EVENTS=task-clock perfcell events` said the commands count page-faults and
// context-switches without -e (perf's default here), where every one of them counted task-clock
describe.runIf(perfUsable)('perfcell events with a default set by PERFCELL_EVENTS or .perfcellrc.json', () => {
  const events = (args: readonly string[], options: { env?: Record<string, string>; cwd?: string } = {}) =>
    execa(process.execPath, [bin, 'events', ...args], { reject: false, timeout: 60_000, env: { NO_COLOR: '1', ...options.env }, ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });

  it('names those events as what runs without -e, and where they are set, beside perfcell\'s own', async () => {
    const json = await events(['--json'], { env: { PERFCELL_EVENTS: 'task-clock,ipc' } });
    expect(json.exitCode, json.stderr).toBe(0);
    const overview = JSON.parse(json.stdout) as EventsOverview;
    expect(overview.defaultSetBy).toMatchObject({ source: 'PERFCELL_EVENTS', events: ['task-clock', 'instructions', 'cycles'], problem: null });
    const cwd = tempFolder('perfcell-events-rc-');
    writeFileSync(join(cwd, '.perfcellrc.json'), JSON.stringify({ events: ['page-faults'] }));
    const text = await events([], { cwd });
    expect(text.stdout).toMatch(new RegExp(`^without -e: page-faults, which "events" in ${join(cwd, '.perfcellrc.json')} sets \\(without it: .+\\)$`, 'm'));
    // none set: no such key, and the line as before
    const plain = JSON.parse((await events(['--json'])).stdout) as EventsOverview;
    expect(plain.defaultSetBy).toBeUndefined();
  });

  // a QA pass: `PERFCELL_EVENTS=bogus perfcell events` listed bogus as the default without a word,
  // where every command that measures refused it
  it('says perf refuses one here, as every command that measures does, naming where it is set and the fix', async () => {
    const refusal = "unknown perf event 'bogus' (see perf list, or drop it from PERFCELL_EVENTS)";
    const json = await events(['--json'], { env: { PERFCELL_EVENTS: 'page-faults,bogus' } });
    expect(json.exitCode, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as EventsOverview).defaultSetBy).toEqual({ source: 'PERFCELL_EVENTS', events: ['page-faults', 'bogus'], problem: refusal, notSupported: [] });
    const run = await execa(process.execPath, [bin, 'run', '--', 'true'], { reject: false, timeout: 60_000, env: { NO_COLOR: '1', PERFCELL_EVENTS: 'page-faults,bogus' } });
    expect(run.stderr).toBe(`error: ${refusal}`);
    const cwd = tempFolder('perfcell-events-rc-');
    const rc = join(cwd, '.perfcellrc.json');
    writeFileSync(rc, JSON.stringify({ events: 'bogus' }));
    const text = await events([], { cwd });
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout.split('\n')).toContain(
      `perf refuses the events "events" in ${rc} sets here, and so does every command that measures: unknown perf event 'bogus' (see perf list, or drop it from "events" in ${rc})`,
    );
    // events perf takes: no such line
    expect((await events([], { env: { PERFCELL_EVENTS: 'page-faults' } })).stdout).not.toContain('perf refuses');
  });

  // a QA pass: `PERFCELL_EVENTS=cycles,page-faults perfcell events` named cycles as counted without -e
  // and said nothing more, where perf takes it but cannot count it in a VM, and every report of
  // `run` said `cycles: not supported on this machine`
  it('names those perf takes but cannot count here, as every report of them says <not supported>', async () => {
    const env = { PERFCELL_EVENTS: 'page-faults,cycles' };
    const run = await execa(process.execPath, [bin, 'run', '--json', '--', 'true'], { reject: false, timeout: 60_000, env: { NO_COLOR: '1', ...env } });
    expect(run.exitCode, run.stderr).toBe(0);
    const unsupported = (JSON.parse(run.stdout) as { counters: { unsupported: { event: string }[] } }).counters.unsupported.map((event) => event.event);
    expect(unsupported).toEqual(perfSays('cycles') === 'not supported' ? ['cycles'] : []);
    const json = await events(['--json'], { env });
    expect(json.exitCode, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as EventsOverview).defaultSetBy).toEqual({ source: 'PERFCELL_EVENTS', events: ['page-faults', 'cycles'], problem: null, notSupported: unsupported });
    const text = (await events([], { env })).stdout.split('\n');
    const line = 'cycles, which PERFCELL_EVENTS sets: not supported on this machine, and every report will say so (drop it from PERFCELL_EVENTS; perfcell doctor says what counts here)';
    if (unsupported.length > 0) expect(text).toContain(line);
    else expect(text).not.toContain(line);
  });

  it('refuses a bad one as the commands do, naming it, exit 2; the doctor, about the machine, goes on', async () => {
    const bad = await events([], { env: { PERFCELL_EVENTS: 'duration_time' } });
    expect([bad.exitCode, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toMatch(/^error: PERFCELL_EVENTS: duration_time is perf's own wall clock/);
    const doctor = await execa(process.execPath, [bin, 'doctor', '--json'], { reject: false, timeout: 60_000, env: { NO_COLOR: '1', PERFCELL_EVENTS: 'duration_time' } });
    expect([0, 1]).toContain(doctor.exitCode);
    expect(JSON.parse(doctor.stdout).events.defaultSetBy).toBeUndefined();
  });
});

describe('renderEventsText', () => {
  it('says per preset what counts and what not', () => {
    const text = renderEventsText({
      presets: [
        { name: 'ipc', counts: 'all', events: [{ event: 'instructions', status: 'counted', count: 1 }, { event: 'cycles', status: 'not counted', count: null }] },
        { name: 'tlb', counts: 'some', events: [{ event: 'dTLB-loads', status: 'counted', count: 1 }, { event: 'iTLB-load-misses', status: 'not supported', count: null }] },
      ],
      software: [{ event: 'page-faults', status: 'counted', count: 40 }],
      defaultEvents: ['cache-misses'],
      defaultNote: null,
      problem: null,
    });
    expect(text.split('\n').slice(0, 5)).toEqual([
      'ipc       counts here  instructions, cycles',
      'tlb       partly       dTLB-loads; iTLB-load-misses: not supported',
      '',
      'software events, each by its name (-e page-faults,task-clock): page-faults',
      'without -e: cache-misses',
    ]);
  });

  it('wraps to a given width (a terminal\'s): a preset\'s row goes on under its events, a sentence under its start', () => {
    const overview: EventsOverview = {
      presets: [{ name: 'cache', counts: 'none', events: ['cache-references', 'cache-misses', 'L1-dcache-loads', 'LLC-load-misses'].map((event) => ({ event, status: 'not supported' as const, count: null })) }],
      software: [{ event: 'page-faults', status: 'counted', count: 40 }, { event: 'task-clock', status: 'counted', count: 1 }],
      defaultEvents: ['page-faults'],
      defaultNote: null,
      problem: null,
    };
    const lines = renderEventsText(overview, { width: 60 }).trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'cache     not here     cache-references, cache-misses,',
      '                       L1-dcache-loads, LLC-load-misses: not',
      '                       supported',
    ]);
    expect(lines.every((line) => line.length <= 60)).toBe(true);
    // nothing lost or reordered: the same words, line after line
    const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);
    expect(words(lines.join('\n'))).toEqual(words(renderEventsText(overview)));
    expect(lines).toContain('software events, each by its name (-e');
    // without a width (a pipe), each line whole
    expect(renderEventsText(overview).split('\n')[0]).toBe('cache     not here     cache-references, cache-misses, L1-dcache-loads, LLC-load-misses: not supported');
  });

  it('cuts a word longer than the line at the width, as fold cuts it, each piece under the row\'s indent (it had been left whole, past the edge)', () => {
    const overview: EventsOverview = {
      presets: [{ name: 'cache', counts: 'none', events: ['cache-references', 'L1-dcache-load-misses'].map((event) => ({ event, status: 'not supported' as const, count: null })) }],
      software: [{ event: 'page-faults', status: 'counted', count: 40 }],
      defaultEvents: ['page-faults'],
      defaultNote: null,
      problem: `perf stat wrote nothing to /tmp/${'x'.repeat(50)}/perf.out`,
    };
    const lines = renderEventsText(overview, { width: 40 }).trimEnd().split('\n');
    expect(lines.filter((line) => line.length > 40)).toEqual([]);
    // the row's events start at column 23: a 22-character name goes on there, cut at column 40
    expect(lines.slice(0, 3)).toEqual([
      'cache     not here     cache-references,',
      '                       L1-dcache-load-mi',
      '                       sses: not',
    ]);
    // a sentence's word: on a line of its own, cut at column 40, the pieces under the sentence's start
    expect(lines.slice(-4)).toEqual(['perf refused the probe: perf stat wrote', 'nothing to', `/tmp/${'x'.repeat(35)}`, `${'x'.repeat(15)}/perf.out`]);
  });

  it('names the events a default sets as what runs without -e, and perfcell\'s own beside them', () => {
    const overview = { presets: [], software: [], defaultEvents: ['page-faults'], defaultNote: null, problem: null };
    expect(renderEventsText(overview).split('\n')).toContain('without -e: page-faults');
    const set = renderEventsText({ ...overview, defaultSetBy: { source: 'PERFCELL_EVENTS', events: ['task-clock'], problem: null } });
    expect(set.split('\n')).toContain('without -e: task-clock, which PERFCELL_EVENTS sets (without it: page-faults)');
  });

  it('says which events a default sets that perf takes but cannot count here, with the fix naming where they are set', () => {
    const overview = { presets: [], software: [], defaultEvents: ['page-faults'], defaultNote: null, problem: null };
    const setBy = { source: '"events" in /w/.perfcellrc.json', events: ['cycles', 'instructions', 'page-faults'], problem: null };
    expect(renderEventsText({ ...overview, defaultSetBy: { ...setBy, notSupported: ['cycles', 'instructions'] } }).split('\n')).toContain(
      'cycles, instructions, which "events" in /w/.perfcellrc.json sets: not supported on this machine, and every report will say so (drop them from "events" in /w/.perfcellrc.json; perfcell doctor says what counts here)',
    );
    // all of them count: no such line
    expect(renderEventsText({ ...overview, defaultSetBy: { ...setBy, notSupported: [] } })).not.toContain('not supported');
  });

  it('says which software events read 0 for a user perf counts in user space only, and lists refused ones as refused', () => {
    const userOnly = (event: string) => ({ event, status: 'counted' as const, count: event === 'page-faults' ? 44 : 0, userOnly: true });
    const text = renderEventsText({
      presets: [],
      software: ['page-faults', 'context-switches', 'cpu-migrations', 'task-clock'].map(userOnly),
      defaultEvents: ['page-faults'],
      defaultNote: null,
      problem: null,
    });
    expect(text.split('\n')[1]).toBe(
      'software events, each by its name (-e page-faults,task-clock): page-faults, task-clock; context-switches, cpu-migrations: always 0 for this user ' +
        '(perf counts only its user space, kernel.perf_event_paranoid ≥ 2, and they happen in the kernel; run as root, or: sudo sysctl kernel.perf_event_paranoid=1)',
    );
    const refused = renderEventsText({ presets: [], software: [{ event: 'page-faults', status: 'refused', count: null }], defaultEvents: [], defaultNote: null, problem: 'perf refused' });
    expect(refused.split('\n')[1]).toBe('software events, each by its name (-e page-faults,task-clock): page-faults: refused');
  });
});

describe.runIf(perfUsable)('the presets table lists presets only', () => {
  it('every name in it is one run -e takes', async () => {
    const listed = await execa(process.execPath, [bin, 'events'], { reject: false, timeout: 60_000, env: { NO_COLOR: '1' } });
    const table = listed.stdout.split('\n\n')[0]?.split('\n') ?? [];
    const names = table.map((line) => line.split(/\s+/)[0] ?? '');
    expect(names).toEqual(['cache', 'ipc', 'tlb', 'branch']);
    for (const name of names) {
      const run = await execa(process.execPath, [bin, 'run', '--json', '-e', name, '--', 'true'], { reject: false, timeout: 60_000, env: { NO_COLOR: '1' } });
      expect(run.stderr, name).not.toContain('unknown perf event');
      expect(run.exitCode, name).toBe(0);
    }
  });
});

describe('perfcell events with PERFCELL_PERF naming a perf that is not there', () => {
  it('says so, names the variable and the fix, exit 1', async () => {
    for (const args of [['events'], ['events', '--json']]) {
      const result = await execa(process.execPath, [bin, ...args], { reject: false, timeout: 60_000, env: { NO_COLOR: '1', PERFCELL_PERF: '/nonexistent/perf' } });
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        'error: perf not found at /nonexistent/perf, which PERFCELL_PERF names (run: unset PERFCELL_PERF, or point it at a perf binary: export PERFCELL_PERF=/path/to/perf)',
      );
      expect(result.exitCode).toBe(1);
    }
  });
});

/** perf_event_paranoid as the kernel has it: 2 makes perf count an unprivileged user's user space only. */
const paranoidLevel = Number(readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8'));

warnNobodySkipped('events and run as nobody');
describe.runIf(perfUsable && nobodyCanRun && paranoidLevel === 2)('as an unprivileged user at kernel.perf_event_paranoid=2 (perf adds :u)', () => {
  const asNobody = (args: readonly string[]) => {
    const home = tempFolder('perfcell-nobody-');
    chmodSync(home, 0o777);
    const command = ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', `HOME=${home}`, 'NO_COLOR=1', `PATH=${process.env['PATH'] ?? ''}`, process.execPath, bin, ...args];
    return execa('setpriv', command, { reject: false, timeout: 60_000, cwd: '/tmp', env: {} });
  };

  it('events says context-switches reads 0 for this user, and the default set leaves it out', async () => {
    const result = await asNobody(['events', '--json']);
    expect(result.exitCode).toBe(0);
    const overview = JSON.parse(result.stdout) as EventsOverview;
    expect(overview.software.find((probe) => probe.event === 'context-switches')).toMatchObject({ status: 'counted', count: 0, userOnly: true });
    expect(overview.defaultEvents).not.toContain('context-switches');
    const text = await asNobody(['events']);
    expect(text.stdout).toMatch(/^software events, each by its name .*; context-switches, cpu-migrations: always 0 for this user /m);
  });

  it('run without -e counts no event that can only read 0 for this user', async () => {
    const result = await asNobody(['run', '--json', '--', 'true']);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as { counters: { events: { event: string }[] }; warnings: string[] };
    expect(report.counters.events.map((event) => event.event)).not.toContain('context-switches:u');
    expect(report.warnings.join('\n')).not.toContain('always read 0');
    expect(result.stderr).not.toContain('always read 0');
  });
});
