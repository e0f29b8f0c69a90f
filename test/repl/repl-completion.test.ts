import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { completeDotArgument } from '../../src/repl/dot-arguments.ts';
import { listPerfEvents } from '../../src/repl/completer.ts';
import { startTestPtyRepl } from '../support/pty-repl.ts';
import { perfUsable } from '../support/perf.ts';

describe('completeDotArgument: what Tab offers after a dot-command', () => {
  const events = ['context-switches', 'cpu-clock', 'page-faults'];

  it("completes .events' last item from the presets and perf's events, default as the whole list", () => {
    expect(completeDotArgument('.events ', events)).toEqual([['default', 'cache', 'ipc', 'tlb', 'branch', ...events], '']);
    expect(completeDotArgument('.events pa', events)).toEqual([['page-faults'], 'pa']);
    expect(completeDotArgument('.events page-faults,c', events)).toEqual([['cache', 'context-switches', 'cpu-clock'], 'c']);
    expect(completeDotArgument('.events {cpu-clock,con', events)).toEqual([['context-switches'], 'con']);
    expect(completeDotArgument('.events page-faults,d', events)).toEqual([[], 'd']);
    // `a, b` as .events reads it: after ', ' node:repl offered JavaScript's globals; after an item and a space, too
    expect(completeDotArgument('.events page-faults, con', events)).toEqual([['context-switches'], 'con']);
    expect(completeDotArgument('.events cycles ', events)).toEqual([[], '']);
    // tracepoints once a name is begun, not among the whole list
    const withTracepoints = [...events, 'sched:sched_switch', 'signal:signal_generate'];
    expect(completeDotArgument('.events page-faults,', withTracepoints)).toEqual([['cache', 'ipc', 'tlb', 'branch', ...events], '']);
    expect(completeDotArgument('.events s', withTracepoints)).toEqual([['sched:sched_switch', 'signal:signal_generate'], 's']);
  });

  it('completes on and off after .settle and .live, nothing after .interval, and leaves the rest to node:repl', () => {
    expect(completeDotArgument('.settle o', events)).toEqual([['on', 'off'], 'o']);
    expect(completeDotArgument('.live of', events)).toEqual([['off'], 'of']);
    expect(completeDotArgument('.interval pa', events)).toEqual([[], 'pa']);
    expect(completeDotArgument('.timeit Math.ma', events)).toBeNull();
    expect(completeDotArgument('.ev', events)).toBeNull();
    expect(completeDotArgument('events pa', events)).toBeNull();
  });
});

describe.runIf(perfUsable)("listPerfEvents: perf's own event names", () => {
  it('lists the software events, not the tool events perfcell refuses nor the metrics -e refuses', async () => {
    const names = await listPerfEvents();
    expect(names).toEqual(expect.arrayContaining(['page-faults', 'context-switches', 'task-clock']));
    expect(names).not.toContain('duration_time');
    const metrics = execFileSync('perf', ['list', '--raw-dump', 'metric', 'metricgroup'], { encoding: 'utf8' }).split(/\s+/).filter((name) => name !== '');
    for (const metric of metrics) expect(names).not.toContain(metric);
  });
});

describe('Tab in the REPL (through a pty)', () => {
  it("completes a non-ASCII name's members, not the globals that start with the partial name", { timeout: 30_000 }, async (test) => {
    const repl = await startTestPtyRepl(test, ['repl', '--no-perf']);
    await repl.send('const é = {abc: 1, abd: 2}');
    const from = repl.text().length;
    repl.write('é.a\t');
    await repl.waitFor(/é\.ab/, from, 5000);
    repl.write('\t');
    const listed = await repl.waitFor(/é\.abc +é\.abd/, from, 5000);
    expect(listed).not.toContain('AbortController');
  });

  it('completes a non-ASCII name a const declares', { timeout: 30_000 }, async (test) => {
    const repl = await startTestPtyRepl(test, ['repl', '--no-perf']);
    await repl.send('const élan = 41');
    const from = repl.text().length;
    repl.write('él\t');
    await repl.waitFor(/élan/, from, 5000);
    expect(await repl.send('')).toMatch(/\n41\n/);
  });

  it.runIf(perfUsable)('completes .events with the events perf knows, and .settle with on or off', { timeout: 30_000 }, async (test) => {
    const repl = await startTestPtyRepl(test, ['repl']);
    // perf lists its events once a line reads '.events ' (perf list --raw-dump, some 40 ms)
    repl.write('.events ');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    let from = repl.text().length;
    repl.write('page-f\t');
    await repl.waitFor(/page-faults/, from, 5000);
    repl.write(',cont\t');
    // readline redraws only what changed: the line as a whole is what .events was given
    await repl.waitFor(/context-switches/, from, 5000);
    expect(repl.text().slice(from)).not.toContain('// ext-switches');
    expect(await repl.send('')).toContain('events: page-faults,context-switches (from the next command)');
    from = repl.text().length;
    repl.write('.settle o\t');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // a second Tab, a key of its own (Tabs in one write read as pasted text), lists the choices
    repl.write('\t');
    expect(await repl.waitFor(/on +off/, from, 5000)).not.toContain('Object');
  });
});
