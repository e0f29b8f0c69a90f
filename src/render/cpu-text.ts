import type { CpuReport, MemoryReport } from '../session/report.ts';
import { formatPct } from './units.ts';
import { formatDurationS } from './metric-units.ts';

/**
 * The CPU part of a report's headline: the command's own CPU first (user + system seconds and %
 * of one CPU over its wall time), then the machine-wide busy % labelled as such (it counts every
 * other process too); a window shorter than a few /proc/stat ticks says so instead of 0 %/100 %.
 * @example cpuText(cpu) // '(cpu 0.50s = 99% of one cpu; machine-wide mean 52%, busiest cpu 100%)'
 * @example cpuText(cpu) // '(cpu 0.41ms, too short a window for a %; machine-wide: window too short to measure)'
 */
export function cpuText(cpu: CpuReport): string {
  return `(${cpuParts(cpu)})`;
}

/**
 * cpuText without its parentheses: the notebook's HTML report puts it in a table cell.
 * @example cpuParts(cpu) // 'cpu 0.50s = 99% of one cpu; machine-wide mean 52%, busiest cpu 100%'
 */
export function cpuParts(cpu: CpuReport): string {
  const parts: string[] = [];
  const own = ownCpuText(cpu);
  if (own !== null) parts.push(own);
  const children = childrenCpuText(cpu);
  if (children !== null) parts.push(children);
  if (cpu.machineWindowTooShort === true) parts.push('machine-wide: window too short to measure');
  else parts.push(`machine-wide mean ${formatPct(cpu.systemMeanPct)}, busiest cpu ${formatPct(cpu.singleMaxPct)}`);
  return parts.join('; ');
}

/**
 * The command's own CPU in words, null when unknown (cachegrind, attach without a wall time):
 * seconds and % of one CPU; over 100 % it says that several threads ran at once (the only way to
 * get there); under 10 ms of wall time, or above every CPU's worth, the seconds without a %.
 * @example ownCpuText(cpu) // 'cpu 0.60s = 196% of one cpu, several threads at once'
 */
export function ownCpuText(cpu: CpuReport): string | null {
  if (cpu.userS === null || cpu.systemS === null) return null;
  const ownS = cpu.userS + cpu.systemS;
  // Under a ms, "0.000s" would hide what little there is.
  const seconds = `cpu ${formatDurationS(ownS)}`;
  if (cpu.ownPctWithheld === 'window-too-short') return `${seconds}, too short a window for a %`;
  if (cpu.ownPctWithheld === 'more-than-every-cpu') return `${seconds}, more than every cpu could give in the time (no %)`;
  if (cpu.ownPct === null || cpu.ownPct === undefined) return seconds;
  const share = `${seconds} = ${formatPct(cpu.ownPct)} of one cpu`;
  return Math.round(cpu.ownPct) > 100 ? `${share}, several threads at once` : share;
}

/**
 * The CPU of the child processes an in-process command waited for, in words; null when none.
 * @example childrenCpuText({ ...cpu, childrenS: 1.2 }) // 'child processes cpu 1.20s'
 */
export function childrenCpuText(cpu: CpuReport): string | null {
  return cpu.childrenS === undefined ? null : `child processes cpu ${formatDurationS(cpu.childrenS)}`;
}

/** A line under the headline when the final memory reading is not settled; null when nothing needs saying. */
export function settleNote(memory: MemoryReport): string | null {
  if (memory.settle?.status === 'cut-short') {
    return `RAM was still falling when settling stopped after ${Math.round(memory.settle.durationMs)} ms: final usage may read high`;
  }
  if (memory.settle?.status === 'unavailable') return 'final usage not settled (V8 refused gc()): it may include uncollected garbage';
  return null;
}

/** How `run` got its peak, in words, for the text report. */
export function peakMethodText(memory: MemoryReport): string {
  switch (memory.peakMethod) {
    case 'memory-cgroup-v1':
    case 'memory-cgroup-v2':
      return 'process tree, memory cgroup';
    case 'sampled-tree':
      return 'process tree, sampled every 10 ms';
    case 'rusage-maxrss':
      return 'largest process, ru_maxrss';
    case 'vmhwm-reset':
      return 'VmHWM';
    case 'sampled':
      return 'sampled';
    case 'none':
      return 'not measured';
  }
}
