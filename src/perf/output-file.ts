import { closeSync, existsSync, openSync, readSync, unlinkSync, watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

/**
 * A file perf writes its interval lines to, read back as a stream as it grows.
 *
 * perf's stderr as a pipe (a socket pair, as Node makes them) holds a few dozen of perf's writes:
 * while a synchronous command blocks this process's event loop, nobody reads it, perf blocks in
 * its write after a few intervals, and every later interval comes out as one late sample (a 3 s
 * cell showed 20 samples of 100 ms and one of 1 s). A file never blocks perf; inotify tells us it
 * grew, as readable data on a pipe would, and what piled up is read once the loop is free.
 *
 * The file is unlinked as soon as it is open (perf gets the descriptor), so nothing is left
 * behind, even by a perfcell that is killed.
 */
export interface PerfOutputFile {
  /** The descriptor to give perf as its stderr. */
  readonly fd: number;
  /** What perf has written, in order, as text. */
  readonly stream: Readable;
  /** Reads what is there now into the stream (done on each inotify event; callers may read sooner). */
  readNow(): void;
  /** perf has exited: reads the rest and ends the stream. */
  finish(): void;
}

const CHUNK_BYTES = 64 * 1024;

/** tmpfs where there is one: the file never touches a disk. */
function outputDirectory(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

let sequence = 0;

export function createPerfOutputFile(): PerfOutputFile {
  const path = join(outputDirectory(), `perfcell-${process.pid}-${Date.now()}-${sequence++}.perf`);
  const fd = openSync(path, 'w+', 0o600);
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(path, { persistent: false }, () => readNow());
    watcher.on('error', () => undefined);
  } finally {
    unlinkSync(path);
  }
  let offset = 0;
  let ended = false;
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const stream = new Readable({ read() {} });
  stream.setEncoding('utf8');

  function readNow(): void {
    if (ended) return;
    for (;;) {
      const bytes = readSync(fd, buffer, 0, CHUNK_BYTES, offset);
      if (bytes <= 0) return;
      offset += bytes;
      stream.push(Buffer.from(buffer.subarray(0, bytes)));
    }
  }

  return {
    fd,
    stream,
    readNow,
    finish() {
      if (ended) return;
      readNow();
      ended = true;
      watcher?.close();
      closeSync(fd);
      stream.push(null);
    },
  };
}
