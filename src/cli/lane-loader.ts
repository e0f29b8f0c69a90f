import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { cacheDir } from '../cache-dir.ts';
import { wasFullRun } from './full-run.ts';
import { makeFolders } from '../make-folders.ts';

type CommonJsBody = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;

/**
 * Runs a command's lane (dist/app/lane-NAME.cjs, one CommonJS file: see scripts/build.mjs) with a
 * V8 code cache: on this VM compiling the lane's code was most of what `perfcell run` costs over
 * `node -e 0` (Node 20 has no module compile cache of its own). The cache is V8's, made at a run's
 * exit, so it holds the functions that run compiled; kept under the cache folder and named for the
 * lane file's size and mtime, Node's version and the architecture; V8 rejects one that does not fit
 * its own build, and a new one is made. A run that stopped at its options (`run --help`, a usage
 * error) compiled little of the lane, and one with --no-perf none of perf's code: its cache is kept
 * as partial (`….partial.v8`), used until the first run through the command's whole code
 * (full-run.ts) writes the whole one. A cache made by `run --help` had been kept for good: every
 * later `run` compiled the measurement's code itself, 6-10 ms of `run -- true`'s 135-152, some 4 ms
 * of them between the program's end and its report (BENCHMARKS.md, Pace notes, 2026-12-05 19:40).
 * Set PERFCELL_NO_CODE_CACHE=1 to compile without it.
 */
export function runLane(name: string, from: string): void {
  const file = join(dirname(fileURLToPath(from)), `lane-${name}.cjs`);
  // ASCII (scripts/build.mjs checks it), so latin1: decoded as one-byte text, 1.2 ms against
  // 2.3-3.5 ms as UTF-8 for compare's 414 KB lane on this VM
  const source = readFileSync(file, 'latin1');
  const useCache = process.env['PERFCELL_NO_CODE_CACHE'] !== '1';
  const cacheFile = useCache ? codeCachePath(file, name) : null;
  const partialFile = cacheFile?.replace(/\.v8$/, '.partial.v8') ?? null;
  let cachedData: Buffer | undefined;
  let isPartial = false;
  for (const path of [cacheFile, partialFile]) {
    if (path === null || cachedData !== undefined) continue;
    try {
      cachedData = readFileSync(path);
      isPartial = path === partialFile;
    } catch {
      // none yet: made at exit
    }
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, ...(cachedData === undefined ? {} : { cachedData }) });
  if (cacheFile !== null && partialFile !== null && (cachedData === undefined || isPartial || script.cachedDataRejected === true)) {
    process.once('exit', () => {
      const full = wasFullRun();
      // a partial cache that V8 took stays until a full run
      if (cachedData !== undefined && isPartial && script.cachedDataRejected !== true && !full) return;
      writeCodeCache(full ? cacheFile : partialFile, script);
    });
  }
  const body = script.runInThisContext() as CommonJsBody;
  const module = { exports: {} };
  body.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
}

function codeCachePath(file: string, name: string): string | null {
  try {
    const { size, mtimeMs } = statSync(file);
    return join(cacheDir(), 'code-cache', `lane-${name}-${process.version}-${process.arch}-${size}-${Math.round(mtimeMs)}.v8`);
  } catch {
    return null;
  }
}

/** Writes the cache (atomically) and removes the lane's other caches: earlier builds', and a partial one. */
function writeCodeCache(cacheFile: string, script: vm.Script): void {
  try {
    const folder = dirname(cacheFile);
    if (!makeFolders(folder)) return;
    const prefix = basename(cacheFile).replace(/-v\d.*$/, '-');
    for (const old of readdirSync(folder)) if (old.startsWith(prefix) && old !== basename(cacheFile)) rmSync(join(folder, old), { force: true });
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, cacheFile);
  } catch {
    // a read-only or full cache folder: the next run compiles again
  }
}
