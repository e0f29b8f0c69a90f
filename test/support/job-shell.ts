import pty from 'node-pty';
import { readChildPids } from '../../src/proc/child-processes.ts';

/**
 * A command started by an interactive bash in a pseudo-terminal: job control, as a person has it.
 * Ctrl-Z stops the command's process group and `fg` continues it. A pty's first process cannot be
 * stopped so (its process group is orphaned, and the kernel drops SIGTSTP for those), hence the shell.
 */
export interface JobShell {
  /** The command's pid (the shell's child), once it has started. */
  readonly commandPid: number;
  /** Keys to the terminal, e.g. '\x1a' for Ctrl-Z, 'fg\r'. */
  write(data: string): void;
  /** Everything printed so far, ANSI escapes removed, CR LF as LF. */
  text(): string;
  /** Resolves once what was printed matches `pattern`; rejects after `timeoutMs`, with the output. */
  until(pattern: RegExp, what: string, timeoutMs?: number): Promise<void>;
  /** Ends the command and the shell (SIGKILL). */
  kill(): void;
}

/**
 * JavaScript that spins `seconds` of CPU (user and system), for a command stopped by Ctrl-Z: a stop
 * does not use it up, so the command runs on after `fg`, however late the stop came.
 */
export const cpuSpinSource = (seconds: number): string =>
  `const cpu = () => { const used = process.cpuUsage(); return used.user + used.system; }; const end = cpu() + ${seconds * 1e6}; while (cpu() < end);`;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `commandLine` (shell words, quoted by the caller) in bash and resolves once it runs. */
export async function startInShell(commandLine: string, env: Record<string, string> = {}): Promise<JobShell> {
  const shell = pty.spawn('bash', ['--norc', '--noprofile', '-i'], {
    cols: 250,
    rows: 50,
    cwd: process.cwd(),
    env: { ...process.env, PS1: 'shell$ ', NO_COLOR: '1', ...env } as Record<string, string>,
  });
  let raw = '';
  shell.onData((data) => {
    raw += data;
  });
  // eslint-disable-next-line no-control-regex
  const text = (): string => raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r\n?/g, '\n');
  const until = async (pattern: RegExp, what: string, timeoutMs = 15_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(text())) {
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; printed: ${JSON.stringify(text().slice(-600))}`);
      await sleep(20);
    }
  };
  let commandPid = 0;
  const kill = (): void => {
    for (const pid of [commandPid, shell.pid]) {
      try {
        if (pid > 0) process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  };
  try {
    await until(/shell\$ $/, 'shell prompt');
    shell.write(`${commandLine}\r`);
    const deadline = Date.now() + 15_000;
    while ((commandPid = readChildPids(shell.pid)[0] ?? 0) === 0) {
      if (Date.now() > deadline) throw new Error(`the shell started no command; printed: ${JSON.stringify(text())}`);
      await sleep(10);
    }
  } catch (error: unknown) {
    kill();
    throw error;
  }
  return {
    get commandPid() {
      return commandPid;
    },
    write: (data) => shell.write(data),
    text,
    until,
    kill,
  };
}
