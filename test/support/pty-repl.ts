import { expect, type ExpectStatic, type TestContext } from 'vitest';
import pty, { type IPty } from 'node-pty';
import { cliPath } from './fixtures.ts';
import { perfsCounting } from './perf.ts';
import { isRunning } from '../../src/proc/child-processes.ts';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const PROMPT = /(?:^|\n)(?:In \[(\d+)\]: |\.\.\. )$/;

/** A REPL driven through a pseudo-terminal, as a person would: type a line, read until the next prompt. */
export interface PtyRepl {
  readonly pid: number;
  /** Everything printed so far, ANSI escapes removed, CR LF as LF. */
  text(): string;
  /** Everything printed so far, as the terminal got it. */
  raw(): string;
  /** Types `line` and Enter; resolves with what was printed until the next prompt. */
  send(line: string, timeoutMs?: number): Promise<string>;
  /** Writes raw keys (e.g. '\x03' for Ctrl-C) without waiting. */
  write(data: string): void;
  /** Resolves with the text printed since `from` once it matches. */
  waitFor(pattern: RegExp, from: number, timeoutMs?: number): Promise<string>;
  /** perf processes this REPL started that are still running. */
  perfChildren(): number[];
  /** Waits until `count` perf children run (the REPL starts the next command's perf after its prompt). */
  waitForPerfChildren(count: number, timeoutMs?: number): Promise<number[]>;
  readonly exited: Promise<{ exitCode: number; signal?: number }>;
  kill(signal?: string): void;
}

/** Starts `node dist/app/cli.cjs ARGS` (the built bin) in a pty and waits for its first prompt. */
export async function startPtyRepl(args: readonly string[] = ['repl'], env: Record<string, string> = {}): Promise<PtyRepl> {
  const child: IPty = pty.spawn(process.execPath, [cliPath, ...args], {
    cols: 250,
    rows: 50,
    cwd: process.cwd(),
    env: { ...process.env, NO_COLOR: '1', PERFCELL_REPL_HISTORY: '', ...env } as Record<string, string>,
  });
  let raw = '';
  const waiters = new Set<() => void>();
  child.onData((data) => {
    raw += data;
    for (const waiter of waiters) waiter();
  });
  const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) => child.onExit(resolve));
  const text = (): string => raw.replace(ANSI, '').replace(/\r\n?/g, '\n');

  const waitFor = (pattern: RegExp, from: number, timeoutMs = 15_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const since = text().slice(from);
        if (!pattern.test(since)) return;
        cleanup();
        resolve(since);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${pattern} within ${timeoutMs} ms; printed: ${JSON.stringify(text().slice(from))}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  const repl: PtyRepl = {
    pid: child.pid,
    text,
    raw: () => raw,
    async send(line, timeoutMs) {
      const from = text().length;
      child.write(`${line}\r`);
      // The echo of the line itself ends with no prompt; wait for a prompt after it.
      const printed = await waitFor(new RegExp(`${escapeRegExp(line.slice(-20))}[\\s\\S]*${PROMPT.source}`), from, timeoutMs);
      return printed.slice(printed.indexOf(line.slice(-20)) + Math.min(20, line.length));
    },
    write: (data) => child.write(data),
    waitFor,
    perfChildren: () => perfChildrenOf(child.pid),
    async waitForPerfChildren(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const pids = perfChildrenOf(child.pid);
        if (pids.length === count) return pids;
        if (Date.now() > deadline) throw new Error(`expected ${count} perf children of the REPL, found ${pids.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    exited,
    kill: (signal = 'SIGKILL') => {
      try {
        process.kill(child.pid, signal);
      } catch {
        // already gone
      }
    },
  };
  await waitFor(PROMPT, 0, 20_000);
  return repl;
}

/** The perf processes counting `pid` (perfcell's own perfs run under their launcher, not as its children). */
export function perfChildrenOf(pid: number): number[] {
  return perfsCounting(new Set([pid]));
}

/** Whether a process exists and is not a zombie: perfcell's own check, for the tests that import it from here. */
export { isRunning };

/** Resolves true once none of `pids` runs, false after `timeoutMs`. */
export async function allGone(pids: readonly number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isRunning)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Ends a test's REPL (SIGKILL) and checks that none of its perf processes outlives it: every REPL
 * test's afterEach. `check`: the expect to check with (a concurrent test's own).
 */
export async function endRepl(repl: PtyRepl | null, check: ExpectStatic = expect): Promise<void> {
  if (repl === null) return;
  const perf = repl.perfChildren();
  repl.kill('SIGKILL');
  await repl.exited;
  check(await allGone(perf, 3000), `perf processes ${perf.join(', ')} outlived the REPL`).toBe(true);
}

/**
 * A REPL for one test, which may run beside others: ended by endRepl, with that test's own expect,
 * when the test finishes (not by a file's shared afterEach).
 */
export async function startTestPtyRepl(test: Pick<TestContext, 'expect' | 'onTestFinished'>, args: readonly string[], env: Record<string, string> = {}): Promise<PtyRepl> {
  const repl = await startPtyRepl(args, env);
  test.onTestFinished(() => endRepl(repl, test.expect));
  return repl;
}
