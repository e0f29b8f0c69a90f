import type { REPLServer } from 'node:repl';

/** A Ctrl-C held back from node:repl (see holdCtrlC). */
export interface HeldCtrlC {
  /** Whether a Ctrl-C was held since the last take; forgets it. */
  take(): boolean;
}

/** What a command's report says of a Ctrl-C that came while none of its code could be interrupted. */
export const HELD_CTRL_C_NOTE = 'a Ctrl-C came while the line was prepared, compiled or reported, not while its code ran: nothing was interrupted';

/**
 * Holds the REPL's 'SIGINT' (a terminal's Ctrl-C key, or a piped input's SIGINT passed on by
 * await-sigint.ts) while `isHeld` says a line is in hand but none of its code runs to be
 * interrupted: perfcell prepares it (marks, perf's window) or its report, or node:repl parses and
 * compiles it before its watchdog starts. node:repl took such a Ctrl-C as one at an empty prompt: the
 * line ran on to its end (a 2 s await, 10 ms after Enter, its whole 2 s), then '(To exit, press
 * Ctrl+C again or Ctrl+D or type .exit)' was printed, and the next Ctrl-C at the prompt ended the
 * session. The measured eval takes it back as the line's code returns (an await then waiting is
 * ended, as a Ctrl-C a moment later would end it) or into the report's notes.
 */
export function holdCtrlC(server: REPLServer, isHeld: () => boolean): HeldCtrlC {
  let held = false;
  const emit = server.emit as (this: REPLServer, event: string | symbol, ...args: unknown[]) => boolean;
  Object.assign(server, {
    emit(this: REPLServer, event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'SIGINT' && isHeld()) {
        held = true;
        return true;
      }
      return emit.call(this, event, ...args);
    },
  });
  return {
    take() {
      const was = held;
      held = false;
      return was;
    },
  };
}
