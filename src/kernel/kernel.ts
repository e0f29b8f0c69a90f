import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.ts';
import { classifyJavaScript, stripTypes } from '../repl/typescript.ts';
import { resolvePerfOptions, type MeasureOptions } from '../session/options.ts';
import type { CommandReport } from '../session/report.ts';
import { version } from '../version.ts';
import { createCellEngine, type CellEngine } from './cell-engine.ts';
import { bindChannels, type Channels } from './channels.ts';
import { ConnectionFileError, parseConnectionFile, type Channel } from './connection.ts';
import { errorContent, reportBundle, valueBundle, type MimeBundle } from './display.ts';
import { completeUnicodePath } from '../repl/complete-unicode.ts';
import { createHistory } from './history.ts';
import { inspectAt } from './inspect.ts';
import { captureOutput, type OutputCapture } from './output-capture.ts';
import { parentPidFromEnv, watchParent } from './parent-watch.ts';
import { createScopeApi } from './scope-api.ts';
import { evaluateUserExpressions } from './user-expressions.ts';
import { createHeader, PROTOCOL_VERSION, type JupyterMessage, type MessageHeader } from './wire.ts';
import { inEventSourceWords } from '../events-source.ts';

export interface KernelOptions {
  readonly connectionFile: string;
  readonly measure?: MeasureOptions;
}

type Content = Record<string, unknown>;
/** A cell value's execute_result bundle, or the error showing it threw (its own inspect.custom). */
type Showing = { readonly data: MimeBundle } | { readonly failure: ReturnType<typeof errorContent> };
const NOT_SUPPORTED = /^not supported on this machine \((.*)\)$/;

/** Reads and checks the connection file, naming the file and the fix. */
export async function readConnectionFile(path: string): Promise<ReturnType<typeof parseConnectionFile>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`connection file ${path} does not exist (Jupyter passes it as {connection_file}: run perfcell kernel install, then pick "TypeScript (perfcell)" in Jupyter)`);
    throw new UsageError(`cannot read connection file ${path}: ${(error as Error).message} (check its permissions)`);
  }
  try {
    return parseConnectionFile(text);
  } catch (error: unknown) {
    if (error instanceof ConnectionFileError) throw new UsageError(`connection file ${path} ${error.message}`);
    throw error;
  }
}

/**
 * `perfcell kernel CONNECTION_FILE`: a Jupyter kernel (protocol 5.3) whose every executed cell
 * is measured by the REPL's engine and gets its report as display_data. Settles with the exit
 * code once the kernel is shut down (shutdown_request, SIGTERM, or its Jupyter gone).
 */
export async function runKernel(options: KernelOptions): Promise<number> {
  const info = await readConnectionFile(options.connectionFile);
  const session = randomUUID();
  let channels: Channels | null = null;
  let current: MessageHeader | Record<string, never> = {};
  const capture: OutputCapture = captureOutput((name, text) => {
    void channels?.send('iopub', iopubMessage('stream', { name, text }, current));
  });
  const log = (text: string): void => capture.log(`perfcell kernel: ${text}\n`);
  const iopubMessage = (msgType: string, content: Content, parent: MessageHeader | Record<string, never>): Omit<JupyterMessage, 'buffers'> => ({
    identities: [Buffer.from(msgType)],
    header: createHeader(msgType, session),
    parentHeader: parent,
    metadata: {},
    content,
  });

  try {
    channels = await bindChannels(info, session, {
      onDropped: (channel: Channel, problem) => log(`dropped a message on ${channel}: ${problem} (not executed)`),
      onInterruptRequest: () => log('interrupt_request: SIGINT sent to the running cell'),
      onProblem: (message) => log(`warning: ${message}`),
    });
  } catch (error: unknown) {
    capture.restore();
    throw error;
  }
  const bound = channels;
  const engine: CellEngine = createCellEngine({
    ...(options.measure === undefined ? {} : { measure: options.measure }),
    // perf's refusal of an event from PERFCELL_EVENTS or a config file names that, not -e
    onProblem: (message) => log(`error: ${inEventSourceWords(message)}`),
    onIdleInterrupt: () => log('SIGINT while no cell runs: nothing to interrupt'),
    // Shown under the last cell, as the stderr it is.
    onStrayOutput: (text) => void process.stderr.write(text),
  });
  const shown: CommandReport[] = [];
  const api = createScopeApi(engine.measurement, () => shown, engine.interrupts, engine.showInterrupted);
  Object.defineProperty(engine.server.context, 'perfcell', { value: api, configurable: true, writable: true, enumerable: false });

  let executionCount = 0;
  /** Cells run with `store_history: false` (or silent), which take no execution count. */
  let unstoredCount = 0;
  const history = createHistory();
  let failedAtMs = -Infinity;
  const said = new Set<string>();
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));

  const publish = (msgType: string, content: Content, parent: MessageHeader | Record<string, never>): Promise<void> => bound.send('iopub', iopubMessage(msgType, content, parent));
  const reply = (channel: 'shell' | 'control', request: JupyterMessage, msgType: string, content: Content): Promise<void> =>
    bound.send(channel, { identities: request.identities, header: createHeader(msgType, session), parentHeader: request.header, metadata: {}, content });

  const kernelInfo = (): Content => ({
    status: 'ok',
    protocol_version: PROTOCOL_VERSION,
    implementation: 'perfcell',
    implementation_version: version,
    language_info: { name: 'typescript', version: process.versions.node, mimetype: 'text/typescript', file_extension: '.ts', codemirror_mode: { name: 'javascript', typescript: true } },
    banner: `perfcell ${version}: TypeScript on Node ${process.version}; every cell reports RAM, peak RAM, time, CPU and perf counters (perfcell.stop() / .start())`,
    help_links: [],
  });

  async function execute(request: JupyterMessage): Promise<void> {
    const content = request.content;
    const code = typeof content['code'] === 'string' ? content['code'] : '';
    const silent = content['silent'] === true;
    const storeHistory = !silent && content['store_history'] !== false;
    const stopOnError = content['stop_on_error'] !== false;
    const sentMs = Date.parse(request.header.date);
    // Requests sent before a failing cell ended are aborted (stop_on_error), as ipykernel does.
    if (sentMs < failedAtMs) {
      await reply('shell', request, 'execute_reply', { status: 'aborted', execution_count: executionCount });
      return;
    }
    if (storeHistory) executionCount++;
    const count = executionCount;
    if (!silent) await publish('execute_input', { code, execution_count: count }, request.header);
    // Each cell its own file name in its stack, as IPython's `Cell In[3]`: a frame of an earlier
    // cell (its function, called by this one) is mapped back to what that cell's author typed.
    // The value's display is made as soon as the value is known (before the cell's memory is
    // settled: see CellEngine.run), so neither the kernel nor the engine holds the value through
    // the settling. A silent cell (never stored) shows no value: its _repr_*_ methods are not called.
    let showing = null as Showing | null;
    const show = (value: unknown): void => {
      if (!silent && value !== undefined) showing = showValue(value);
    };
    const run = await engine.run(code, storeHistory ? `cell[${count}]` : `unstored[${++unstoredCount}]`, show);
    capture.flush();
    const { outcome } = run;
    const result = showing !== null && 'data' in showing ? showing.data : null;
    if (storeHistory) history.record(count, code, result === null ? null : String(result['text/plain']));
    if (result !== null) {
      await publish('execute_result', { execution_count: count, data: result, metadata: {} }, request.header);
    }
    // A value whose showing throws (its own inspect.custom): the throw is shown in its place, as
    // IPython shows a broken __repr__'s, and the cell, which ran, stays a success with its report.
    if (showing !== null && 'failure' in showing) await publish('error', showing.failure, request.header);
    const error = outcome.kind === 'thrown' ? errorContent(outcome.value) : null;
    if (error !== null && !silent) await publish('error', error, request.header);
    if (run.report !== null && !silent) {
      const report = { ...run.report.report, label: `In [${count}]` };
      shown.push(report);
      const notes = [...run.report.notes];
      const unsupported = report.counters.unsupported[0];
      if (unsupported !== undefined && !said.has('unsupported')) {
        said.add('unsupported');
        notes.push(`<not supported>: ${NOT_SUPPORTED.exec(unsupported.reason)?.[1] ?? unsupported.reason} (said once)`);
      }
      for (const warning of run.report.newWarnings) notes.push(`warning: ${warning}`);
      const eventOrder = engine.measurement.measure.events ?? resolvePerfOptions({ ...engine.measurement.measure, perf: true }).events;
      await publish('display_data', { data: reportBundle(report, { eventOrder, notes }), metadata: {}, transient: {} }, request.header);
    }
    if (error === null) {
      await reply('shell', request, 'execute_reply', { status: 'ok', execution_count: count, user_expressions: await evaluateUserExpressions(content['user_expressions']), payload: [] });
      return;
    }
    if (stopOnError) failedAtMs = Date.now();
    await reply('shell', request, 'execute_reply', { status: 'error', execution_count: count, ...error });
  }

  function showValue(value: unknown): Showing {
    try {
      return { data: valueBundle(value) };
    } catch (problem: unknown) {
      return { failure: errorContent(problem) };
    }
  }

  async function isComplete(code: string): Promise<Content> {
    const verdict = classifyJavaScript(code);
    if (verdict === 'valid') return { status: 'complete' };
    if (verdict === 'incomplete') return { status: 'incomplete', indent: '' };
    const stripped = await stripTypes(code);
    if (stripped.kind === 'javascript') return { status: 'complete' };
    return stripped.kind === 'incomplete' ? { status: 'incomplete', indent: '' } : { status: 'invalid' };
  }

  async function complete(code: string, cursorPos: number): Promise<Content> {
    const before = [...code].slice(0, cursorPos).join('');
    const line = before.slice(before.lastIndexOf('\n') + 1);
    const [matches, replaced] = completeUnicodePath(line) ?? (await engine.complete(line));
    return { status: 'ok', matches: [...new Set(matches)], cursor_start: cursorPos - [...replaced].length, cursor_end: cursorPos, metadata: {} };
  }

  async function handle(channel: 'shell' | 'control', request: JupyterMessage): Promise<void> {
    const type = request.header.msg_type;
    const content = request.content;
    if (type === 'execute_request') current = request.header;
    await publish('status', { execution_state: 'busy' }, request.header);
    try {
      switch (type) {
        case 'kernel_info_request':
          await reply(channel, request, 'kernel_info_reply', kernelInfo());
          break;
        case 'execute_request':
          await execute(request);
          break;
        case 'is_complete_request':
          await reply(channel, request, 'is_complete_reply', await isComplete(String(content['code'] ?? '')));
          break;
        case 'complete_request':
          await reply(channel, request, 'complete_reply', await complete(String(content['code'] ?? ''), Number(content['cursor_pos'] ?? 0)));
          break;
        case 'inspect_request':
          await reply(channel, request, 'inspect_reply', inspectAt(String(content['code'] ?? ''), Number(content['cursor_pos'] ?? 0), Number(content['detail_level'] ?? 0)));
          break;
        case 'comm_info_request':
          await reply(channel, request, 'comm_info_reply', { status: 'ok', comms: {} });
          break;
        case 'history_request':
          await reply(channel, request, 'history_reply', { status: 'ok', history: history.answer(content) });
          break;
        case 'interrupt_request':
          // Normally answered by the control thread (control-worker.ts); on shell, it interrupts a waiting cell.
          engine.interruptAwait();
          await reply(channel, request, 'interrupt_reply', { status: 'ok' });
          break;
        case 'shutdown_request': {
          const restart = content['restart'] === true;
          await reply(channel, request, 'shutdown_reply', { status: 'ok', restart });
          await publish('status', { execution_state: 'idle' }, request.header);
          await shutdown(restart ? 'restart asked (Jupyter starts a new kernel)' : 'shutdown asked', 0);
          return;
        }
        case 'comm_open':
          // No comm targets here: the messaging spec (Opening a comm) has a kernel without the
          // target close the comm at once, so the front end does not keep one no one answers.
          await publish('comm_close', { comm_id: content['comm_id'] ?? '', data: {} }, request.header);
          break;
        case 'comm_msg':
        case 'comm_close':
          break;
        default:
          log(`ignored a ${type} on ${channel} (not supported)`);
      }
    } catch (error: unknown) {
      // perfcell's own failure: logged, and the kernel stays up for the next request.
      log(`error: could not handle ${type}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    } finally {
      await publish('status', { execution_state: 'idle' }, request.header);
      engine.preparedNow();
    }
  }

  let closing = false;
  async function shutdown(why: string, code: number): Promise<void> {
    if (closing) return;
    closing = true;
    log(`${why}; exiting`);
    stopWatching();
    // The engine's SIGINT listener goes with it: a SIGINT from here on (an interrupt sent just
    // before the shutdown, the control thread's for a cell that held the kernel) must not kill
    // the kernel before its sockets and perf are closed.
    process.on('SIGINT', () => undefined);
    engine.close();
    capture.restore();
    // Let the last replies leave before the sockets close.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await bound.close();
    finish(code);
  }

  const stopWatching = watchParent((why) => void shutdown(why, 0), { parentPid: parentPidFromEnv() });
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGHUP', () => void shutdown('SIGHUP', 0));

  await publish('status', { execution_state: 'starting' }, {});
  log(`listening (${info.transport}://${info.ip} shell ${info.ports.shell}); pid ${process.pid}`);
  void bound.listen('shell', (request) => handle('shell', request));
  void bound.listen('control', (request) => handle('control', request));
  void bound.listen('stdin', () => undefined);
  return finished;
}
