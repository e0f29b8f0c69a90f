import { execFile } from 'node:child_process';
import type { REPLServer } from 'node:repl';
import { completeUnicodePath } from './complete-unicode.ts';
import { perfcellPerfPath } from '../perf/capabilities.ts';
import { TOOL_EVENT } from '../perf/tool-events.ts';
import { completeDotArgument, isEventsArgument } from './dot-arguments.ts';

type Completion = readonly [readonly string[], string];
type AsyncCompleter = (line: string, callback: (error: Error | null, result?: Completion) => void) => void;

/**
 * Tab in the REPL: perfcell's dot-commands' arguments (dot-arguments.ts) and name paths holding a
 * non-ASCII character (`é.a`: node:repl's completer reads names as ASCII and offered the globals
 * that start with `a`, as the kernel's complete_request had) before node:repl's own completer.
 * `listEvents`: the event names `.events` offers, asked once, when a line first reads `.events `;
 * until they are in, it offers the presets. Each answer is given at once, as node:repl's own are:
 * node:repl previews a completion after each key and places the answer at the end of the line as it
 * is then, so an answer that came a tick late was drawn after the line Tab had completed
 * (`.events page-faults,context-switches // ext-switches`), and Enter took it in.
 */
export function installCompleter(server: REPLServer, listEvents: () => Promise<readonly string[]> = listPerfEvents): void {
  const nodeCompleter = server.completer as unknown as AsyncCompleter;
  let eventNames: readonly string[] = [];
  let isListing = false;
  const complete: AsyncCompleter = (line, callback) => {
    if (isEventsArgument(line) && !isListing) {
      isListing = true;
      listEvents().then((names) => (eventNames = names), () => undefined);
    }
    const ours = completeDotArgument(line, eventNames) ?? completeUnicodePath(line);
    if (ours === null) nodeCompleter.call(server, line, callback);
    else callback(null, ours);
  };
  (server as unknown as { completer: AsyncCompleter }).completer = complete;
}

/**
 * The events perf knows (`perf list --raw-dump`, as perf's own bash completion asks), less the tool
 * events perfcell refuses and the metrics and metric groups the dump lists among them
 * (l3_cache, ic_fetch_miss_ratio), which perf's -e refuses: they are -M's.
 */
export async function listPerfEvents(perfPath: string = perfcellPerfPath()): Promise<readonly string[]> {
  const [names, metrics] = await Promise.all([rawDump(perfPath, []), rawDump(perfPath, ['metric', 'metricgroup'])]);
  const notEvents = new Set(metrics);
  return names.filter((name) => !notEvents.has(name) && !TOOL_EVENT.test(name));
}

/** The names `perf list --raw-dump TOPICS` prints; none where perf cannot run. */
function rawDump(perfPath: string, topics: readonly string[]): Promise<readonly string[]> {
  return new Promise((resolve) => {
    execFile(perfPath, ['list', '--raw-dump', ...topics], { timeout: 5000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      resolve(error === null ? stdout.split(/\s+/).filter((name) => name !== '') : []);
    });
  });
}
