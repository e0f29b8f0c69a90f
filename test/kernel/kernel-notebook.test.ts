import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeCell, jupyterMissing, perfAttachedTo, runNotebook, waitUntil } from './jupyter.ts';

const REPORT_MIME = 'application/vnd.perfcell.report+json';
const MIB = 1024 * 1024;
const MULTILINE = new Set(['source', 'text', 'text/plain', 'text/html']);

interface Output {
  readonly output_type: string;
  readonly name?: string;
  readonly text?: string;
  readonly data?: Record<string, unknown>;
  readonly ename?: string;
  readonly evalue?: string;
}
interface Cell {
  readonly cell_type: string;
  readonly source: string;
  readonly outputs?: readonly Output[];
  readonly execution_count?: number | null;
}

const cells = [
  "const greeting: string = 'hello, notebook';\ngreeting.length",
  'const big = new Uint8Array(128 * 1024 * 1024).fill(1);\nbig.length',
  "console.log('before the await');\nawait new Promise((resolve) => setTimeout(resolve, 50));\nconsole.error('after the await');\n'awaited'",
  "throw new RangeError('this cell fails on purpose')",
  'perfcell.history.length',
  'process.pid',
];

describe.skipIf(jupyterMissing !== null)('perfcell kernel under nbclient (the real Jupyter client)', () => {
  let dir = '';
  let executed: Cell[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'perfcell-kernel-nb-'));
    const out = runNotebook(dir, 'perfcell-test', [{ cell_type: 'markdown', id: 'intro', metadata: {}, source: '# not code' }, ...cells.map(codeCell)], { allowErrors: true, timeoutMs: 180_000 });
    // nbformat stores multi-line text as a list of lines; joined here.
    executed = (JSON.parse(out, (key, value: unknown) => (Array.isArray(value) && MULTILINE.has(key) ? value.join('') : value)) as { cells: Cell[] }).cells.filter((cell) => cell.cell_type === 'code');
  }, 200_000);

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    // The kernel said its pid in the last cell: none of its perf outlives it.
    const pid = Number(executed.at(-1)?.outputs?.find((output) => output.output_type === 'execute_result')?.data?.['text/plain']);
    const kernel = new Set([pid]);
    await waitUntil(() => perfAttachedTo(kernel).length === 0, 5_000);
    expect(perfAttachedTo(kernel)).toEqual([]);
  });

  const reportOf = (cell: Cell): { label: string; memory: { usedBytes: number; heap?: { arrayBuffersDeltaBytes: number } }; exitCode: number | null } => {
    const display = cell.outputs?.find((output) => output.output_type === 'display_data' && output.data?.[REPORT_MIME] !== undefined);
    expect(display, `no report under ${cell.source}`).toBeDefined();
    return display!.data![REPORT_MIME] as ReturnType<typeof reportOf>;
  };

  it('reports every code cell, in the original wording, with an HTML table and the JSON', () => {
    expect(executed).toHaveLength(cells.length);
    executed.forEach((cell, index) => {
      const display = cell.outputs!.find((output) => output.output_type === 'display_data')!;
      expect(display.data!['text/plain']).toMatch(new RegExp(`^In \\[${index + 1}\\] used -?[\\d.]+ MiB RAM in [\\d.]+(?:s| µs| ns) \\(.*\\), peaked (?:at its start, )?[\\d.]+ MiB above final usage, current RAM usage now [\\d.]+ MiB`));
      expect(display.data!['text/html']).toContain('<table class="perfcell-report"');
      expect(reportOf(cell).label).toBe(`In [${index + 1}]`);
      expect(cell.execution_count).toBe(index + 1);
    });
  });

  it('runs TypeScript and shows the value as execute_result', () => {
    const result = executed[0]!.outputs!.find((output) => output.output_type === 'execute_result');
    expect(result?.data?.['text/plain']).toBe('15');
  });

  it('sees a 128 MiB allocation in the report', () => {
    const report = reportOf(executed[1]!);
    expect(report.memory.usedBytes).toBeGreaterThan(120 * MIB);
    expect(executed[1]!.outputs!.find((output) => output.output_type === 'execute_result')?.data?.['text/plain']).toBe(String(128 * MIB));
  });

  it('streams console output around a top-level await, then the value', () => {
    const outputs = executed[2]!.outputs!;
    const stdout = outputs.filter((output) => output.output_type === 'stream' && output.name === 'stdout').map((output) => output.text).join('');
    const stderr = outputs.filter((output) => output.output_type === 'stream' && output.name === 'stderr').map((output) => output.text).join('');
    expect(stdout).toBe('before the await\n');
    expect(stderr).toBe('after the await\n');
    expect(outputs.find((output) => output.output_type === 'execute_result')?.data?.['text/plain']).toBe("'awaited'");
  });

  it("shows a throwing cell's error and still its report", () => {
    const outputs = executed[3]!.outputs!;
    const error = outputs.find((output) => output.output_type === 'error');
    expect(error).toMatchObject({ ename: 'RangeError', evalue: 'this cell fails on purpose' });
    expect(outputs.map((output) => output.output_type)).toEqual(['error', 'display_data']);
    expect(reportOf(executed[3]!).exitCode).toBe(1);
  });

  it('has perfcell.history in scope', () => {
    expect(executed[4]!.outputs!.find((output) => output.output_type === 'execute_result')?.data?.['text/plain']).toBe('4');
  });
});

if (jupyterMissing !== null) console.warn(jupyterMissing);
