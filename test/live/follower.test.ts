import { chmodSync, closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLiveFollower } from '../../src/live/follower.ts';
import { LIVE_VISIBLE_AFTER_S } from '../../src/live/relay.ts';

const dir = mkdtempSync(join(tmpdir(), 'perfcell-follower-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A relay that reads its commands and never answers one (stopped or wedged): a real process, a shell script. */
function wedgedRelay(): string {
  const path = join(dir, 'wedged-relay.sh');
  writeFileSync(path, '#!/bin/sh\nexec cat > /dev/null\n');
  chmodSync(path, 0o755);
  return path;
}

describe('the live view follower (src/live/follower.ts) against a relay that never answers', () => {
  it("a window too short to have shown a line waits for no answer; a longer one waits at most a second, then its report goes on", { timeout: 10_000 }, async () => {
    const follower = startLiveFollower(process.pid, wedgedRelay());
    expect(follower).not.toBeNull();
    const fd = openSync(join(dir, 'perf.out'), 'w');
    try {
      let startMs = performance.now();
      await follower!.open(fd).close();
      expect(performance.now() - startMs).toBeLessThan(100);

      const line = follower!.open(fd);
      await new Promise((resolve) => setTimeout(resolve, LIVE_VISIBLE_AFTER_S * 1000 + 50));
      startMs = performance.now();
      await line.close();
      const waitedMs = performance.now() - startMs;
      expect(waitedMs).toBeGreaterThanOrEqual(950);
      expect(waitedMs).toBeLessThan(3000);
    } finally {
      closeSync(fd);
      await follower!.end();
    }
  });
});
