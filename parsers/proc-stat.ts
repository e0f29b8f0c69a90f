/** Busy and total jiffies of one CPU, from a `cpuN` line of /proc/stat. */
export interface CpuTicks {
  readonly busy: number;
  readonly total: number;
}

/**
 * Reads the per-CPU lines (`cpu0`, `cpu1`, …, not the `cpu` sum) of /proc/stat.
 * Idle is idle + iowait, as psutil counts it; guest time is already inside user and nice.
 * @example parseProcStat('cpu0 10 0 5 80 5 0 0 0 0 0\n') // [{ busy: 15, total: 100 }]
 */
export function parseProcStat(text: string): CpuTicks[] {
  const cpus: CpuTicks[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu') || line[3] === ' ') continue;
    const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
    if (fields.length < 4 || fields.some((n) => !Number.isFinite(n))) continue;
    const total = fields.reduce((sum, n) => sum + n, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    cpus.push({ busy: total - idle, total });
  }
  return cpus;
}

/** Busy % over a window for each CPU; null for a CPU whose counters did not move (window shorter than a tick). */
export function cpuBusyPct(before: readonly CpuTicks[], after: readonly CpuTicks[]): (number | null)[] {
  return after.map((end, index) => {
    const start = before[index];
    if (start === undefined) return null;
    const total = end.total - start.total;
    if (total <= 0) return null;
    return Math.min(100, Math.max(0, (100 * (end.busy - start.busy)) / total));
  });
}
