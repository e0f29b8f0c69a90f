import { statfsSync } from 'node:fs';

/**
 * File systems whose entries the kernel makes (linux/magic.h): access() lets root "write" there,
 * and a comparison measured for minutes was then lost to an export that could not be created in
 * /proc; an existing entry is a kernel switch (/proc/sys/vm/drop_caches), not a results file.
 * Not devpts: /dev/stdout on a terminal is a file there, and a fine place for an export.
 */
const KERNEL_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0xde5e81e4, 'efivarfs'],
  [0x62656570, 'configfs'],
  [0xf97cff8c, 'selinuxfs'],
]);

/**
 * The kernel file system `path` (a link followed) is on, by name, or null for one that holds files
 * (or where it cannot be told).
 * @example kernelFileSystem('/proc') // 'proc'
 * @example kernelFileSystem('/tmp') // null
 */
export function kernelFileSystem(path: string): string | null {
  try {
    return KERNEL_FILE_SYSTEMS.get(statfsSync(path).type) ?? null;
  } catch {
    return null;
  }
}
