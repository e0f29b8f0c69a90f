/** The memory fields of /proc/PID/status that perfcell reads, in bytes; null when absent (a zombie has none). */
export interface ProcMemory {
  readonly rssBytes: number | null;
  readonly peakRssBytes: number | null;
}

const KIB = 1024;

/**
 * Reads VmRSS and VmHWM out of /proc/PID/status text.
 * @example parseProcStatus('VmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n') // { rssBytes: 1048576, peakRssBytes: 2097152 }
 */
export function parseProcStatus(text: string): ProcMemory {
  return { rssBytes: readKiBField(text, 'VmRSS:'), peakRssBytes: readKiBField(text, 'VmHWM:') };
}

function readKiBField(text: string, key: string): number | null {
  const at = text.indexOf(key);
  if (at === -1) return null;
  const match = /^\s*(\d+)\s*kB/.exec(text.slice(at + key.length, at + key.length + 40));
  return match?.[1] === undefined ? null : Number(match[1]) * KIB;
}
