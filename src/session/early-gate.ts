import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { createMemoryCgroup, type MemoryCgroup } from './cgroup.ts';
import { findExecHelper } from './exec-helper.ts';

/**
 * The exec gate of `perfcell run`, spawned first thing, before perfcell has parsed its options or
 * loaded the code that measures (src/cli/lanes/run.ts): it waits for its command ("-" form of
 * native/perfcell-exec.c) inside the run's memory cgroup. On cgroup v1 moving a process into a
 * cgroup waits out an RCU grace period (10-20 ms measured here): begun this early, it overlaps
 * perfcell's own start-up instead of delaying the program, and the child is born in the cgroup.
 */
export interface EarlyGate {
  readonly process: ChildProcess;
  /** The run's cgroup, with the gate in it once `moved` resolves true; null without one. */
  readonly cgroup: MemoryCgroup | null;
  readonly moved: Promise<boolean>;
}

let waiting: EarlyGate | null = null;

/** Spawns the gate and starts its move into a new memory cgroup; nothing where there is no gate binary. */
export function armEarlyGate(): void {
  if (waiting !== null) return;
  const helper = findExecHelper();
  if (helper === null) return;
  const gate = spawn(helper, ['3', '4', '-'], { stdio: ['inherit', 'inherit', 'inherit', 'pipe', 'pipe', 'pipe'] });
  if (gate.pid === undefined) return;
  gate.on('error', () => undefined);
  // Until a run takes it, it keeps nothing alive: a usage error ends perfcell, and the gate reads EOF and exits.
  gate.unref();
  for (const stream of gate.stdio.slice(3)) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  const cgroup = createMemoryCgroup();
  const moved = cgroup === null ? Promise.resolve(false) : cgroup.add(gate.pid);
  waiting = { process: gate, cgroup, moved };
  process.once('exit', () => discardUntaken(gate.pid!));
}

/** perfcell ends without a run having taken the gate (a usage error, --help): the gate and its cgroup go with it. */
function discardUntaken(pid: number): void {
  const untaken = waiting;
  if (untaken === null || untaken.process.pid !== pid) return;
  waiting = null;
  untaken.process.kill('SIGKILL');
  if (untaken.cgroup === null) return;
  // rmdir succeeds once the killed gate has left the cgroup, microseconds after the signal
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; attempt < 50 && !untaken.cgroup.removeIfEmpty(); attempt += 1) Atomics.wait(pause, 0, 0, 0.2);
}

/** The early gate, once (a second run spawns its own); null where none was armed. */
export function takeEarlyGate(): EarlyGate | null {
  const taken = waiting;
  waiting = null;
  if (taken === null) return null;
  taken.process.ref();
  for (const stream of taken.process.stdio.slice(3)) (stream as unknown as { ref?: () => void } | null)?.ref?.();
  return taken;
}

/** What the gate needs to run `command`: its "cmd" request (see native/perfcell-exec.c). */
export function gateCommandRequest(command: readonly string[], options: { readonly stdoutToStderr: boolean; readonly nodeGc: boolean; readonly environment: Readonly<Record<string, string>> }): Buffer {
  const fields = [
    ...(options.stdoutToStderr ? ['stdout=stderr'] : []),
    ...(options.nodeGc ? ['gc'] : []),
    ...Object.entries(options.environment).map(([name, value]) => `env=${name}=${value}`),
    '--',
    ...command,
  ];
  const payload = Buffer.from(fields.map((field) => `${field}\0`).join(''), 'utf8');
  return Buffer.concat([Buffer.from(`cmd ${payload.length}\n`), payload]);
}

/** Writes the request on the gate's request pipe (fd 3). */
export function sendGateCommand(gate: EarlyGate, request: Buffer): void {
  (gate.process.stdio[3] as unknown as Writable).write(request);
}

/** The gate's report pipe (fd 4) and the Node GC channel (fd 5). */
export function gateStreams(gate: EarlyGate): { readonly reports: Readable; readonly gc: Readable } {
  return { reports: gate.process.stdio[4] as Readable, gc: (gate.process.stdio as unknown as Readable[])[5]! };
}
