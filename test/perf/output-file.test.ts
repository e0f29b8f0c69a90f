import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readdirSync, readlinkSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createPerfOutputFile, openNameless } from '../../src/perf/output-file.ts';

const builtModule = join(import.meta.dirname, '..', '..', 'dist', 'src', 'perf', 'output-file.js');

const leftovers = (): string[] => readdirSync('/dev/shm').filter((name) => name.startsWith(`perfcell-${process.pid}-`));

describe("perf's output file (what perf writes, read back as it grows)", () => {
  it('streams what is written through its descriptor as inotify reports it, and ends when told', async () => {
    const file = createPerfOutputFile();
    expect(leftovers()).toEqual([]); // unlinked at once: nothing is left behind, even by a killed perfcell
    const chunks: string[] = [];
    file.stream.on('data', (chunk: string) => chunks.push(chunk));
    const ended = new Promise((resolve) => file.stream.on('end', resolve));
    writeSync(file.fd, '     0.100,5,,page-faults,100,100.00,,\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(chunks.join('')).toBe('     0.100,5,,page-faults,100,100.00,,\n');
    writeSync(file.fd, 'Events disabled\n');
    file.finish(); // what came after the last inotify event is read too
    await ended;
    expect(chunks.join('')).toBe('     0.100,5,,page-faults,100,100.00,,\nEvents disabled\n');
  });

  it('on demand: reads only what is new, and starts again when emptied while the writer goes on', () => {
    const file = createPerfOutputFile({ watch: false });
    writeSync(file.fd, 'a\nb\n');
    expect(file.readText()).toBe('a\nb\n');
    expect(file.readText()).toBe('');
    // what was read so far, which a shared perf empties the file by (ticking-perf.ts, dropIdle)
    expect(file.readBytes).toBe(4);
    file.truncate();
    expect(file.readBytes).toBe(0);
    // opened for appending: the writer's next line lands at the new start, not at its old offset
    writeSync(file.fd, 'c\n');
    expect(file.readText()).toBe('c\n');
    expect(file.readBytes).toBe(2);
    file.finish();
  });

  // A perfcell killed while it made the file (SIGKILL, or a Ctrl-C before its handlers are in
  // place, as in cells' first 0.1 s) left perfcell-PID-….perf in TMPDIR: the name stayed while a
  // page was written to the disk to check its room, until the unlink after it.
  it('leaves no file behind in a process killed while it makes one', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'perfcell-output-killed-'));
    try {
      const loop = `import { createPerfOutputFile } from ${JSON.stringify(pathToFileURL(builtModule).href)};\n`
        + `process.stdout.write('making\\n');\nfor (;;) createPerfOutputFile({ watch: false, onDisk: true }).finish();\n`;
      for (let kill = 0; kill < 10; kill++) {
        const child = spawn(process.execPath, ['--input-type=module', '-e', loop], { env: { ...process.env, TMPDIR: folder }, stdio: ['ignore', 'pipe', 'inherit'] });
        await once(child.stdout, 'data');
        await new Promise((resolve) => setTimeout(resolve, 5 + 3 * kill));
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
      expect(readdirSync(folder)).toEqual([]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 30_000);
});

// A TMPDIR on a file system that takes no O_TMPFILE (NFS, 9p, FUSE without it) refuses it with
// EOPNOTSUPP, which Node names ENOTSUP: only 'EOPNOTSUPP' had been looked for, so the named file
// was never made there (a shared perf's file went to /dev/shm, and without one cells failed with
// 'error: EROFS: read-only file system, open '/dev/shm'').
describe("perf's output file where O_TMPFILE is refused", () => {
  it('is a named file in that folder, unlinked at once', () => {
    const folder = mkdtempSync(join(tmpdir(), 'perfcell-no-tmpfile-'));
    try {
      // /proc takes no O_TMPFILE: the kernel's own refusal, for the flags the code asks with
      const fd = openNameless(folder, (_folder, flags) => openSync('/proc', flags, 0o600));
      try {
        expect(readlinkSync(`/proc/self/fd/${fd}`)).toMatch(new RegExp(`^${folder}/perfcell-${process.pid}-.*\\.perf \\(deleted\\)$`));
        expect(readdirSync(folder)).toEqual([]);
      } finally {
        closeSync(fd);
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
