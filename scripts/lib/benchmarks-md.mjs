// Replaces one `## TITLE` section of BENCHMARKS.md (or appends it), so each benchmark script owns
// its section and re-running one leaves the others as they were.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

const FILE = 'BENCHMARKS.md';
const HEADER = '# perfcell benchmarks\n\nEach section is written by the script named in it; rerun that script to refresh it.\nThese machines are noisy: figures are medians, compared with a baseline measured in the same run.\n';

export function writeSection(title, body) {
  const text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : HEADER;
  const heading = `## ${title}\n`;
  const start = text.indexOf(heading);
  const section = `${heading}\n${body.trim()}\n\n`;
  let next;
  if (start === -1) next = `${text.trimEnd()}\n\n${section}`;
  else {
    const end = text.indexOf('\n## ', start + heading.length);
    next = text.slice(0, start) + section + (end === -1 ? '' : text.slice(end + 1));
  }
  writeFileSync(FILE, next.trimEnd() + '\n');
}

/** One line naming the machine and the day, for every section. */
export function machineLine() {
  let perf = 'perf missing';
  try {
    perf = execFileSync('perf', ['--version']).toString().trim();
  } catch {}
  return `${new Date().toISOString().slice(0, 10)}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${perf}`;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A ratio less one as a signed percentage, "+1.2%" / "-0.4%": how far one tool's figure is from the other's. */
export function signedPct(ratio) {
  return `${ratio >= 0 ? '+' : ''}${(100 * ratio).toFixed(1)}%`;
}

/** The value at quantile q (0..1) of `values`, nearest rank below: the p10 / p90 the benches print. */
export function quantile(values, q) {
  return [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];
}
