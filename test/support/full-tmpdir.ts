import { spawnSync } from 'node:child_process';
import { execa } from 'execa';
import { runsWith } from './tools.ts';

/*
 * A TMPDIR with no room: a 64 KiB tmpfs, filled, mounted in a mount namespace of the command's own
 * (unshare -m), so the mounts end with the command and no test leaves one behind, even when killed.
 * `shmFull` mounts a full one over /dev/shm too, which only that namespace sees.
 */

const FILL = 'mount -t tmpfs -o size=64k tmpfs "$1" && dd if=/dev/zero of="$1/fill" bs=4k count=100 2>/dev/null; [ "$(df --output=avail "$1" | tail -1)" -eq 0 ]';

/** Why a full tmpfs cannot be mounted here (not root, no unshare, no tmpfs), or null where it can. */
export const mountProblem: string | null = (() => {
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', `fill() { ${FILL}; }; fill /mnt`], { encoding: 'utf8' });
  if (probe.error !== undefined) return `unshare cannot run (${probe.error.message})`;
  return probe.status === 0 ? null : `unshare -m and mount -t tmpfs failed (${probe.stderr.trim() || `exit ${probe.status}`}): run the tests as root`;
})();

/**
 * Whether the full-TMPDIR tests should run: where no tmpfs can be mounted they fail, saying why
 * (mountProblem), unless PERFCELL_TEST_ALLOW_MISSING=tmpfs waives it, which skips them and says so.
 */
export function runsWithFullTmpdir(what: string): boolean {
  if (mountProblem !== null) console.warn(`${what}: ${mountProblem}`);
  return runsWith('tmpfs', mountProblem === null, what);
}

/** Runs `argv` with TMPDIR at `folder` (an empty folder), which is mounted full for it alone; /dev/shm too with `shmFull`. */
export function runWithFullTmpdir(folder: string, argv: readonly string[], { shmFull = false, cwd }: { shmFull?: boolean; cwd?: string } = {}) {
  if (mountProblem !== null) throw new Error(mountProblem);
  const script = `fill() { ${FILL}; }; fill "$0" || exit 99; ${shmFull ? 'fill /dev/shm || exit 98; ' : ''}exec "$@"`;
  return execa('unshare', ['-m', 'sh', '-c', script, folder, ...argv], {
    reject: false,
    timeout: 60_000,
    ...(cwd === undefined ? {} : { cwd }),
    env: { NO_COLOR: '1', TMPDIR: folder },
  });
}
