import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../src/backends/find-executable.ts';

const dir = mkdtempSync(join(tmpdir(), 'perfcell-find-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const first = join(dir, 'first');
const second = join(dir, 'second');
mkdirSync(first);
mkdirSync(second);
writeFileSync(join(first, 'tool'), '#!/bin/sh\n');
chmodSync(join(first, 'tool'), 0o644); // present but not executable
writeFileSync(join(second, 'tool'), '#!/bin/sh\n');
chmodSync(join(second, 'tool'), 0o755);
writeFileSync(join(first, 'plain'), 'data');
mkdirSync(join(first, 'folder'));

describe('findExecutable', () => {
  const path = [first, second].join(delimiter);

  it('looks a bare name up on PATH, skipping copies that are not executable', async () => {
    expect(await findExecutable('tool', { cwd: '/', path })).toEqual({ kind: 'found', path: join(second, 'tool') });
  });

  it('reports a bare name that is only present without x permission', async () => {
    expect(await findExecutable('plain', { cwd: '/', path })).toEqual({ kind: 'not executable', path: join(first, 'plain') });
  });

  it('takes a name with a slash as a path relative to cwd, never searching PATH', async () => {
    expect(await findExecutable('./tool', { cwd: second, path: '' })).toEqual({ kind: 'found', path: join(second, 'tool') });
    expect(await findExecutable('./tool', { cwd: dir, path })).toEqual({ kind: 'missing' });
    expect(await findExecutable(join(first, 'tool'), { cwd: '/', path: undefined })).toEqual({
      kind: 'not executable',
      path: join(first, 'tool'),
    });
  });

  it('treats folders and empty or missing PATH as missing', async () => {
    expect(await findExecutable('folder', { cwd: '/', path })).toEqual({ kind: 'missing' });
    expect(await findExecutable(join(first, 'folder'), { cwd: '/', path })).toEqual({ kind: 'missing' });
    expect(await findExecutable('tool', { cwd: '/', path: undefined })).toEqual({ kind: 'missing' });
    expect(await findExecutable('tool', { cwd: '/', path: `${delimiter}${join(dir, 'nope')}` })).toEqual({ kind: 'missing' });
  });
});
