import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { closeSync, openSync, readSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signalPerf } from './perf-process.ts';

/** A perf probe run to its end: its exit status (null where killed or never run), its stderr, and why it did not run or finish. */
export interface PerfSyncRun {
  readonly status: number | null;
  readonly stderr: string;
  readonly error: NodeJS.ErrnoException | undefined;
}

/**
 * Runs a perf probe (`perf stat -e … -- true`) to its end in this synchronous step, in the C locale,
 * at most `timeoutMs`, keeping the first `stderrLimitBytes` of its stderr.
 *
 * Its stderr goes to a file, not a pipe: spawnSync returns only once every pipe it made is at end
 * of file, and a wrapper that leaves a child of its own running (`#!/bin/sh` then `sleep 3600`, or
 * perf run as a child and not exec'd) held the pipe past the timeout's kill, so perfcell hung for
 * ever before its command began. It runs in a session of its own, and once it has ended (or been
 * killed at the timeout) whatever is left of its group is killed: nothing of perf's outlives it.
 */
export function runPerfSync(file: string, args: readonly string[], timeoutMs: number, stderrLimitBytes = 1 << 20): PerfSyncRun {
  const path = join(tmpdir(), `perfcell-${process.pid}-${Date.now()}-probe`);
  let fd: number;
  try {
    fd = openSync(path, 'wx+', 0o600);
    unlinkSync(path);
  } catch (error: unknown) {
    return { status: null, stderr: '', error: error as NodeJS.ErrnoException };
  }
  try {
    // detached (setsid) is honoured by spawnSync too, though its options type leaves it out
    const options: SpawnSyncOptions & { detached: boolean } = { env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'ignore', fd], timeout: timeoutMs, killSignal: 'SIGKILL', detached: true };
    const result = spawnSync(file, args, options);
    signalPerf(result.pid || undefined, 'SIGKILL');
    const bytes = Buffer.alloc(stderrLimitBytes);
    const length = readSync(fd, bytes, 0, bytes.length, 0);
    return { status: result.status, stderr: bytes.subarray(0, length).toString('utf8'), error: result.error as NodeJS.ErrnoException | undefined };
  } finally {
    closeSync(fd);
  }
}
