const MIB = 1024 * 1024;

/**
 * 763.1 MiB; `?` for unknown. Reports always speak MiB, as the REPL line does. What rounds to zero
 * reads `0.0 MiB`, never `-0.0` (RAM used 20 KiB below the start).
 */
export function formatMiB(bytes: number | null): string {
  if (bytes === null) return '? MiB';
  const text = (bytes / MIB).toFixed(1);
  return `${Number(text) === 0 ? text.replace('-', '') : text} MiB`;
}

/** A change in MiB with its sign: `+128.0 MiB`, `-6.3 MiB`; what rounds to zero reads `+0.0 MiB`, never `-0.0`. */
export function formatSignedMiB(bytes: number): string {
  const text = (bytes / MIB).toFixed(1);
  return text.startsWith('-') && Number(text) !== 0 ? `${text} MiB` : `+${text.replace('-', '')} MiB`;
}

/** Seconds with a precision that keeps a 5 ms command readable: 0.005s, 0.42s, 12.3s. */
export function formatSeconds(seconds: number): string {
  if (seconds < 0.1) return `${seconds.toFixed(3)}s`;
  if (seconds < 10) return `${seconds.toFixed(2)}s`;
  return `${seconds.toFixed(1)}s`;
}

/**
 * Kept for callers that prepared Intl formatters before a program started: formatCount no longer
 * uses Intl.NumberFormat (building one loaded ICU data, ~25 ms and ~7 MiB, on every `run`'s start).
 */
export function prepareFormatters(): void {}

/** 8,823 for counts; up to two decimals for small fractional values (task-clock msec): en-US grouping, rounded half away from zero. */
export function formatCount(value: number | null): string {
  if (value === null) return '?';
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) < 100 && !Number.isInteger(value)) return String(Number(value.toFixed(2)));
  const rounded = Math.sign(value) * Math.round(Math.abs(value));
  return String(rounded === 0 ? 0 : rounded).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatPct(pct: number | null): string {
  return pct === null ? '?%' : `${Math.round(pct)}%`;
}
