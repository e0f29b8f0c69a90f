import { fileURLToPath } from 'node:url';
import { findNativeHelper, packageRoot } from '../session/exec-helper.ts';

/** When the line first shows and how often it is redrawn. */
export const LIVE_DELAY_MS = 1000;
export const LIVE_REFRESH_MS = 250;
/** A window over another process (run's program) forks its relay only once it has lasted this long. */
export const LIVE_RELAY_START_MS = 500;
/** Commands shorter than this cannot have shown a line (the relay waits LIVE_DELAY_MS from a window's `open`). */
export const LIVE_VISIBLE_AFTER_S = 0.9;

let cachedPath: string | null | undefined;

/**
 * The relay binary: dist/perfcell-live from `npm run build`, else compiled once with cc into
 * ~/.cache/perfcell; null where neither works (no live view then).
 */
export function findLiveRelay(from: string = fileURLToPath(import.meta.url)): string | null {
  if (cachedPath !== undefined) return cachedPath;
  // A relay built for another architecture (a tarball made elsewhere) is compiled anew for this one.
  cachedPath = findNativeHelper('perfcell-live', packageRoot(from));
  return cachedPath;
}
