/**
 * A cgroup's memory.stat as name → bytes (or count): one `name value` pair a line, for cgroup v1
 * (local names and their hierarchical `total_` twins) and v2 alike. Lines without a number are
 * skipped. v2's cpu.stat is written the same way (cpu-cgroup.ts reads it with this).
 * @example parseMemoryStat('cache 8192\ntotal_cache 8192\n') // { cache: 8192, total_cache: 8192 }
 */
export function parseMemoryStat(text: string): Record<string, number> {
  const stat: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^(\w+) (\d+)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) stat[match[1]] = Number(match[2]);
  }
  return stat;
}

/**
 * The unmapped file page cache a cgroup is charged with, bytes: the file LRU lists (the file
 * pages read or written, clean or dirty) less the file pages some process maps, which are in that
 * process's RSS. tmpfs and shared memory are left in (they sit on the anon lists and cannot be
 * dropped, only swapped). Mapped shared memory is counted in the mapped figure too, so where there
 * is any this is lower than the true unmapped cache, never higher. v1: the hierarchical `total_`
 * counters; v2: its own names (hierarchical already). null where the counters are missing.
 * @example unmappedFileCacheBytes({ total_active_file: 4096, total_inactive_file: 8192, total_mapped_file: 4096 }, 1) // 8192
 */
export function unmappedFileCacheBytes(stat: Readonly<Record<string, number>>, version: 1 | 2): number | null {
  const [active, inactive, mapped] = version === 1 ? [stat['total_active_file'], stat['total_inactive_file'], stat['total_mapped_file']] : [stat['active_file'], stat['inactive_file'], stat['file_mapped']];
  if (active === undefined || inactive === undefined || mapped === undefined) return null;
  return Math.max(0, active + inactive - mapped);
}

/**
 * The kernel memory a cgroup v2 is charged with, bytes: memory.stat's `kernel` (kernel 5.18 on),
 * else the sum of its parts that are listed (slab, kernel stacks, page tables, per-cpu, sockets,
 * vmalloc); 0 where none is. cgroup v1 keeps it in memory.kmem.usage_in_bytes instead.
 * @example kernelBytesV2({ kernel: 65536, slab: 40960 }) // 65536
 */
export function kernelBytesV2(stat: Readonly<Record<string, number>>): number {
  const kernel = stat['kernel'];
  if (kernel !== undefined) return kernel;
  return ['slab', 'kernel_stack', 'pagetables', 'percpu', 'sock', 'vmalloc'].reduce((sum, name) => sum + (stat[name] ?? 0), 0);
}
