type Write = typeof process.stdout.write;

/** Where captured text goes: `stdout` or `stderr`, as Jupyter's stream names. */
export type StreamName = 'stdout' | 'stderr';

export interface OutputCapture {
  /** Writes to the real stderr (the kernel's own log, which Jupyter keeps in its log). */
  readonly log: (text: string) => void;
  /** Sends what was written so far now (before a result, a report or a reply). */
  flush(): void;
  restore(): void;
}

/**
 * Takes over process.stdout and process.stderr writes (console.log and friends of the cells) and
 * hands the text to `onText`, coalesced per turn of the event loop so that a loop of many
 * console.log calls is a few messages, not thousands. Only a run of writes to one stream is
 * gathered: a write to the other sends what came before it, so the notebook shows them in the
 * order the cell wrote them (gathered apart, stdout's whole turn had come before stderr's).
 */
export function captureOutput(onText: (name: StreamName, text: string) => void): OutputCapture {
  const originals: Record<StreamName, Write> = { stdout: process.stdout.write, stderr: process.stderr.write };
  const pending: Record<StreamName, string> = { stdout: '', stderr: '' };
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    for (const name of ['stdout', 'stderr'] as const) {
      const text = pending[name];
      if (text === '') continue;
      pending[name] = '';
      onText(name, text);
    }
  };
  const hook = (name: StreamName): Write =>
    function (chunk: unknown, encodingOrDone?: unknown, done?: unknown): boolean {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encodingOrDone === 'string' ? (encodingOrDone as BufferEncoding) : 'utf8');
      const other = name === 'stdout' ? 'stderr' : 'stdout';
      if (pending[other] !== '') {
        const before = pending[other];
        pending[other] = '';
        onText(other, before);
      }
      pending[name] += text;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
      const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done;
      if (typeof callback === 'function') process.nextTick(callback as () => void);
      return true;
    } as Write;
  process.stdout.write = hook('stdout');
  process.stderr.write = hook('stderr');
  return {
    log: (text) => void originals.stderr.call(process.stderr, text),
    flush,
    restore() {
      flush();
      process.stdout.write = originals.stdout;
      process.stderr.write = originals.stderr;
    },
  };
}
