import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isNodeProgram, nodeGcEnvironment, parseNodeGcLine } from '../../src/session/node-gc.ts';
import { cliPath } from '../support/fixtures.ts';

const GARBAGE = 'const ring = new Array(1024); for (let i = 0; i < 3e6; i++) ring[i & 1023] = { i };';

interface RunJson {
  readonly exitCode: number;
  readonly gc?: { collections: number; counts: { minor: number }; pauseTotalMs: number; reclaimedBytes: number };
}

function runJson(args: readonly string[]): RunJson {
  const stdout = execFileSync(process.execPath, [cliPath, 'run', '--json', '--no-perf', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return JSON.parse(stdout) as RunJson;
}

describe('--node-gc: a Node program reports its collections through a preload (pure parts)', () => {
  it('reads the preload\'s line into the report\'s gc, and nothing else', () => {
    const line = JSON.stringify({
      perfcellGc: 1,
      byType: {
        Scavenge: { count: 3, costUs: 1500, longestUs: 700, reclaimedBytes: 4096 },
        MarkSweepCompact: { count: 1, costUs: 3000, longestUs: 3000, reclaimedBytes: 1_000_000 },
      },
    });
    expect(parseNodeGcLine(line)).toEqual({
      counts: { minor: 3, major: 1, incremental: 0, weak: 0 },
      collections: 4,
      pauseTotalMs: 4.5,
      pauseLongestMs: 3,
      reclaimedBytes: 1_004_096,
    });
    expect(parseNodeGcLine('{"other":1}')).toBeNull();
    expect(parseNodeGcLine('not json')).toBeNull();
  });

  it('is automatic for node by basename only, and adds its preload to NODE_OPTIONS after the user\'s', () => {
    expect([isNodeProgram('/usr/bin/node'), isNodeProgram('node'), isNodeProgram(process.execPath), isNodeProgram('/usr/bin/python3'), isNodeProgram('./nodejs-tool')]).toEqual([true, true, true, false, false]);
    const env = nodeGcEnvironment({ NODE_OPTIONS: '--max-old-space-size=100' }, '/p/gc-preload.cjs');
    expect(env['NODE_OPTIONS']).toBe('--max-old-space-size=100 --require "/p/gc-preload.cjs"');
    expect(env['PERFCELL_GC_FD']).toBe('5');
  });
});

describe('perfcell run of a real node program (built CLI, real preload)', () => {
  it('reports the collections of 3 million small objects in --json; none asked with --no-node-gc; none for a program that is not node', { timeout: 120_000 }, () => {
    const garbage = runJson(['--', process.execPath, '-e', GARBAGE]);
    expect(garbage.exitCode).toBe(0);
    expect(garbage.gc?.collections).toBeGreaterThanOrEqual(1);
    expect(garbage.gc?.counts.minor).toBeGreaterThanOrEqual(1);
    expect(garbage.gc?.pauseTotalMs).toBeGreaterThan(0);
    expect(garbage.gc?.reclaimedBytes).toBeGreaterThan(0);

    expect(runJson(['--no-node-gc', '--', process.execPath, '-e', GARBAGE]).gc).toBeUndefined();
    expect(runJson(['--', 'true']).gc).toBeUndefined();
  });

  it('prints the GC line in the text report, keeps the program\'s stdout its own, and leaves its children\'s environment alone', { timeout: 60_000 }, () => {
    const program = `${GARBAGE} console.log(JSON.stringify([process.env.NODE_OPTIONS ?? '', process.env.PERFCELL_GC_FD ?? '']))`;
    const result = spawnSync(process.execPath, [cliPath, 'run', '--no-perf', '--', process.execPath, '-e', program], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', NODE_OPTIONS: '' }, timeout: 60_000 });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout.trim())).toEqual(['', '']);
    expect(result.stderr).toMatch(/\n\s+gc {2}\d+ minor[^\n]* {2}pause [\d.]+ ms total, longest [\d.]+ ms {2}reclaimed [\d.]+ MiB/);
  });

  // A QA pass: under Node's permission model the program may not read the preload's file, and
  // `run -- node --experimental-permission --allow-fs-read=prog.js prog.js` ended with 'Access to this
  // API has been restricted' (exit 1) before the program's first line, where it runs bare.
  it("runs a program under Node's permission model without the preload it may not read: no gc, said where --node-gc asked for it", { timeout: 60_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-permission-'));
    try {
      const program = join(dir, 'allowed.js');
      writeFileSync(program, "console.log('ran')\n");
      const node = [process.execPath, '--experimental-permission', `--allow-fs-read=${program}`, program];
      const bare = spawnSync(node[0]!, node.slice(1), { encoding: 'utf8' });
      expect([bare.status, bare.stdout]).toEqual([0, 'ran\n']);
      for (const asked of [[], ['--node-gc']]) {
        const result = spawnSync(process.execPath, [cliPath, 'run', '--json', '-o', join(dir, 'report.json'), '--no-perf', ...asked, '--', ...node], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
        expect([result.status, result.stdout], result.stderr).toEqual([0, 'ran\n']);
        const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunJson & { warnings: string[] };
        expect(report.gc).toBeUndefined();
        const said = report.warnings.filter((warning) => warning.includes('permission model'));
        expect(said).toEqual(asked.length === 0 ? [] : ["no GC report: the program runs under Node's permission model (--experimental-permission), which would refuse it the GC preload's file"]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A review: the permission model's flag among the script's own arguments is the script's, and
  // `run -- node prog.js --permission` had gone without its gc row (with --node-gc, a warning that
  // the program ran under the permission model, which it did not).
  it("gives the gc row to a program whose own arguments name --permission (Node's options end at the script)", { timeout: 60_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-permission-arg-'));
    try {
      const program = join(dir, 'prog.js');
      writeFileSync(program, `${GARBAGE} console.log(process.argv.slice(2).join(' '))\n`);
      for (const flag of ['--permission', '--experimental-permission']) {
        const result = spawnSync(process.execPath, [cliPath, 'run', '--json', '-o', join(dir, 'report.json'), '--no-perf', '--node-gc', '--', process.execPath, program, flag], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
        expect([result.status, result.stdout], result.stderr).toEqual([0, `${flag}\n`]);
        const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunJson & { warnings: string[] };
        expect(report.warnings.filter((warning) => warning.includes('permission model'))).toEqual([]);
        expect(report.gc?.counts.minor ?? 0).toBeGreaterThan(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A review: the library's programEnvironment with a NODE_OPTIONS of its own was laid over the
  // preload's, so the program ran without the preload (no gc, not a word) and with perfcell's
  // PERFCELL_GC_FD, PERFCELL_GC_PRELOAD and PERFCELL_GC_NO_NODE_OPTIONS in its environment.
  it("gives the gc row to a program whose programEnvironment (the library's) names a NODE_OPTIONS of its own, and keeps perfcell's variables out of it", { timeout: 60_000 }, () => {
    const library = new URL('../../dist/app/index.js', import.meta.url).href;
    const program = `${GARBAGE} console.log(JSON.stringify([process.env.NODE_OPTIONS, Object.keys(process.env).filter((name) => name.startsWith('PERFCELL_GC'))]))`;
    const script = [
      `import { measure } from ${JSON.stringify(library)};`,
      `const report = await measure([process.execPath, '-e', ${JSON.stringify(program)}], { perf: false, programEnvironment: { NODE_OPTIONS: '--no-warnings' } });`,
      "console.log(JSON.stringify(report.gc?.counts.minor ?? 0));",
    ].join('\n');
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env['NODE_OPTIONS'];
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env, timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    const [seen, minor] = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown);
    expect(seen).toEqual(['--no-warnings', []]);
    expect(minor).toBeGreaterThan(0);
  });

  // A QA pass: where perfcell was started without NODE_OPTIONS, the program (and every process it
  // started) had NODE_OPTIONS='' where it runs bare without one: the preload took its own words out
  // and left the variable, which `'NODE_OPTIONS' in process.env` and `env` show.
  it('leaves NODE_OPTIONS unset in the program where perfcell had none, and empty where it was empty', { timeout: 60_000 }, () => {
    const program = `${GARBAGE} console.log(JSON.stringify(process.env.NODE_OPTIONS ?? null))`;
    const withOptions = (options: string | undefined): unknown => {
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
      if (options === undefined) delete env['NODE_OPTIONS'];
      else env['NODE_OPTIONS'] = options;
      const result = spawnSync(process.execPath, [cliPath, 'run', '--json', '-o', '/dev/null', '--no-perf', '--', process.execPath, '-e', program], { encoding: 'utf8', env, timeout: 60_000 });
      expect(result.status, result.stderr).toBe(0);
      return JSON.parse(result.stdout.trim());
    };
    expect(withOptions(undefined)).toBeNull();
    expect(withOptions('')).toBe('');
    expect(withOptions('--no-warnings')).toBe('--no-warnings');
  });
});
