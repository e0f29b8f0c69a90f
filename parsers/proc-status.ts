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

/**
 * Whether /proc/PID/status says the process catches signal `signo` (a handler in SigCgt, a mask
 * in hex whose bit signo − 1 is that signal); false where the line is missing or unreadable.
 * @example catchesSignal('SigCgt:\t0000000000400000\n', 23) // true: SIGURG
 */
export function catchesSignal(text: string, signo: number): boolean {
  return maskHasSignal(text, 'SigCgt', signo) === true;
}

/**
 * Whether signal `signo` takes its default action on the process whose /proc/PID/status is `text`:
 * neither caught (SigCgt), ignored (SigIgn) nor blocked (SigBlk); false where a mask is missing.
 * @example takesDefaultAction('SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000000', 15) // true
 */
export function takesDefaultAction(text: string, signo: number): boolean {
  return ['SigBlk', 'SigIgn', 'SigCgt'].every((mask) => maskHasSignal(text, mask, signo) === false);
}

/** Whether the signal mask line `mask` (SigCgt, SigIgn, SigBlk: hex, bit signo − 1) holds signal `signo`; null where the line is missing or `signo` is out of 1-64. */
function maskHasSignal(text: string, mask: string, signo: number): boolean | null {
  const hex = new RegExp(`^${mask}:\\s*([0-9a-f]+)$`, 'im').exec(text)?.[1];
  if (hex === undefined || signo < 1 || signo > 64) return null;
  return ((BigInt(`0x${hex}`) >> BigInt(signo - 1)) & 1n) === 1n;
}
