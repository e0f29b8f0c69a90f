import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import split2 from 'split2';
import { describe, expect, it } from 'vitest';
import { locateNativeHelper } from '../../src/session/exec-helper.ts';
import { fieldsRequest } from '../../src/session/request-fields.ts';
import { fixture } from '../support/fixtures.ts';

interface EndReport {
  readonly exitCode: number;
  readonly stopSignal?: number;
}

/**
 * The exec gate (native/perfcell-exec.c) run as perfcell runs it, in a process group of its own
 * with its program, released at once; `ctrlC`: once the program has said something on stdout, the
 * group is sent SIGINT, as a terminal's Ctrl-C. The gate's end report.
 */
async function endReport(command: readonly string[], ctrlC: boolean): Promise<EndReport> {
  const gate = locateNativeHelper('perfcell-exec').path;
  if (gate === null) throw new Error('perfcell-exec could not be built here');
  const child = spawn(gate, ['3', '4', ...command], { stdio: ['ignore', 'pipe', 'inherit', 'pipe', 'pipe'], detached: true });
  const lines = (child.stdio[4] as Readable).pipe(split2())[Symbol.asyncIterator]();
  const requests = child.stdio[3] as unknown as Writable;
  try {
    expect(String((await lines.next()).value)).toMatch(/^pid \d+/);
    const said = new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    requests.write('go\n');
    if (ctrlC) {
      await said;
      process.kill(-child.pid!, 'SIGINT');
    }
    return JSON.parse(String((await lines.next()).value)) as EndReport;
  } finally {
    requests.end();
  }
}

// A program that catches Ctrl-C and exits by itself can be reaped and reported before perfcell's
// own handler has run (a suite run saw `run` miss its "interrupted" line so); the same Ctrl-C
// reached the gate before the program could exit, and its end report says so. Real gate, real signals.
describe('the exec gate notes a stop signal sent to its group', () => {
  it('reports stopSignal 2 for a Ctrl-C its program caught and exited 5 on', async () => {
    expect(await endReport([fixture('trap-int'), '5'], true)).toMatchObject({ exitCode: 5, stopSignal: 2 });
  });

  it('reports 0 where none came', async () => {
    expect(await endReport([fixture('sleep-ms'), '1'], false)).toMatchObject({ exitCode: 0, stopSignal: 0 });
  });
});

// The same for compare's program server (native/perfcell-serve.c): its end report says the stop
// signal it got since its last, once (a signal between runs is said with the next run's report).
describe('the program server notes a stop signal sent to its group', () => {
  it('reports stopSignal 2 for the run its program caught the Ctrl-C of, and 0 for the next', async () => {
    const server = locateNativeHelper('perfcell-serve').path;
    if (server === null) throw new Error('perfcell-serve could not be built here');
    // the runs write on the server's stdout (a pipe here): trap-int's "ready"
    const child = spawn(server, ['3', '4'], { stdio: ['ignore', 'pipe', 'inherit', 'pipe', 'pipe'], detached: true });
    const lines = (child.stdio[4] as Readable).pipe(split2())[Symbol.asyncIterator]();
    const control = child.stdio[3] as unknown as Writable;
    const next = async (): Promise<string> => String((await lines.next()).value);
    try {
      expect(await next()).toMatch(/^ready \d+$/);
      const said = new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
      control.write(fieldsRequest('run ', ['--', fixture('trap-int'), '5']));
      expect(await next()).toMatch(/^pid \d+$/);
      await said;
      process.kill(-child.pid!, 'SIGINT');
      expect(JSON.parse(await next())).toMatchObject({ exitCode: 5, stopSignal: 2 });
      // an armed run (a run request after a failed run is skipped: the failure ended the warm-ups' queue)
      control.write(fieldsRequest('cmd ', ['--', fixture('sleep-ms'), '1']));
      expect(await next()).toMatch(/^pid \d+$/);
      control.write('go\n');
      expect(JSON.parse(await next())).toMatchObject({ exitCode: 0, stopSignal: 0 });
    } finally {
      control.end();
    }
  });
});
