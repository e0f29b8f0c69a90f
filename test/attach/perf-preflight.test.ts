import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probePerfEventsSync } from '../../src/attach/perf-preflight.ts';
import { isRunning } from '../../src/proc/child-processes.ts';
import { temporaryFolders } from '../support/temp-folders.ts';

const tempFolder = temporaryFolders('each');

// The notebook kernel's perfcell.events(...) asks perf in one synchronous step. A PERFCELL_PERF
// wrapper that leaves a child holding perf's stderr (here a stand-in perf that takes the events at
// once, as real perf does, and leaves `sleep 20` behind) held the kernel at its 10 s limit, called
// the events refused, and left the sleep running in the kernel's process group.
describe('probePerfEventsSync: a wrapper whose child holds perf\'s stderr', () => {
  it('answers once perf has exited, takes the events, and leaves nothing of its group running', async () => {
    const dir = tempFolder('perfcell-preflight-');
    const pidFile = join(dir, 'child.pid');
    const wrapper = join(dir, 'perf');
    writeFileSync(wrapper, `#!/bin/sh\nsleep 20 &\necho $! > ${pidFile}\nprintf '1.00,msec,task-clock,1000,100.00,,\\n' >&2\nexit 0\n`);
    chmodSync(wrapper, 0o755);
    const startedMs = performance.now();
    const probe = probePerfEventsSync({ events: ['task-clock'], intervalMs: 1000, explicit: true, enabled: true, perfPath: wrapper });
    const tookMs = performance.now() - startedMs;
    const child = Number(readFileSync(pidFile, 'utf8'));
    // (a SIGKILL sent is not yet a process ended: give it a moment, as the sleep would outlive it)
    const gone = Date.now() + 1000;
    while (isRunning(child) && Date.now() < gone) await new Promise((resolve) => setTimeout(resolve, 10));
    const childLeft = isRunning(child);
    if (childLeft) process.kill(child, 'SIGKILL');
    expect(probe.problem?.message ?? null).toBeNull();
    expect(tookMs).toBeLessThan(3000);
    expect(childLeft).toBe(false);
  }, 30_000);
});
