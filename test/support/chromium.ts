import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Debian's chromium (or $CHROMIUM); null when none is installed. */
export function findChromium(): string | null {
  const named = process.env.CHROMIUM;
  if (named !== undefined && existsSync(named)) return named;
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

export const CHROMIUM_MISSING =
  'chromium is not installed, so the HTML report cannot be rendered and checked (run: apt-get install -y chromium, or set CHROMIUM=/path/to/chrome)';

/**
 * Headless Chromium kept off the network: no background requests, updates or sync, and every
 * host name resolves to nothing, so a page that needed a CDN would fail to draw. A fresh
 * profile each time; killed after 60 s.
 */
async function runChromium(chromium: string, mode: string[], html: string): Promise<{ stdout: string; stderr: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'perfcell-chromium-'));
  try {
    const result = await execa(
      chromium,
      [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-extensions', `--user-data-dir=${profile}`,
        '--host-resolver-rules=MAP * ~NOTFOUND', '--enable-logging=stderr', '--v=0',
        // Lets the page's timers run (charts draw, then the pixel check sets its attributes).
        '--virtual-time-budget=5000',
        ...mode,
        pathToFileURL(html).href,
      ],
      { reject: false, timeout: 60_000, forceKillAfterDelay: 1_000, cleanup: true },
    );
    if (result.timedOut) throw new Error(`chromium did not finish within 60 s on ${html}`);
    return { stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The DOM after the page's scripts ran, as HTML text; and Chromium's log. */
export function dumpDom(chromium: string, html: string) {
  return runChromium(chromium, ['--dump-dom'], html);
}

/** A PNG of the page's top `height` pixels, 1200 wide: make it tall enough to reach the charts. */
export function screenshot(chromium: string, html: string, png: string, height = 900) {
  return runChromium(chromium, [`--screenshot=${png}`, `--window-size=1200,${height}`, '--hide-scrollbars'], html);
}
