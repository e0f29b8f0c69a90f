import { spawn } from 'node:child_process';
// fs.promises, not node:fs/promises: Node loads it at its first use, not at every command's start
import { promises as fsPromises } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lacksInterpreter, launchError } from '../session/exec-failure.ts';
import { isFolder } from '../make-folders.ts';
import { mergeCachegrindProfiles, parseCachegrind, type CachegrindProfile } from '../../parsers/cachegrind.ts';
import { parseLogCommand, parseUnhandledInstruction, type UnhandledInstruction } from '../../parsers/valgrind-log.ts';
import type { CountersReport } from '../session/report.ts';
import { CachegrindError } from './cachegrind-error.ts';
import { countersFromCachegrind } from './cachegrind-counters.ts';
import { findExecutable } from './find-executable.ts';
import { isPerfcellGone, readPidNamespace } from '../proc/gone-perfcell.ts';
import { keepingIgnoredOnExec } from '../session/ignored-signals.ts';
import { plainDyingWithPerfcell } from '../perf/die-with-perfcell.ts';
import { shellQuote } from '../render/shell-quote.ts';
import { noFolderCode, noRoomCode, noRoomFix, noRoomText, probeRoom } from '../temp-room.ts';

/** Where one of the program's standard streams goes: perfcell's own, nowhere, or an open fd. */
export type StdioTarget = 'inherit' | 'ignore' | number;

export interface CachegrindRunOptions {
  /** The program's working directory; default process.cwd(). */
  readonly cwd?: string;
  /** Variables merged over process.env for valgrind and the program. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Folder for the temporary output and log files (removed afterwards); default os.tmpdir(). */
  readonly outDir?: string;
  /** Default 'valgrind', looked up on PATH. */
  readonly valgrindPath?: string;
  /** More cachegrind options before `--`, e.g. ['--D1=32768,8,64'] for another cache geometry. */
  readonly valgrindArgs?: readonly string[];
  /** stdin, stdout, stderr of the program; default all 'inherit'. valgrind's own messages never go there. */
  readonly stdio?: readonly [StdioTarget, StdioTarget, StdioTarget];
  /** Aborting kills valgrind and its program (SIGTERM) and rejects with the AbortError. */
  readonly abortSignal?: AbortSignal;
  /** Called once valgrind has been spawned, with its pid (the caller may close descriptors it passed in `stdio`). */
  readonly onSpawn?: (pid: number | undefined) => void;
}

export interface CachegrindRun {
  /** The program's exit code; null when it died by a signal (valgrind re-raises it). */
  readonly exitCode: number | null;
  /** e.g. 'SIGSEGV'; null when the program exited. */
  readonly signal: string | null;
  /** Wall time of the whole valgrind run, seconds: valgrind slows a program 20–100×, so this is not its native time. */
  readonly durationS: number;
  /** backend 'cachegrind', simulated: true; see countersFromCachegrind for the events. */
  readonly counters: CountersReport;
  /**
   * The parsed output file: raw totals per cachegrind event and the simulated cache geometry; null
   * where valgrind, the program's process, was killed (SIGKILL) before it wrote any: `counters`
   * then holds no events, and `signal` says what killed it.
   */
  readonly profile: CachegrindProfile | null;
  /**
   * Processes that forked without exec: cachegrind starts such a child with a copy of its parent's
   * counts so far, so the summed counters hold those twice. 0 for a program that forks none (one
   * that forks and execs, as a shell does, starts each exec'd program's counts afresh).
   */
  readonly forkedProcesses: number;
  /**
   * The commands of the processes valgrind started that had written no counts when the program
   * ended (a log, no output file), as their logs name them: killed by SIGKILL, which gives valgrind
   * no time to write them, or left running; the totals leave them out. Empty where none.
   */
  readonly unfinishedCommands: readonly string[];
  /**
   * The first instruction valgrind could not decode, in any process it started: it raised SIGILL in
   * the program there, which a native run may not (valgrind lacks some instructions); null where none.
   */
  readonly unhandledInstruction: UnhandledInstruction | null;
}

interface ChildOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error: (Error & { code?: string }) | undefined;
}

/** The first error line of valgrind's log: the first process's (`mainPid`), else any log in `folder`. */
async function firstLogLine(folder: string, mainPid: number | undefined): Promise<string> {
  try {
    const logs = (await fsPromises.readdir(folder)).filter((name) => name.startsWith(LOG_PREFIX) && name.endsWith(LOG_SUFFIX)).sort();
    const main = logs.find((name) => name === `${LOG_PREFIX}${mainPid}${LOG_SUFFIX}`) ?? logs[0];
    if (main === undefined) return '';
    const log = await fsPromises.readFile(join(folder, main), 'utf8');
    // valgrind prefixes its lines with ==PID== or --PID--; its errors are the lines that are not its banner.
    const lines = log.split('\n').map((line) => line.replace(/^(==|--)\d+(==|--)\s?/, '').trim());
    return lines.find((line) => /error|fatal|cannot|can't|unknown|invalid|not /i.test(line)) ?? lines.filter(Boolean).at(-1) ?? '';
  } catch {
    return '';
  }
}

/**
 * valgrind missing is this machine's failure, not the command line's: a CachegrindError (perfcell
 * exits 1), asked first, so that a PATH without valgrind says so whatever the program.
 */
async function checkValgrind(valgrindPath: string, isGiven: boolean, cwd: string, path: string | undefined): Promise<void> {
  const lookup = await findExecutable(valgrindPath, { cwd, path });
  if (lookup.kind === 'found') return;
  const message = lookup.kind === 'not executable'
    ? `valgrind at ${lookup.path} is not executable (chmod +x ${lookup.path}, or install it: sudo apt-get install valgrind)`
    : isGiven
      ? `valgrind not found at ${valgrindPath} (check the path, or install it: sudo apt-get install valgrind)`
      : 'valgrind not found on PATH (install it: sudo apt-get install valgrind)';
  throw new CachegrindError('VALGRIND_NOT_FOUND', message);
}

/**
 * A program that cannot be started: a LaunchError in the words the exec gate's failure gets under
 * perf (exec-failure.ts), so `run` exits 127 or 126 and says the same as without cachegrind.
 */
async function checkProgram(file: string, cwd: string, path: string | undefined): Promise<void> {
  // valgrind reports a missing program on the program's stderr, mixed with its output; say it here instead.
  const lookup = await findExecutable(file, { cwd, path });
  // a folder is execvp's EACCES (`run -- /tmp`: 'it is a directory'), as it is under perf
  if (lookup.kind === 'not executable' || (lookup.kind === 'missing' && file.includes('/') && isFolder(resolve(cwd, file)))) throw launchError(file, constants.errno.EACCES, 'Permission denied');
  if (lookup.kind === 'missing') throw launchError(file, constants.errno.ENOENT, 'No such file or directory');
  // a #! interpreter (or ELF loader) not there is execve's ENOENT under perf, named as such
  if (lacksInterpreter(lookup.path, cwd)) throw launchError(file, constants.errno.ENOENT, 'No such file or directory');
}

/**
 * Runs `file args` under `valgrind --tool=cachegrind --cache-sim=yes --trace-children=yes` (no
 * shell) and reports the simulated cache counts of the program and its children, summed (a child
 * forked without exec began with a copy of its parent's counts: `forkedProcesses`). The program
 * keeps perfcell's stdin, stdout and stderr (or `stdio`); valgrind's own messages go to temporary
 * log files, read only to explain a failure.
 * Throws CachegrindError when valgrind is missing or writes no output, LaunchError (a UsageError;
 * `run` exits 127 or 126) when the program does not exist or cannot be run; the program's own
 * failure is its exitCode or signal.
 * @example const run = await runUnderCachegrind('./rowcol', ['col', '1024']);
 *   run.counters.events[0] // { event: 'D1 misses', total: 1181432, … }
 */
export async function runUnderCachegrind(
  file: string,
  args: readonly string[],
  options: CachegrindRunOptions = {},
): Promise<CachegrindRun> {
  const cwd = options.cwd ?? process.cwd();
  const env = { ...process.env, ...options.env };
  const valgrindPath = options.valgrindPath ?? 'valgrind';
  await checkValgrind(valgrindPath, options.valgrindPath !== undefined, cwd, env['PATH']);
  await checkProgram(file, cwd, env['PATH']);

  const tempDir = await makeOutDir(options.outDir ?? tmpdir());
  try {
    // What the program and its children cost, as run's perf counts it: each process under
    // cachegrind, a file each (%p, its pid), summed. Without it `run -- ./script.sh` counted the
    // shell alone (2,465 D1 misses for a script whose program had 296,692; a QA pass).
    // A log each too, but none for a child forked without exec (--child-silent-after-fork): an
    // out file without its log is such a child's, whose counts began as a copy of its parent's.
    // No gdbserver: each process made its pipes (vgdb-pipe-…-PID-…) in TMPDIR, and one killed by
    // SIGKILL left all three there for good.
    const valgrindArgs = [
      '--tool=cachegrind',
      '--cache-sim=yes',
      '--trace-children=yes',
      '--child-silent-after-fork=yes',
      '--vgdb=no',
      `--cachegrind-out-file=${join(tempDir, `${OUT_PREFIX}%p`)}`,
      `--log-file=${join(tempDir, `${LOG_PREFIX}%p${LOG_SUFFIX}`)}`,
      ...(options.valgrindArgs ?? []),
      '--',
      file,
      ...args,
    ];
    const startedAt = process.hrtime.bigint();
    let mainPid: number | undefined;
    const outcome = await new Promise<ChildOutcome>((resolve) => {
      let spawnError: ChildOutcome['error'];
      const ignoring = keepingIgnoredOnExec(valgrindPath, valgrindArgs, env);
      // valgrind is the program's process: it dies with perfcell, as run's gate ends its program
      const started = plainDyingWithPerfcell(ignoring.file, ignoring.args, env['PATH']);
      const child = spawn(started.file, started.args, {
        cwd,
        env,
        stdio: [...(options.stdio ?? ['inherit', 'inherit', 'inherit'])],
        ...(options.abortSignal === undefined ? {} : { signal: options.abortSignal }),
      });
      // valgrind's own pid: the gate, the shell of keepingIgnoredOnExec and Debian's valgrind script exec it
      mainPid = child.pid;
      options.onSpawn?.(child.pid);
      // Node emits 'error' (not found, aborted) and then 'close'; wait for 'close' so the child is gone.
      child.on('error', (error) => {
        spawnError ??= error;
      });
      child.on('close', (code, signal) => resolve({ code, signal, error: spawnError }));
    });
    const durationS = Number(process.hrtime.bigint() - startedAt) / 1e9;

    if (outcome.error !== undefined) {
      if (outcome.error.code === 'ENOENT') {
        throw new CachegrindError(
          'VALGRIND_NOT_FOUND',
          options.valgrindPath === undefined
            ? 'valgrind not found on PATH (install it: sudo apt-get install valgrind)'
            : `valgrind not found at ${valgrindPath} (check the path, or install it: sudo apt-get install valgrind)`,
          { cause: outcome.error },
        );
      }
      throw outcome.error;
    }

    let outFiles: OutFiles;
    try {
      outFiles = await readOutFiles(tempDir);
    } catch (error: unknown) {
      // a SIGKILL (kill -9, the OOM killer) ends valgrind, the program's process, before it can
      // write: the program was killed, as it is under perf, with no counts. Thrown, it was perfcell's
      // failure (exit 1, where run without cachegrind exits 137, as a shell does; a QA pass), and
      // the line read as the reason before that was the log's banner (`warning: L3 cache found, …`)
      if (outcome.signal !== null) {
        return {
          exitCode: null,
          signal: outcome.signal,
          durationS,
          counters: NO_COUNTERS,
          profile: null,
          forkedProcesses: 0,
          unfinishedCommands: [],
          unhandledInstruction: await findUnhandledInstruction(tempDir),
        };
      }
      const reason = await firstLogLine(tempDir, mainPid);
      const status = `exit ${outcome.code}`;
      throw new CachegrindError(
        'VALGRIND_FAILED',
        // the whole command, pasteable: without its arguments (`./rowcol` for `./rowcol col 1024`) it ran another program
        `valgrind wrote no cachegrind output (${status}${reason === '' ? '' : `: ${reason}`}); run ${shellQuote([valgrindPath, '--tool=cachegrind', ...(options.valgrindArgs ?? []), file, ...args])} to see why`,
        { cause: error },
      );
    }
    const profile = mergeCachegrindProfiles(outFiles.texts.map(parseCachegrind));
    return {
      exitCode: outcome.signal === null ? outcome.code : null,
      signal: outcome.signal,
      durationS,
      counters: countersFromCachegrind(profile),
      profile,
      forkedProcesses: outFiles.forkedProcesses,
      unfinishedCommands: outFiles.unfinishedCommands,
      unhandledInstruction: await findUnhandledInstruction(tempDir),
    };
  } finally {
    await fsPromises.rm(tempDir, { recursive: true, force: true });
  }
}

/** The counters of a run valgrind wrote none for: no events, no ratios. */
const NO_COUNTERS: CountersReport = {
  backend: 'cachegrind',
  simulated: true,
  intervalMs: null,
  events: [],
  unsupported: [],
  derived: { missRatio: null, ipc: null, missesPerKiloInstruction: null },
  pauseS: 0,
};

/** cachegrind's output files' names, before each process's pid. */
const OUT_PREFIX = 'cachegrind.out.';

/** The first instruction a process's log says valgrind could not decode, or null; the logs are read the first started (lowest pid) first. */
async function findUnhandledInstruction(folder: string): Promise<UnhandledInstruction | null> {
  const logs = (await fsPromises.readdir(folder))
    .map((name) => ({ name, pid: Number(name.slice(LOG_PREFIX.length, -LOG_SUFFIX.length)) }))
    .filter(({ name, pid }) => name.startsWith(LOG_PREFIX) && name.endsWith(LOG_SUFFIX) && Number.isInteger(pid))
    .sort((a, b) => a.pid - b.pid);
  for (const { name } of logs) {
    const found = parseUnhandledInstruction(await fsPromises.readFile(join(folder, name), 'utf8'));
    if (found !== undefined) return found;
  }
  return null;
}

/** valgrind's log of each process it started afresh: `valgrind.PID.log`. */
const LOG_PREFIX = 'valgrind.';
const LOG_SUFFIX = '.log';

interface OutFiles {
  /** Each process's output file, the first started (lowest pid) first. */
  readonly texts: string[];
  /** Output files without a log of their own: children forked without exec (--child-silent-after-fork). */
  readonly forkedProcesses: number;
  /** The commands of the processes with a log and no output file (unfinished), the first started first. */
  readonly unfinishedCommands: string[];
}

/** The processes' output files, and how many were forked without exec; throws (ENOENT) where there is none. */
async function readOutFiles(folder: string): Promise<OutFiles> {
  const names = await fsPromises.readdir(folder);
  const pids = names
    .filter((name) => name.startsWith(OUT_PREFIX))
    .map((name) => Number(name.slice(OUT_PREFIX.length)))
    .filter((pid) => Number.isInteger(pid))
    .sort((a, b) => a - b);
  if (pids.length === 0) throw Object.assign(new Error(`no ${OUT_PREFIX}PID file in ${folder}`), { code: 'ENOENT' });
  const texts = await Promise.all(pids.map((pid) => fsPromises.readFile(join(folder, `${OUT_PREFIX}${pid}`), 'utf8')));
  // valgrind writes a process's log as it starts and its output file as it ends: a log alone is a
  // process that never ended (a SIGKILL's) or had not yet, whose counts were lost without a word
  // (a QA pass: a shell whose sleep was killed with kill -9 read 649,312 D refs, 752,660 where the sleep ended)
  const unfinished = names
    .filter((name) => name.startsWith(LOG_PREFIX) && name.endsWith(LOG_SUFFIX))
    .map((name) => ({ name, pid: Number(name.slice(LOG_PREFIX.length, -LOG_SUFFIX.length)) }))
    .filter(({ name, pid }) => Number.isInteger(pid) && !names.includes(`${OUT_PREFIX}${pid}`) && name === `${LOG_PREFIX}${pid}${LOG_SUFFIX}`)
    .sort((a, b) => a.pid - b.pid);
  const unfinishedCommands = await Promise.all(
    unfinished.map(async ({ name, pid }) => parseLogCommand(await fsPromises.readFile(join(folder, name), 'utf8')) ?? `process ${pid}`),
  );
  return { texts, forkedProcesses: pids.filter((pid) => !names.includes(`${LOG_PREFIX}${pid}${LOG_SUFFIX}`)).length, unfinishedCommands };
}

/** The output folders' names, before the pid namespace and pid of the perfcell that made each: perfcell-cachegrind-NS-PID-XXXXXX. */
const OUT_DIR_PREFIX = 'perfcell-cachegrind-';
/** An output folder's name as makeOutDir gives it (mkdtemp's six letters or digits last), its pid namespace and pid caught. */
const STALE_OUT_DIR = /^perfcell-cachegrind-(\d+)-(\d+)-[A-Za-z0-9]{6}$/;

/**
 * Removes the output folders of perfcells that are gone (PID no longer running in this pid
 * namespace): a perfcell killed by SIGKILL has no time to remove its own, so each one left its
 * folder, valgrind's logs and any counts written in it, in TMPDIR for good (a QA pass). The next
 * cachegrind run clears them, as the next run clears a killed perfcell's cgroups (cgroup.ts); a
 * folder named without a pid is not perfcell's now and is left alone, and so is one of another
 * pid namespace, whose pid this one cannot see: a container's perfcell sharing the host's /tmp
 * removed a running host perfcell's folder, which then ended 'valgrind wrote no cachegrind
 * output', exit 1 (a review's note).
 */
async function removeStaleOutDirs(parent: string, namespace: string): Promise<void> {
  let names: string[];
  try {
    names = await fsPromises.readdir(parent);
  } catch {
    // a TMPDIR that is not there: makeOutDir says so
    return;
  }
  for (const name of names) {
    const match = STALE_OUT_DIR.exec(name);
    if (match === null || !isPerfcellGone({ namespace: match[1]!, pid: Number(match[2]) }, namespace)) continue;
    await fsPromises.rm(join(parent, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * valgrind's folder for its output and log, with room for them: in a full folder valgrind only
 * said it could not write them, which perfcell read as "valgrind wrote no cachegrind output".
 */
async function makeOutDir(parent: string): Promise<string> {
  const namespace = readPidNamespace();
  if (namespace !== null) await removeStaleOutDirs(parent, namespace);
  let folder: string | null = null;
  try {
    folder = await fsPromises.mkdtemp(join(parent, `${OUT_DIR_PREFIX}${namespace === null ? '' : `${namespace}-`}${process.pid}-`));
    await probeRoom(folder);
    return folder;
  } catch (error: unknown) {
    if (folder !== null) await fsPromises.rm(folder, { recursive: true, force: true });
    const code = noRoomCode(error);
    if (code !== null) throw new CachegrindError('VALGRIND_FAILED', `no room for cachegrind's output: ${noRoomText(parent, code)} (${noRoomFix(code)})`, { cause: error });
    // a TMPDIR that is not there, not a folder, or not this user's to write
    const missing = folder === null ? noFolderCode(error) : null;
    if (missing !== null) throw new CachegrindError('VALGRIND_FAILED', `no folder for cachegrind's output: ${noRoomText(parent, missing)} (${noRoomFix(missing)})`, { cause: error });
    throw error;
  }
}
