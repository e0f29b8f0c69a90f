const MIB = 1024 * 1024;

/** 763.1 MiB; `?` for unknown. Reports always speak MiB, as the REPL line does. */
export function formatMiB(bytes: number | null): string {
  return bytes === null ? '? MiB' : `${(bytes / MIB).toFixed(1)} MiB`;
}

/** Seconds with a precision that keeps a 5 ms command readable: 0.005s, 0.42s, 12.3s. */
export function formatSeconds(seconds: number): string {
  if (seconds < 0.1) return `${seconds.toFixed(3)}s`;
  if (seconds < 10) return `${seconds.toFixed(2)}s`;
  return `${seconds.toFixed(1)}s`;
}

// Made on first use: a NumberFormat loads ICU data, about 7 MiB of RSS, which importing this
// module for formatMiB must not cost the measured REPL process.
let grouping: Intl.NumberFormat | undefined;
let decimals: Intl.NumberFormat | undefined;

/** 8,823 for counts; two decimals for small fractional values (task-clock msec). */
/**
 * Builds the number formatters now. Building one loads ICU data (about 25 ms and 7 MiB), so
 * commands that print a report after an external program call this before it starts, keeping
 * that cost out of the time from the program's end to its report.
 */
export function prepareFormatters(): void {
  formatCount(1000);
  formatCount(0.5);
}

export function formatCount(value: number | null): string {
  if (value === null) return '?';
  if (Math.abs(value) >= 100 || Number.isInteger(value)) {
    grouping ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
    return grouping.format(value);
  }
  decimals ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
  return decimals.format(value);
}

export function formatPct(pct: number | null): string {
  return pct === null ? '?%' : `${Math.round(pct)}%`;
}
