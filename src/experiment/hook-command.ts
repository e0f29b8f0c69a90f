import { spawn } from 'node:child_process';
import { AlternativeFailedError } from './alternatives.ts';

/** compare's hyperfine-style hooks: --setup (once before), --prepare (before each run), --cleanup (once after). */
export type HookKind = 'setup' | 'prepare' | 'cleanup';

const STDERR_TAIL_CHARS = 400;

/**
 * Runs a hook command with `sh -c` outside any measured window, its stdout discarded and its
 * stderr kept for the error, with PERFCELL_ALTERNATIVE naming the alternative it is for (so one
 * command can serve several). Resolves when it exits 0; a non-zero exit or a death is an
 * AlternativeFailedError naming the hook, the command and the end of its stderr.
 * @example await runHook('prepare', 'sync; echo 3 > /proc/sys/vm/drop_caches', 'row')
 */
export function runHook(kind: HookKind, command: string, alternative: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...env, PERFCELL_ALTERNATIVE: alternative } });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    child.on('error', (error) => reject(new AlternativeFailedError(`the --${kind} command could not start: ${error.message} (is sh on PATH?)`, { cause: error })));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code ?? '?'}`;
      const said = stderr.trim() === '' ? '' : `: ${stderr.trim().split('\n').slice(-3).join(' / ')}`;
      reject(new AlternativeFailedError(`the --${kind} command '${command}' for '${alternative}' ${how}${said} (fix it, or try it alone: sh -c '${command.replace(/'/g, "'\\''")}')`));
    });
  });
}
