import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createCellEngine, type CellEngine } from '../../src/kernel/cell-engine.ts';

let engine: CellEngine | null = null;
afterEach(() => {
  engine?.close();
  engine = null;
  for (const listener of process.rawListeners('SIGINT')) if (listener.name === 'cellsOwn') process.off('SIGINT', listener as () => void);
});

// A review of the REPL's SIGINT mends (await-sigint.ts): the kernel took only its own listener off
// around a cell, so after a cell's process.on('SIGINT', …) vm took that one off around the next
// cell's run, which reset the signal to its default over node:repl's watchdog, and the Jupyter
// interrupt (SIGINT) of a busy cell ended the kernel (130), every variable of the notebook lost.
// This test's process gets the SIGINTs: before the mend, it died of the first.
describe("the kernel's cells, interrupted after a cell listened for SIGINT itself", () => {
  it('an interrupt ends a busy cell, and one between cells reaches the listeners, the kernel alive', { timeout: 30_000 }, async () => {
    let idleInterrupts = 0;
    engine = createCellEngine({ measure: { perf: false }, onProblem: (message) => console.warn(message), onIdleInterrupt: () => idleInterrupts++ });
    const listening = await engine.run('globalThis.heard = 0; process.on("SIGINT", function cellsOwn() { globalThis.heard++ }); "listening"');
    expect(listening.outcome).toEqual({ kind: 'value', value: 'listening' });
    // from outside, while the next cell's synchronous loop runs (5 s unless interrupted)
    spawn('sh', ['-c', `sleep 0.5; kill -INT ${process.pid}`], { stdio: 'ignore' });
    const busy = await engine.run('{ const end = Date.now() + 5000; while (Date.now() < end); } "not interrupted"');
    expect(busy.outcome.kind).toBe('thrown');
    expect(String((busy.outcome as { value: unknown }).value)).toContain('Script execution was interrupted by `SIGINT`');
    // between cells: the kernel's listener and the cell's hear it
    process.kill(process.pid, 'SIGINT');
    for (const deadline = Date.now() + 5_000; idleInterrupts === 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(idleInterrupts).toBe(1);
    expect((await engine.run('globalThis.heard')).outcome).toEqual({ kind: 'value', value: 1 });
  });
});
