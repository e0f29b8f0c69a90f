// Where one `perfcell compare` run's time goes: runs compare with PERFCELL_TRACE_RUN=1 (see
// src/session/run-trace.ts) and turns each run's stage marks into per-stage medians (ms).
//
//   node scripts/lib/compare-trace.mjs -- "CMD A" "CMD B"     (prints the table; PERFCELL_PREARM_DEPTH=0 for not armed ahead)
//   node scripts/lib/compare-trace.mjs --cells FILE "TITLE A" "TITLE B"   (cell alternatives: 30 runs, no warm-up)
import { spawnSync } from 'node:child_process';
import { median } from './benchmarks-md.mjs';

/** Stages in order: [from mark, to mark, what the span is]. Missing marks leave a span out. */
export const SPANS = [
  ['arm', 'gate-pid', 'spawn the gate, until it has forked the held child (its pid line)'],
  ['gate-pid', 'perf-spawned', 'spawn perf attached to the held child'],
  ['run', 'perf-enabled', "run starts → perf's enable ack and 'Events disabled' read (waits for perf's start-up when not armed ahead)"],
  ['perf-enabled', 'perf-polling', 'until perf waits in poll() again (untilPolling)'],
  ['perf-polling', 'go', 'release (go)'],
  ['go', 'ended', "the program's run, to the gate's report of its end"],
  ['ended', 'perf-final', "the program's end → perf's last interval read (the gate's SIGINT)"],
  ['perf-final', 'report', 'build the report'],
];

/** Parses `trace-run RUN STAGE MS` lines into one map of stage → ms per run, in run order. */
export function parseTrace(stderr) {
  const runs = new Map();
  for (const line of stderr.split('\n')) {
    const match = /^trace-run (\d+) (\S+) ([\d.]+)$/.exec(line);
    if (match === null) continue;
    const run = runs.get(match[1]) ?? new Map();
    run.set(match[2], Number(match[3]));
    runs.set(match[1], run);
  }
  return [...runs.values()].filter((run) => run.has('report'));
}

/** Medians per span over every run, the run's own length (run → report), and the gap to the next run's start. */
export function summarizeTrace(runs) {
  const spans = SPANS.map(([from, to, what]) => ({ from, to, what, ms: median(runs.filter((run) => run.has(from) && run.has(to)).map((run) => run.get(to) - run.get(from))) }));
  const ordered = [...runs].sort((a, b) => a.get('run') - b.get('run'));
  const gaps = ordered.slice(1).map((run, index) => run.get('run') - ordered[index].get('report'));
  return {
    runs: runs.length,
    spans,
    runMs: median(runs.map((run) => run.get('report') - run.get('run'))),
    betweenMs: median(gaps),
    endedToReportMs: median(runs.filter((run) => run.has('ended')).map((run) => run.get('report') - run.get('ended'))),
    evaluationMs: median(runs.filter((run) => run.has('perf-enabled') && run.has('ended')).map((run) => run.get('ended') - run.get('perf-enabled'))),
    armBeforeRunMs: median(ordered.slice(1).map((run) => run.get('run') - run.get('perf-spawned'))),
  };
}

export function traceCompare(cli, commands, env = {}, flags = ['--warmup', '2', '--runs', '10'], cellFile = null) {
  const targets = cellFile === null ? ['--', ...commands] : [cellFile, '--cells', ...commands];
  const result = spawnSync('node', [cli, 'compare', ...flags, '--json', ...targets], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, ...env, PERFCELL_TRACE_RUN: '1' } });
  if (result.status !== 0) throw new Error(`compare failed (${result.status}): ${result.stderr.slice(-400)}`);
  return summarizeTrace(parseTrace(result.stderr));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cells = process.argv.indexOf('--cells');
  const summary =
    cells === -1
      ? traceCompare('dist/app/cli.cjs', process.argv.slice(process.argv.indexOf('--') + 1))
      : traceCompare('dist/app/cli.cjs', process.argv.slice(cells + 2), {}, ['--warmup', '0', '--runs', '30'], process.argv[cells + 1]);
  const line = (ms, what) => {
    if (!Number.isNaN(ms)) console.log(`${ms.toFixed(2).padStart(8)} ms  ${what}`);
  };
  for (const span of summary.spans) line(span.ms, `${span.from} → ${span.to}: ${span.what}`);
  // a cell's runs: its evaluation (perf switched on and off by its first and last statements), and its report
  if (cells !== -1) line(summary.evaluationMs, "perf-enabled → ended: the cell's evaluation");
  line(summary.endedToReportMs, 'ended → report');
  line(summary.runMs, 'run → report');
  line(summary.betweenMs, 'report → next run');
  line(summary.armBeforeRunMs, 'perf spawned → its run (armed ahead when positive)');
  console.log(`(${summary.runs} runs)`);
}
