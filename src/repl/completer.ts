import type { REPLServer } from 'node:repl';
import { completeUnicodePath } from './complete-unicode.ts';

type Completion = readonly [readonly string[], string];
type AsyncCompleter = (line: string, callback: (error: Error | null, result?: Completion) => void) => void;

/**
 * Tab in the REPL: name paths holding a non-ASCII character (`é.a`: node:repl's completer reads
 * names as ASCII and offered the globals that start with `a`, as the kernel's complete_request
 * had) before node:repl's own completer.
 */
export function installCompleter(server: REPLServer): void {
  const nodeCompleter = server.completer as unknown as AsyncCompleter;
  const complete: AsyncCompleter = (line, callback) => {
    const ours = completeUnicodePath(line);
    if (ours === null) nodeCompleter.call(server, line, callback);
    else callback(null, ours);
  };
  (server as unknown as { completer: AsyncCompleter }).completer = complete;
}
