// The bin's shell launcher (scripts/lib/bin-launcher.mjs, src/cli/launcher-env.ts): commands that
// run none of the user's code in perfcell's process start node without NODE_EXTRA_CA_CERTS (Node 20
// loads that file and its whole root store at every start, BENCHMARKS.md "Start-up"), and the
// programs they measure still see the variable exactly as the user set it. The bin is executed as
// users run it, by its own first line, not as `node cli.cjs`. Node itself is the witness of what it
// loaded: a NODE_EXTRA_CA_CERTS naming a missing file makes it warn at start-up.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { restoreLauncherEnv } from '../../src/cli/launcher-env.ts';
import { EARLY_WORKER_MIN_BYTES } from '../../src/cli/commands/parse.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = `${root}dist/app/cli.cjs`;
const missingCa = '/nonexistent/perfcell-test-ca.pem';
const nodeLoadedIt = /Ignoring extra certs from/;

beforeAll(() => {
  expect(existsSync(bin), `${bin} is missing: run npm run build (vitest's global setup builds it)`).toBe(true);
});

/** The environment without either variable, plus `extra`. */
function envWith(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: '1' };
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== 'NODE_EXTRA_CA_CERTS' && key !== 'PERFCELL_NODE_EXTRA_CA_CERTS') env[key] = value;
  }
  return { ...env, ...extra };
}

// what the measured program sees: the variable (or "unset"), and whether the launcher's copy leaked
const showEnv = 'printf "[%s] [%s]" "${NODE_EXTRA_CA_CERTS-unset}" "${PERFCELL_NODE_EXTRA_CA_CERTS-unset}"';

async function runBin(args: string[], env: Record<string, string>) {
  return execa(bin, args, { reject: false, timeout: 60_000, extendEnv: false, env });
}

describe('the bin launcher', () => {
  it('starts run without the CA file and hands the variable to the program as the user set it', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ NODE_EXTRA_CA_CERTS: missingCa }, `[${missingCa}] [unset]`],
      [{ NODE_EXTRA_CA_CERTS: '' }, '[] [unset]'],
      [{}, '[unset] [unset]'],
      // a stray copy of the launcher's variable is not taken for the user's
      [{ PERFCELL_NODE_EXTRA_CA_CERTS: missingCa }, '[unset] [unset]'],
    ];
    for (const [extra, seen] of cases) {
      for (const args of [['run', '--no-perf'], ['--debug', 'run', '--no-perf']]) {
        const result = await runBin([...args, '--', 'sh', '-c', showEnv], envWith(extra));
        expect(result.exitCode, `${JSON.stringify(extra)} ${result.stderr}`).toBe(0);
        expect(result.stdout, JSON.stringify(extra)).toBe(seen);
        expect(result.stderr, JSON.stringify(extra)).not.toMatch(nodeLoadedIt);
      }
    }
  });

  it('keeps the variable for cells, whose code runs in perfcell\'s process, and for compare --cells', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-launcher-'));
    try {
      const file = join(dir, 'cells.js');
      const seen = join(dir, 'seen.txt');
      writeFileSync(file, `// %% a\nrequire('node:fs').writeFileSync(${JSON.stringify(seen)}, String(process.env.NODE_EXTRA_CA_CERTS) + ' ' + String(process.env.PERFCELL_NODE_EXTRA_CA_CERTS))\n`);
      for (const args of [['cells', '--no-perf', file], ['compare', '--no-perf', '--runs', '2', '--warmup', '0', file, '--cells', 'a']]) {
        const result = await runBin(args, envWith({ NODE_EXTRA_CA_CERTS: missingCa }));
        expect(result.exitCode, `${args[0]}: ${result.stderr}`).toBe(0);
        expect(result.stderr, args[0]).toMatch(nodeLoadedIt);
        expect(readFileSync(seen, 'utf8'), args[0]).toBe(`${missingCa} undefined`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts compare of programs without it, and the programs see it', async () => {
    const result = await runBin(['compare', '--no-perf', '--runs', '2', '--warmup', '0', '--json', '--shell', '--', `${showEnv} >&2`, 'true'], envWith({ NODE_EXTRA_CA_CERTS: missingCa }));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(nodeLoadedIt);
    expect(result.stderr).toContain(`[${missingCa}] [unset]`);
  });
});

describe('the bin launcher and parse', () => {
  it('starts parse of a file it reads on two threads (32 MiB or more) with V8 compiling and collecting on each isolate\'s own thread, and no other', { timeout: 60_000 }, async () => {
    // node's arguments as the launcher gives them, written down by a `node` ahead of the real one on PATH
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-launcher-parse-'));
    try {
      const log = join(dir, 'node-args.log');
      writeFileSync(join(dir, 'node'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${process.execPath}' "$@"\n`, { mode: 0o755 });
      const row = '     1.000000000,1,,page-faults,1000,100.00,,\n';
      const small = join(dir, 'small.csv');
      const large = join(dir, 'large.csv');
      writeFileSync(small, row);
      // the launcher's threshold (its line in the built bin) is the one parse reads on two threads from
      expect(Number(/ -ge (\d+) \]/.exec(readFileSync(bin, 'utf8').split('\n')[1] ?? '')?.[1])).toBe(EARLY_WORKER_MIN_BYTES);
      writeFileSync(large, row.repeat(Math.ceil(EARLY_WORKER_MIN_BYTES / row.length)));
      const env = envWith({ PATH: `${dir}:${process.env['PATH'] ?? ''}` });
      for (const args of [['parse', large], ['parse', '--format', 'csv', large], ['parse', small], ['parse', '--summary', large], ['--version']]) {
        const result = await execa(bin, args, { reject: false, timeout: 60_000, extendEnv: false, env, stdout: 'ignore' });
        expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      }
      const flags = '--single-threaded-gc --no-concurrent-recompilation';
      expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
        `${flags} ${bin} parse ${large}`,
        `${flags} ${bin} parse --format csv ${large}`,
        `${bin} parse ${small}`,
        `${bin} parse --summary ${large}`,
        `${bin} --version`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('restoreLauncherEnv', () => {
  it('puts back what the launcher kept, empty too, and leaves an environment it did not touch alone', () => {
    const kept: NodeJS.ProcessEnv = { PERFCELL_NODE_EXTRA_CA_CERTS: '', PATH: '/bin' };
    restoreLauncherEnv(kept);
    expect(kept).toEqual({ NODE_EXTRA_CA_CERTS: '', PATH: '/bin' });
    const untouched: NodeJS.ProcessEnv = { NODE_EXTRA_CA_CERTS: '/a.pem' };
    restoreLauncherEnv(untouched);
    expect(untouched).toEqual({ NODE_EXTRA_CA_CERTS: '/a.pem' });
  });
});
