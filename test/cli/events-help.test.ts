import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_HELP } from '../../src/cli/options.ts';
import { HARDWARE_DEFAULT_EVENTS, SOFTWARE_DEFAULT_EVENTS } from '../../src/perf/default-events.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = `${root}dist/app/cli.cjs`;

beforeAll(() => {
  // test/global-setup.ts builds once (or fails the run); each file only checks the bin is there.
  expect(existsSync(bin), `${bin} is missing: run npm run build (vitest's global setup builds it)`).toBe(true);
});

describe('-e help', () => {
  it('names both default sets, as default-events.ts has them', () => {
    expect(EVENTS_HELP).toContain(`default: ${HARDWARE_DEFAULT_EVENTS.join(',')} where the CPU counts them, else ${SOFTWARE_DEFAULT_EVENTS.join(',')}`);
  });

  it('is what run, cells, compare, attach, repl and kernel print, and --help runs no perf to say it', async () => {
    // a perf that leaves a mark when run: --help must not probe the machine
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-help-'));
    try {
      const mark = join(dir, 'perf-ran');
      const perf = join(dir, 'perf');
      writeFileSync(perf, `#!/bin/sh\ntouch ${mark}\nexit 1\n`);
      chmodSync(perf, 0o755);
      for (const command of ['run', 'cells', 'compare', 'attach', 'repl', 'kernel']) {
        const result = await execa(process.execPath, [bin, command, '--help'], {
          reject: false,
          timeout: 60_000,
          env: { NO_COLOR: '1', COLUMNS: '1000', PERFCELL_PERF: perf, PATH: `${dir}:${process.env['PATH'] ?? ''}` },
        });
        expect(result.exitCode, command).toBe(0);
        expect(result.stdout.replace(/\s+/g, ' '), command).toContain(EVENTS_HELP);
      }
      expect(existsSync(mark)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
