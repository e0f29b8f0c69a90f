import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startLiveFollower } from '../../src/live/follower.ts';
import { LIVE_VISIBLE_AFTER_S } from '../../src/live/relay.ts';
import { temporaryFolders } from '../support/temp-folders.ts';

const dir = temporaryFolders('all')('perfcell-follower-');

/** A stand-in relay: a real process, a shell script of these lines. */
function relayScript(name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, ['#!/bin/sh', ...lines, ''].join('\n'));
  chmodSync(path, 0o755);
  return path;
}

/** A relay that reads its commands and never answers one (stopped or wedged). */
function wedgedRelay(): string {
  return relayScript('wedged-relay.sh', ['exec cat > /dev/null']);
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

/**
 * A relay that answers `close` and, at the end of its input, exits while a process of its own
 * still holds its stdout for 300 ms: its exit comes well before the end of its stdout, which a
 * busy machine made of the real relay's now and then.
 */
function slowToCloseRelay(): string {
  return relayScript('slow-to-close-relay.sh', ["while read -r command; do [ \"$command\" = close ] && printf '#perfcell-live erased\\n'; done", 'sleep 0.3 &', 'exit 0']);
}

describe("the live view follower's end", () => {
  it("holds the process until the relay's stdout has ended, not only until its exit (Node had exited 0 in between, the results unwritten)", { timeout: 10_000 }, () => {
    // A Node of its own, whose event loop may run out: the built module (npm test builds first).
    // The window was open 5 s, so its line may have shown and end() awaits the relay.
    const builtModule = fileURLToPath(new URL('../../dist/src/live/follower.js', import.meta.url));
    const script = `import { startLiveFollower } from ${JSON.stringify(builtModule)};
const follower = startLiveFollower(process.pid, ${JSON.stringify(slowToCloseRelay())});
await follower.open(null, process.pid, 5000).close();
process.stdout.write('erased\\n');
await follower.end();
process.stdout.write('relay ended\\n');`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 8000 });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('erased\nrelay ended\n');
    expect(result.status).toBe(0);
  });
});
