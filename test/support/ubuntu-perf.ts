import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';

/**
 * Ubuntu's `perf` (linux-tools-common, /usr/bin/perf) laid out under `dir`: a bash script that execs
 * the perf of the running kernel, `…/usr/lib/linux-tools/$(uname -r)/perf`, here a symlink to this
 * machine's real perf, and otherwise prints the warning Ubuntu's prints and exits 2. Its first lines
 * are Ubuntu's, with the folder moved under `dir` (`installed: false` leaves the kernel's perf out,
 * as on a machine without linux-tools for the running kernel). Returns the script's path, for
 * PERFCELL_PERF or a perfPath option.
 */
export function ubuntuPerf(dir: string, installed = true): string {
  const tools = join(dir, 'usr', 'lib', 'linux-tools');
  if (installed) {
    const realPerf = execFileSync('sh', ['-c', 'command -v perf'], { encoding: 'utf8' }).trim();
    mkdirSync(join(tools, release()), { recursive: true });
    symlinkSync(realPerf, join(tools, release(), 'perf'));
  }
  const script = join(dir, 'usr', 'bin', 'perf');
  mkdirSync(join(dir, 'usr', 'bin'), { recursive: true });
  writeFileSync(script, [
    '#!/bin/bash',
    'full_version=`uname -r`',
    '',
    '# First check for a fully qualified version.',
    `this="${tools}/$full_version/\`basename $0\`"`,
    'if [ -f "$this" ]; then',
    '\texec "$this" "$@"',
    'fi',
    '',
    'echo "WARNING: `basename $0` not found for kernel $full_version" >&2',
    'echo >&2',
    'echo "  You may need to install the following packages for this specific kernel:" >&2',
    'echo "    linux-tools-$full_version" >&2',
    'exit 2',
    '',
  ].join('\n'));
  chmodSync(script, 0o755);
  return script;
}
