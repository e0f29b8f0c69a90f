/**
 * Reads what a valgrind log says of an instruction its decoder (VEX) could not translate. valgrind
 * then raises SIGILL in the program itself, so the program seems to crash where it may run natively
 * (an instruction valgrind lacks: 3.19 has no SHA-NI), or the bytes are no instruction at all (a
 * bad jump, UD0), and it crashes natively too: valgrind says either may be so, and only a native run tells.
 */

/** An instruction valgrind could not decode. */
export interface UnhandledInstruction {
  /** The bytes valgrind shows from the instruction on, as it prints them: `0xF 0x38 0xCB 0xD1 0x48 0x8D …`. */
  readonly bytes: string;
  /** Where it was, from valgrind's stack line: `0x10916B: main (in /tmp/be/sha)`; null where the log has none. */
  readonly location: string | null;
}

/**
 * The first instruction `log` (a valgrind --log-file) says its decoder could not handle, or
 * undefined where none: a program's own SIGILL (ud2, which valgrind decodes) or SIGSEGV is not one.
 * @example parseUnhandledInstruction('vex amd64->IR: unhandled instruction bytes: 0xF 0x38 0xCB 0xD1\n' +
 *   '==7== valgrind: Unrecognised instruction at address 0x10916b.\n==7==    at 0x10916B: main (in /tmp/sha)\n')
 *   // { bytes: '0xF 0x38 0xCB 0xD1', location: '0x10916B: main (in /tmp/sha)' }
 */
export function parseUnhandledInstruction(log: string): UnhandledInstruction | undefined {
  const lines = log.split('\n');
  // amd64's `vex amd64->IR: unhandled instruction bytes: 0xF …` (recorded); the words after it, on other architectures' lines too
  const index = lines.findIndex((line) => /unhandled instruction/.test(line));
  if (index === -1) return undefined;
  const bytes = /unhandled instruction(?: bytes)?:?\s*(.*)$/.exec(lines[index]!)?.[1]?.trim() ?? '';
  const message = lines.findIndex((line, at) => at > index && /Unrecognised instruction at address/.test(line));
  const where = message === -1 ? undefined : /^(?:==\d+==)?\s+at (.+)$/.exec(lines[message + 1] ?? '')?.[1];
  return { bytes, location: where?.trim() ?? null };
}

/**
 * The command a valgrind log says it ran (its `Command:` line), as valgrind writes it: spaces and
 * backslashes within an argument escaped with a backslash, so arguments stay apart; undefined
 * where the log has none (cut before it).
 * @example parseLogCommand('==7== Command: /usr/bin/sh -c /bin/kill\\ -9\\ $$\n') // '/usr/bin/sh -c /bin/kill\\ -9\\ $$'
 */
export function parseLogCommand(log: string): string | undefined {
  return /^==\d+== Command: (.*)$/m.exec(log)?.[1]?.trim();
}
