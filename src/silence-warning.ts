/** The process warnings left unsaid (silenceWarning). */
const silenced: RegExp[] = [];

/** Leaves node's process warnings whose message matches `pattern` unsaid from now on (node warns on the first dynamic import of a cell). */
export function silenceWarning(pattern: RegExp): void {
  if (silenced.some((known) => known.source === pattern.source)) return;
  if (silenced.length === 0) {
    const original = process.emitWarning;
    process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
      const message = typeof warning === 'string' ? warning : warning.message;
      if (silenced.some((known) => known.test(message))) return;
      (original as (...args: unknown[]) => void).call(process, warning, ...rest);
    }) as typeof process.emitWarning;
  }
  silenced.push(pattern);
}
