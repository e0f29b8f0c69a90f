import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { perfsCounting } from '../support/perf.ts';

/**
 * `perfcell cells` spawns the launcher of its shared perf first thing (src/cli/lanes/cells-early.ts),
 * and the launcher execs perf at once, held at main() by native/perfcell-perf-hold.c while perfcell
 * loads and reads the file; the file's cells share that one perf, whatever their number.
 * Real perf, real perfcell runs: each file's cells look at their own process tree.
 */
const dir = mkdtempSync(join(tmpdir(), 'perfcell-cells-early-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A cell that writes, to `out`, the first argument of each perf launcher this process has as a child, and of the parent of each perf counting this process. */
const probeCell = (out: string): string =>
  [
    "const { readdirSync, readFileSync, writeFileSync } = await import('node:fs');",
    'const found = [];',
    "for (const name of readdirSync('/proc').filter((entry) => /^\\d+$/.test(entry))) {",
    '  try {',
    "    const stat = readFileSync(`/proc/${name}/stat`, 'utf8');",
    "    const parent = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];",
    "    const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\\0');",
    "    const at = args.indexOf('--pid');",
    "    if (stat.includes('(perf)') && at !== -1 && Number(args[at + 1]) === process.pid) found.push('perf of ' + readFileSync(`/proc/${parent}/cmdline`, 'utf8').split('\\0').slice(1, 2).join(' '));",
    "    if (Number(parent) === process.pid && args[1]?.startsWith('--perf-group')) found.push('launcher ' + args[1]);",
    '  } catch {}',
    '}',
    `writeFileSync(${JSON.stringify(out)}, found.sort().join('\\n'));`,
  ].join('\n');

describe("cells' shared perf, exec'd before the file is read", () => {
  it('a file\'s cells count with the early launcher\'s perf; its pages are counted', async () => {
    const out = join(dir, 'one.txt');
    const file = join(dir, 'one.js');
    writeFileSync(file, `// %% probe\n${probeCell(out)}\n// %% touch\nconst pages = new Uint8Array(2048 * 4096); for (let i = 0; i < pages.length; i += 4096) pages[i] = 1;\n`);
    const child = execa(process.execPath, [cliPath, 'cells', '--json', '-e', 'page-faults', file], { reject: false, timeout: 60_000 });
    const result = await child;
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')).toEqual(['launcher --perf-group-early', 'perf of --perf-group-early']);
    const document = JSON.parse(result.stdout) as { cells: Array<{ title: string; report: { counters: { events: Array<{ event: string; total: number | null }> } } }> };
    const touch = document.cells.find((cell) => cell.title === 'touch');
    const faults = touch?.report.counters.events.find((event) => event.event === 'page-faults')?.total ?? NaN;
    // 2048 fresh pages, one fault each (V8 may add a few of its own)
    expect(faults, result.stdout.slice(0, 400)).toBeGreaterThanOrEqual(2048);
    expect(faults).toBeLessThan(2048 * 1.2);
    // (perfsCounting reads each perf's command line and passes over one that exits meanwhile: other
    // files' perfs come and go while this one runs; a read of its own failed once on one that had gone)
    expect(perfsCounting(new Set([child.pid!]))).toEqual([]);
  });

  it('compare FILE --cells: the cells compared count with the early launcher\'s perf too (src/cli/lanes/compare-cells-early.ts)', async () => {
    const out = join(dir, 'compare.txt');
    const file = join(dir, 'compare.js');
    writeFileSync(file, `// %% probe\n${probeCell(out)}\n// %% other\n1;\n`);
    const result = await execa(process.execPath, [cliPath, 'compare', '--runs', '2', '--warmup', '0', '-e', 'page-faults', file, '--cells', 'probe', 'other'], { reject: false, timeout: 60_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')).toEqual(['launcher --perf-group-early', 'perf of --perf-group-early']);
  });

  it('--no-perf: no launcher at all', async () => {
    const out = join(dir, 'none.txt');
    const file = join(dir, 'none.js');
    writeFileSync(file, `// %% probe\n${probeCell(out)}\n`);
    const result = await execa(process.execPath, [cliPath, 'cells', '--no-perf', file], { reject: false, timeout: 60_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('');
  });

  it('a file of many cells (60: a group of two before 2026-12-05) counts with the early launcher\'s one perf too', async () => {
    const out = join(dir, 'many.txt');
    const file = join(dir, 'many.js');
    writeFileSync(file, Array.from({ length: 60 }, (_, index) => `// %% c${index}\n1;\n`).join('') + `// %% probe\n${probeCell(out)}\n`);
    const result = await execa(process.execPath, [cliPath, 'cells', '-e', 'page-faults', file], { reject: false, timeout: 60_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')).toEqual(['launcher --perf-group-early', 'perf of --perf-group-early']);
  });

  it('cells that cannot share a perf (-M: metric-only rows cannot be regrouped): the early launcher ends before the first cell\'s own perf starts', async () => {
    const out = join(dir, 'own.txt');
    const file = join(dir, 'own.js');
    writeFileSync(file, `// %% probe\n${probeCell(out)}\n`);
    const result = await execa(process.execPath, [cliPath, 'cells', '-M', 'NoSuchGroupXyz', '-e', 'page-faults', file], { reject: false, timeout: 60_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')).toEqual(['launcher --perf-group', 'perf of --perf-group']);
  });
});
