import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dyingWithPerfcell, isOnPath } from '../../src/perf/die-with-perfcell.ts';

/** How perf is spawned to die with perfcell (the kill itself: test/cli/perf-dies-with-perfcell.test.ts). Real files. */
const dir = mkdtempSync(join(tmpdir(), 'perfcell-on-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const executable = join(dir, 'tool');
writeFileSync(executable, '#!/bin/sh\n');
chmodSync(executable, 0o755);
const plain = join(dir, 'plain');
writeFileSync(plain, '');

describe('isOnPath', () => {
  it('finds an executable file in PATH as execvp would, and a path with a slash as it is', () => {
    expect(isOnPath('tool', `/nonexistent:${dir}`)).toBe(true);
    expect(isOnPath(executable, undefined)).toBe(true);
    expect(isOnPath('tool', '/nonexistent')).toBe(false);
    expect(isOnPath('tool', undefined)).toBe(false);
  });

  it('passes over files that cannot be executed, and folders', () => {
    expect(isOnPath('plain', dir)).toBe(false);
    expect(isOnPath(plain, undefined)).toBe(false);
    expect(isOnPath(dir, undefined)).toBe(false);
  });
});

describe('dyingWithPerfcell', () => {
  it('runs a program that is found through the gate\'s --die-with form, naming this process', () => {
    const { file, args } = dyingWithPerfcell('tool', ['stat', '-x,'], dir);
    expect(file).toMatch(/perfcell-exec$/);
    expect(args).toEqual(['--die-with', String(process.pid), 'tool', 'stat', '-x,']);
  });

  it('leaves a program that is not found as it is: its spawn fails as it always did', () => {
    expect(dyingWithPerfcell('no-such-perf', ['stat'], dir)).toEqual({ file: 'no-such-perf', args: ['stat'] });
  });
});
