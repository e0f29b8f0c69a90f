import { statSync } from 'node:fs';

const ENOENT = 2;
const EACCES = 13;
const ENOEXEC = 8;

/**
 * Why the gate's execvp() of `file` failed, as one line that names the fix. EACCES covers a
 * directory too (`perfcell run -- /tmp`), which is told apart here.
 * @example describeExecFailure('/tmp', 13, 'Permission denied') // 'cannot run /tmp: it is a directory (give a program, e.g. perfcell run -- ls /tmp)'
 */
export function describeExecFailure(file: string, errno: number, message: string, isDirectory = isDirectoryPath): string {
  if (errno === EACCES && file.includes('/') && isDirectory(file)) {
    return `cannot run ${file}: it is a directory (give a program, e.g. perfcell run -- ls ${file})`;
  }
  if (errno === ENOENT) return `cannot run ${file}: no such file or directory (check the name, PATH and permissions)`;
  if (errno === EACCES) return `cannot run ${file}: permission denied (make it executable: chmod +x ${file})`;
  if (errno === ENOEXEC) return `cannot run ${file}: not a program this machine can run (run a script through its interpreter, e.g. sh ${file})`;
  return `cannot run ${file}: ${message.toLowerCase()} (check the name, PATH and permissions)`;
}

function isDirectoryPath(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
