import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Debian's chromium (or $CHROMIUM); null when none is installed. */
export function findChromium(): string | null {
  const named = process.env.CHROMIUM;
  if (named !== undefined && existsSync(named)) return named;
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

export const CHROMIUM_MISSING =
  'chromium is not installed, so the HTML report cannot be rendered and checked (run: apt-get install -y chromium, or set CHROMIUM=/path/to/chrome)';

/** Page time each render gets: its timers run (charts draw, then the pixel check sets its attributes). */
const VIRTUAL_TIME_BUDGET_MS = 5000;
/** Real time a render may take before it fails. */
const RENDER_TIMEOUT_MS = 60_000;

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  sessionId?: string;
  result?: Record<string, unknown>;
  error?: { message: string };
}

interface RemoteObject {
  value?: unknown;
  description?: string;
}

interface CallFrame {
  url: string;
  lineNumber: number;
}

/**
 * One headless Chromium for a test file (starting one costs about 1.5 s of CPU; a page in it a
 * fraction of that), driven over the DevTools protocol on a pipe (--remote-debugging-pipe: it
 * reads fd 3 and writes fd 4, each message JSON ended by a NUL). Kept off the network: no
 * background requests, updates or sync, and every host name resolves to nothing, so a page that
 * needed a CDN would fail to draw. Each render has a browser context of its own (no cookies,
 * storage or cache shared with another render, as a fresh profile each time gave), so renders
 * may run at once and in any order.
 */
export class Chromium {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (result: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  private readonly listeners = new Set<(message: Message) => void>();
  /** How to fail each render under way, should the browser exit. */
  private readonly renders = new Set<(error: Error) => void>();
  private exited: Error | null = null;
  private log = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const input = child.stdio[4] as Readable;
    let buffered = '';
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf('\0'); end >= 0; end = buffered.indexOf('\0')) {
        const message = JSON.parse(buffered.slice(0, end)) as Message;
        buffered = buffered.slice(end + 1);
        this.dispatch(message);
      }
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.log = (this.log + chunk).slice(-4000);
    });
    const end = (error: Error): void => {
      this.exited ??= error;
      for (const { reject } of this.pending.values()) reject(this.exited);
      this.pending.clear();
      for (const fail of this.renders) fail(this.exited);
    };
    child.on('error', end);
    child.on('exit', (code, signal) => end(new Error(`chromium exited (${signal ?? `status ${code}`}); its log ends:\n${this.log}`)));
  }

  /** Starts `path` headless, and waits until it answers. */
  static async launch(path: string): Promise<Chromium> {
    const profile = mkdtempSync(join(tmpdir(), 'perfcell-chromium-'));
    const child = spawn(
      path,
      [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-extensions', `--user-data-dir=${profile}`,
        '--host-resolver-rules=MAP * ~NOTFOUND', '--remote-debugging-pipe', 'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
    );
    const browser = new Chromium(child, profile);
    await browser.send('Browser.getVersion');
    return browser;
  }

  /** Closes the browser (killing it if it has not gone within 5 s) and removes its profile. */
  async close(): Promise<void> {
    if (this.exited === null) {
      const gone = new Promise((resolve) => this.child.once('exit', resolve));
      this.send('Browser.close').catch(() => {});
      const kill = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(kill);
    }
    rmSync(this.profile, { recursive: true, force: true });
  }

  private dispatch(message: Message): void {
    if (message.id === undefined) {
      for (const listener of this.listeners) listener(message);
      return;
    }
    const waiting = this.pending.get(message.id);
    this.pending.delete(message.id);
    if (message.error !== undefined) waiting?.reject(new Error(message.error.message));
    else waiting?.resolve(message.result ?? {});
  }

  private send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    if (this.exited !== null) return Promise.reject(this.exited);
    const id = this.nextId++;
    const reply = new Promise<Record<string, unknown>>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    (this.child.stdio[3] as Writable).write(`${JSON.stringify({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) })}\0`);
    return reply;
  }

  /** Resolves on the session's next `method` event. */
  private next(method: string, sessionId: string): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      const listener = (message: Message): void => {
        if (message.method !== method || message.sessionId !== sessionId) return;
        this.listeners.delete(listener);
        resolve(message.params ?? {});
      };
      this.listeners.add(listener);
    });
  }

  /**
   * Loads `html` in a fresh page and lets it run VIRTUAL_TIME_BUDGET_MS of virtual time (as
   * --virtual-time-budget did: timers fire at once when nothing else is pending, so this takes
   * little real time), then gives `read` the page's session. Returns what `read` returned, and
   * the page's console, each message one line as --enable-logging=stderr printed it before
   * Chromium wrote `CONSOLE:line`: `CONSOLE(line) "text", source: url (line)`, the text quoted as
   * JSON (so on one line), an uncaught exception's starting `Uncaught`; browser-side messages (a
   * resource that failed to load) too. Fails when the page crashes, the browser exits, or
   * RENDER_TIMEOUT_MS pass.
   */
  private async render<T>(html: string, viewport: { width: number; height: number } | null, read: (sessionId: string) => Promise<T>): Promise<{ value: T; console: string }> {
    const { browserContextId } = await this.send('Target.createBrowserContext');
    const lines: string[] = [];
    let sessionId = '';
    let fail: (error: Error) => void = () => {};
    const failed = new Promise<never>((_, reject) => {
      fail = reject;
    });
    const timer = setTimeout(() => fail(new Error(`chromium did not finish within ${RENDER_TIMEOUT_MS / 1000} s on ${html}`)), RENDER_TIMEOUT_MS);
    this.renders.add(fail);
    const onMessage = (message: Message): void => {
      if (message.sessionId !== sessionId || message.params === undefined) return;
      const params = message.params;
      const line = (text: string, frame: CallFrame | undefined): string =>
        frame === undefined ? `CONSOLE(0) ${JSON.stringify(text)}` : `CONSOLE(${frame.lineNumber + 1}) ${JSON.stringify(text)}, source: ${frame.url} (${frame.lineNumber + 1})`;
      if (message.method === 'Runtime.consoleAPICalled') {
        const args = (params.args as RemoteObject[]).map((arg) => (typeof arg.value === 'string' ? arg.value : (arg.description ?? String(arg.value))));
        lines.push(line(args.join(' '), (params.stackTrace as { callFrames: CallFrame[] } | undefined)?.callFrames[0]));
      } else if (message.method === 'Runtime.exceptionThrown') {
        const details = params.exceptionDetails as { text: string; exception?: RemoteObject; url?: string; lineNumber: number };
        const text = details.exception?.description === undefined ? details.text : `${details.text} ${details.exception.description}`;
        lines.push(line(text, { url: details.url ?? '', lineNumber: details.lineNumber }));
      } else if (message.method === 'Log.entryAdded') {
        const entry = params.entry as { level: string; text: string; url?: string; lineNumber?: number };
        lines.push(line(entry.text, { url: entry.url ?? '', lineNumber: entry.lineNumber ?? 0 }));
      } else if (message.method === 'Inspector.targetCrashed') {
        fail(new Error(`chromium's page crashed on ${html}`));
      }
    };
    this.listeners.add(onMessage);
    try {
      const rendered = (async () => {
        const { targetId } = await this.send('Target.createTarget', { url: 'about:blank', browserContextId });
        sessionId = (await this.send('Target.attachToTarget', { targetId, flatten: true })).sessionId as string;
        for (const domain of ['Page', 'Runtime', 'Log', 'Inspector']) await this.send(`${domain}.enable`, {}, sessionId);
        if (viewport !== null) {
          await this.send('Emulation.setDeviceMetricsOverride', { ...viewport, deviceScaleFactor: 1, mobile: false }, sessionId);
          await this.send('Emulation.setScrollbarsHidden', { hidden: true }, sessionId);
        }
        // Virtual time held still until the navigation is under way, then the page's budget.
        await this.send('Emulation.setVirtualTimePolicy', { policy: 'pause' }, sessionId);
        const loaded = this.next('Page.loadEventFired', sessionId);
        const navigated = await this.send('Page.navigate', { url: pathToFileURL(html).href }, sessionId);
        if (typeof navigated.errorText === 'string') throw new Error(`chromium could not open ${html}: ${navigated.errorText}`);
        const expired = this.next('Emulation.virtualTimeBudgetExpired', sessionId);
        await this.send('Emulation.setVirtualTimePolicy', { policy: 'pauseIfNetworkFetchesPending', budget: VIRTUAL_TIME_BUDGET_MS }, sessionId);
        await expired;
        await loaded;
        return read(sessionId);
      })();
      rendered.catch(() => {}); // when `failed` came first: what is left of it fails too, seen by no one
      const value = await Promise.race([rendered, failed]);
      return { value, console: lines.join('\n') };
    } finally {
      clearTimeout(timer);
      this.renders.delete(fail);
      this.listeners.delete(onMessage);
      await this.send('Target.disposeBrowserContext', { browserContextId }).catch(() => {});
    }
  }

  /** The DOM after the page's scripts ran, as HTML text (doctype, then <html>…, as --dump-dom printed it); and the page's console. */
  async dumpDom(html: string): Promise<{ stdout: string; stderr: string }> {
    const { value, console } = await this.render(html, null, async (sessionId) => {
      const { result } = await this.send(
        'Runtime.evaluate',
        { expression: "(document.doctype ? new XMLSerializer().serializeToString(document.doctype) + '\\n' : '') + document.documentElement.outerHTML", returnByValue: true },
        sessionId,
      );
      return String((result as RemoteObject).value);
    });
    return { stdout: value, stderr: console };
  }

  /** What `expression` evaluates to in the page after its scripts ran, in a window 1200 px wide (as the screenshots'), and the page's console. */
  async evaluate(html: string, expression: string): Promise<{ value: unknown; stderr: string }> {
    const { value, console } = await this.render(html, { width: 1200, height: 900 }, async (sessionId) => {
      const { result } = await this.send('Runtime.evaluate', { expression, returnByValue: true }, sessionId);
      return (result as RemoteObject).value;
    });
    return { value, stderr: console };
  }

  /** A PNG of the page's top `height` pixels, 1200 wide, no scrollbars, written to `png`: make it tall enough to reach the charts. And the page's console. */
  async screenshot(html: string, png: string, height = 900): Promise<{ stderr: string }> {
    const { value, console } = await this.render(html, { width: 1200, height }, async (sessionId) => (await this.send('Page.captureScreenshot', { format: 'png' }, sessionId)).data as string);
    writeFileSync(png, Buffer.from(value, 'base64'));
    return { stderr: console };
  }
}
