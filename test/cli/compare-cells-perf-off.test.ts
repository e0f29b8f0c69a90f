/**
 * compare FILE --cells where perf cannot count: the first cell window to ask perf is a warm-up run
 * or a set-up cell, whose report compare does not show, and the runs after it go without perf. It
 * said nothing: no warning, `settings.perf` true, and runs without their counters (a QA pass). Now
 * the cause is said once, on stderr and in the document's (and the export's) warnings, and
 * `settings.perf` is false. A missing perf is real; perf that exits at once or prints garbage is a
 * two-line sh script, as real perf cannot be made to fail so on cue.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import type { CompareDocument } from '../../src/experiment/compare-document.ts';
import { cliPath } from '../support/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'perfcell-compare-perf-off-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string, mode?: number): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  if (mode !== undefined) chmodSync(path, mode);
  return path;
};
const cells = file('cells1.ts', '// %% a\nlet x = 0; for (let i=0;i<1e6;i++) x+=i;\n// %% b\nconst y = [1,2,3].map(v=>v*2);\n');
const withSetUp = file('setup.js', '// %% set-up\nlet n = 1;\n// %% a\nn += 1;\n// %% b\nn += 2;\n');
const exitsAtOnce = file('perf-exit-1', '#!/bin/sh\nexit 1\n', 0o755);
const printsGarbage = file('perf-garbage', '#!/bin/sh\necho garbage >&2\n', 0o755);

const schemaDir = join(import.meta.dirname, '..', '..', 'schema');
const validate = new Ajv2020({ strict: true, allowUnionTypes: true, validateFormats: false }).compile(JSON.parse(readFileSync(join(schemaDir, 'perfcell-compare.schema.json'), 'utf8')) as object);

const perfcell = (args: readonly string[], perf: string) =>
  execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1', PERFCELL_PERF: perf }, cwd: dir, timeout: 60_000, forceKillAfterDelay: 1_000 });

const NOT_FOUND = 'perf not found at /nonexistent (PERFCELL_PERF names it: unset PERFCELL_PERF, or point it at a perf binary); measuring RAM, time and CPU only';

describe('compare FILE --cells without a working perf', () => {
  it.each([
    ['a missing perf, the warm-up round first to ask it', '/nonexistent', cells, [], NOT_FOUND],
    ['a missing perf, a set-up cell first to ask it', '/nonexistent', withSetUp, ['--warmup', '0'], NOT_FOUND],
    ['perf that exits 1 at once', exitsAtOnce, cells, [], 'perf stopped before counting: no message (run: perfcell doctor); measuring RAM, time and CPU only'],
    ['perf that prints garbage', printsGarbage, cells, [], 'perf stopped before counting: garbage (run: perfcell doctor); measuring RAM, time and CPU only'],
  ] as const)('%s: warned once (stderr, --json, --export-json), settings.perf false', async (_name, perf, cellFile, extra, warning) => {
    const exported = join(dir, `export-${Math.random().toString(36).slice(2)}.json`);
    const result = await perfcell(['compare', cellFile, '--cells', 'a', 'b', '-r', '2', ...extra, '--json', '--export-json', exported], perf);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('warning:'))).toEqual([`warning: ${warning}`]);
    const document = JSON.parse(result.stdout) as CompareDocument;
    expect(validate(document) ? [] : validate.errors).toEqual([]);
    expect(document.settings.perf).toBe(false);
    expect(document.warnings).toEqual([warning]);
    expect((JSON.parse(readFileSync(exported, 'utf8')) as CompareDocument).warnings).toEqual([warning]);
    for (const alternative of document.alternatives) for (const run of alternative.runs) expect(Object.keys(run)).not.toContain('page-faults');
  }, 60_000);
});
