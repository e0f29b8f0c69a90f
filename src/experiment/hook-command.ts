import { spawn } from 'node:child_process';
import { readChildPids } from '../proc/child-processes.ts';
import { InterruptedError, onInterruption, settleInterruption, type Interruption } from '../session/interruption.ts';
import { AlternativeFailedError } from './alternatives.ts';
import { ignoringTrap } from '../session/ignored-signals.ts';

/** compare's hyperfine-style hooks: --setup (once before), --prepare (before each run), --conclude (after each run), --cleanup (once after). */
export type HookKind = 'setup' | 'prepare' | 'conclude' | 'cleanup';

const STDERR_TAIL_CHARS = 400;

/** A hook command failed (exit code, death or no shell); `hook` and `alternative` say which. */
export class HookFailedError extends AlternativeFailedError {
  constructor(message: string, readonly hook: HookKind, readonly alternative: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** perfcell was asked to stop (Ctrl-C, SIGTERM, SIGHUP) while a hook command ran; that hook did not finish. */
export class HookInterruptedError extends InterruptedError {
  constructor(interruption: Interruption, readonly hook: HookKind, readonly alternative: string) {
    super(interruption);
  }
}

/**
 * The hook's shell line, with the signals perfcell was started with ignored (`nohup`) ignored again
 * first: Node starts its children with every signal at its default, and the hook would have
 * inherited them ignored without perfcell (session/ignored-signals.ts).
 * @example keepingIgnored('make', { PERFCELL_SIGIGN: '0000000000000001' }) // "trap '' HUP; make"
 */
export function keepingIgnored(command: string, env: NodeJS.ProcessEnv): string {
  const trap = ignoringTrap(env);
  return trap === null ? command : `${trap}; ${command}`;
}

/**
 * Runs a hook command with `sh -c` outside any measured window, its stdout discarded and its
 * stderr kept for the error, with PERFCELL_ALTERNATIVE naming the alternative it is for (so one
 * command can serve several). Resolves when it exits 0; a non-zero exit or a death is a
 * HookFailedError naming the hook, the command and the end of its stderr. An interruption
 * received while it runs is passed on to the shell and its descendants (a terminal's Ctrl-C
 * reaches them anyway, a `kill` of perfcell alone would not) and makes it a HookInterruptedError
 * however the hook then ends: the user's stop, not the hook's failure.
 * @example await runHook('prepare', 'sync; echo 3 > /proc/sys/vm/drop_caches', 'row')
 */
export function runHook(kind: HookKind, command: string, alternative: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const { PERFCELL_SIGIGN: _launcherCopy, ...userEnv } = env;
    const child = spawn('sh', ['-c', keepingIgnored(command, env)], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...userEnv, PERFCELL_ALTERNATIVE: alternative } });
    let stderr = '';
    let stopped: Interruption | null = null;
    const stopForwarding = onInterruption((interruption) => {
      stopped ??= interruption;
      if (child.pid !== undefined) signalTree(child.pid, interruption.signal);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    child.on('error', (error) => {
      stopForwarding();
      reject(new HookFailedError(`the --${kind} command could not start: ${error.message} (is sh on PATH?)`, kind, alternative, { cause: error }));
    });
    let isEnded = false;
    const onEnded = async (code: number | null, signal: NodeJS.Signals | null): Promise<void> => {
      if (isEnded) return;
      isEnded = true;
      // A terminal's Ctrl-C kills the hook at the moment perfcell's own SIGINT arrives, whose
      // handler runs a few turns later: wait for it before blaming the hook. A hook that takes it
      // and exits by it (`trap 'exit 3' INT`) too: it had been 'exited with code 3', compare's exit
      // 1, the Ctrl-C lost. Up to 100 ms, not settleAfterExit's two turns: the thread that took
      // the signal may not have run its handler yet (4 of 7 runs with perfcell held back read the
      // hook's end first, and two turns missed it in 2 of 4); only a failure, which ends compare, waits.
      if (stopped === null && (code !== 0 || signal !== null)) await settleInterruption();
      stopForwarding();
      if (stopped !== null) {
        // a process the hook started and that ignored the signal may hold its stderr open: not waited for
        child.stderr.destroy();
        return reject(new HookInterruptedError(stopped, kind, alternative));
      }
      if (code === 0) return resolve();
      const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code ?? '?'}`;
      const said = stderr.trim() === '' ? '' : `: ${stderr.trim().split('\n').slice(-3).join(' / ')}`;
      reject(new HookFailedError(`the --${kind} command '${command}' for '${alternative}' ${how}${said} (fix it, or try it alone: sh -c '${command.replace(/'/g, "'\\''")}')`, kind, alternative));
    };
    // 'exit' ends an interrupted hook at once; otherwise 'close', once all of its stderr is read
    child.on('exit', (code, signal) => {
      if (stopped !== null) void onEnded(code, signal);
    });
    child.on('close', (code, signal) => void onEnded(code, signal));
  });
}

/** Sends `signal` to `pid` and its descendants, as a terminal's Ctrl-C reaches a whole foreground group. */
function signalTree(pid: number, signal: NodeJS.Signals): void {
  for (const child of readChildPids(pid)) signalTree(child, signal);
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
