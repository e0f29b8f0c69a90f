import { describe, expect, it } from 'vitest';
import { kernelBytesV2, parseMemoryStat, unmappedFileCacheBytes } from '../../parsers/memory-stat.ts';

// cgroup v1 memory.stat of a run's cgroup on this project's VM (kernel 6.18) after `dd` wrote
// 200 MiB (abridged: local counters, then their hierarchical total_ twins).
const V1_AFTER_DD = [
  'cache 209715200',
  'rss 0',
  'shmem 0',
  'mapped_file 0',
  'dirty 209715200',
  'inactive_anon 0',
  'active_anon 0',
  'inactive_file 209715200',
  'active_file 0',
  'hierarchical_memory_limit 9223372036854771712',
  'total_cache 209715200',
  'total_rss 0',
  'total_shmem 0',
  'total_mapped_file 0',
  'total_dirty 209715200',
  'total_inactive_file 209715200',
  'total_active_file 0',
  '',
].join('\n');
// cgroup v2 memory.stat (kernel 6.x names, abridged): a program mapping 64 MiB of a file, 4 MiB of it unmapped.
const V2_MAPPED = ['anon 1048576', 'file 71303168', 'kernel 827392', 'kernel_stack 16384', 'pagetables 131072', 'shmem 0', 'file_mapped 67108864', 'active_file 4194304', 'inactive_file 67108864', 'slab 540672', ''].join('\n');

describe('memory.stat', () => {
  it('reads name value lines, skipping others', () => {
    expect(parseMemoryStat('cache 8192\ntotal_cache 8192\n\nbogus line\n')).toEqual({ cache: 8192, total_cache: 8192 });
  });

  it('takes a line only as `NAME DIGITS` once trimmed (NAME of letters, digits and _), one space between', () => {
    const text = [' rss 4096\r', 'two  12', 'tab\t12', 'dashed-name 1', 'negative -5', 'float 1.5', 'trailing 7 8', 'under_score9 9', '42 7', ' 5', 'name ', ''].join('\n');
    expect(parseMemoryStat(text)).toEqual({ rss: 4096, under_score9: 9, '42': 7 });
  });

  it('v1: the file pages dd wrote are all unmapped cache', () => {
    expect(unmappedFileCacheBytes(parseMemoryStat(V1_AFTER_DD), 1)).toBe(200 * 1024 * 1024);
  });

  it('v2: mapped file pages are not cache outside RSS; the kernel figure is `kernel`, else its parts', () => {
    const stat = parseMemoryStat(V2_MAPPED);
    expect(unmappedFileCacheBytes(stat, 2)).toBe(4 * 1024 * 1024);
    expect(kernelBytesV2(stat)).toBe(827392);
    expect(kernelBytesV2({ slab: 4096, kernel_stack: 16384, pagetables: 8192 })).toBe(28672);
  });

  it('null where the counters are missing; never below 0 (mapped shared memory is in the mapped figure)', () => {
    expect(unmappedFileCacheBytes(parseMemoryStat('cache 4096\n'), 1)).toBeNull();
    expect(unmappedFileCacheBytes({ total_active_file: 0, total_inactive_file: 4096, total_mapped_file: 8192 }, 1)).toBe(0);
  });
});
