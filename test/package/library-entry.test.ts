import { execa } from 'execa';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/fixtures.ts';
import { leakedPerfPidsSettled, perfPidsNow } from '../support/leaked-perf.ts';
import { linkedUserProject } from '../support/user-project.ts';
import { perfStatPageFaults, perfUsable } from '../support/perf.ts';

/**
 * The library as a user gets it: `import … from 'perfcell'` in an .mjs file of another project,
 * resolved through package.json's exports to the build (node_modules/perfcell is a link to this
 * checkout, as `npm link` makes). Each script prints one JSON document; the reports are checked
 * against ground truth (pages touched, plain perf stat, the program's own allocation).
 */
const MIB = 1024 * 1024;
let project = '';
const perfBefore = perfPidsNow();

beforeAll(() => {
  project = linkedUserProject('perfcell-user-');
});
afterAll(async () => {
  rmSync(project, { recursive: true, force: true });
  expect(await leakedPerfPidsSettled(perfBefore)).toEqual([]);
});

/** Runs `code` as the user's script.mjs; returns what it printed as JSON. */
async function userScript<T>(code: string, args: readonly string[] = []): Promise<T> {
  const file = join(project, `script-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, code);
  const result = await execa(process.execPath, [file, ...args], { cwd: project, reject: false, timeout: 60_000, env: { NO_COLOR: '1' } });
  expect(result.exitCode, `${result.stderr}\n${result.stdout}`).toBe(0);
  return JSON.parse(result.stdout) as T;
}

const EVENTS = perfUsable ? "['page-faults']" : 'undefined';
const PERF = perfUsable ? 'true' : 'false';

describe("import from 'perfcell' (the package's exports, after the build)", () => {
  it('exports what the README documents', async () => {
    const names = await userScript<string[]>("import * as perfcell from 'perfcell';\nconsole.log(JSON.stringify(Object.keys(perfcell)));\n");
    for (const name of ['measure', 'startRepl', 'attachToProcess', 'runProgram', 'timeit', 'parsePerfStat', 'renderReportText', 'PerfError', 'UsageError']) {
      expect(names).toContain(name);
    }
  });

  it('measure(fn): touching 16,384 fresh pages reads as that many page-faults and 64 MiB kept', async () => {
    const report = await userScript<{ faults: number | null; usedBytes: number }>(`
import { measure } from 'perfcell';
let kept;
await measure(() => 1, { events: ${EVENTS}, perf: ${PERF} }); // the first window also pays for loading perfcell's own code
const report = await measure(() => { kept = new Float64Array(16384 * 512).fill(1); }, { events: ${EVENTS}, perf: ${PERF} });
console.log(JSON.stringify({
  faults: report.counters.events.find((event) => event.event.startsWith('page-faults'))?.total ?? null,
  usedBytes: report.memory.usedBytes,
  keptLength: kept.length,
}));
`);
    // 64 MiB kept; the settling collection may hand back a few MiB of the script's own garbage
    // (63.8-64.2 in 20 quiet runs; 58.7 once in a fresh-clone CI run under load, with the same
    // V8 work under way that adds the faults below: RSS, not the exact array-buffer figure)
    expect(report.usedBytes / MIB).toBeGreaterThanOrEqual(56);
    expect(report.usedBytes / MIB).toBeLessThan(72);
    // In-process, perf counts every thread of the process: V8's own work in the window adds faults,
    // typically 100-130 here, 795 once in a fresh-clone run (--trace-gc shows incremental marking
    // under way as the window opens and a mark-compact finishing it; where it lands varies)
    if (perfUsable) expect(Math.abs((report.faults ?? 0) - 16_384)).toBeLessThanOrEqual(0.06 * 16_384);
  });

  it('measure(argv): a program\'s page-faults as plain perf stat counts them (within 1 %), its peak as it allocated', async () => {
    const command = [fixture('touch-pages'), '25600'];
    const report = await userScript<{ faults: number | null; peakRssBytes: number; exitCode: number }>(`
import { measure } from 'perfcell';
const report = await measure(JSON.parse(process.argv[2]), { events: ${EVENTS}, perf: ${PERF}, quiet: true });
console.log(JSON.stringify({
  faults: report.counters.events.find((event) => event.event.startsWith('page-faults'))?.total ?? null,
  peakRssBytes: report.memory.peakRssBytes,
  exitCode: report.exitCode,
}));
`, [JSON.stringify(command)]);
    expect(report.exitCode).toBe(0);
    expect(report.peakRssBytes / MIB).toBeGreaterThanOrEqual(100);
    expect(report.peakRssBytes / MIB).toBeLessThan(104);
    if (perfUsable) {
      const reference = perfStatPageFaults(command);
      expect(Math.abs((report.faults ?? 0) - reference)).toBeLessThanOrEqual(0.01 * reference);
    }
  });

  it('a failing function\'s error carries its report (error.report); a failing program\'s report has its exit code', async () => {
    const out = await userScript<{ message: string; reportExit: number; reportUsed: number; reportBuffers: number; programExit: number }>(`
import { measure } from 'perfcell';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
// The script's own start-up garbage collected first: the settling collection after the window then
// frees nothing but what the command left, and 'used' is the 32 MiB it kept.
setFlagsFromString('--expose-gc');
runInNewContext('gc')();
let caught;
try {
  await measure(() => { globalThis.big = new Float64Array(4 * 1024 * 1024).fill(1); throw new Error('boom'); }, { perf: false });
} catch (error) {
  caught = error;
}
const program = await measure(['sh', '-c', 'exit 3'], { perf: false, quiet: true });
console.log(JSON.stringify({ message: caught.message, reportExit: caught.report.exitCode, reportUsed: caught.report.memory.usedBytes, reportBuffers: caught.report.memory.heap.arrayBuffersDeltaBytes, programExit: program.exitCode }));
`);
    expect(out.message).toBe('boom');
    expect(out.reportExit).toBe(1);
    // The 32 MiB it allocated before the throw is in the report: as array buffers (exact, less
    // what the settling collection frees of others) and in RSS (settled after a full collection,
    // which also hands back pages of the script's own garbage: 27.1 MiB was read once in a
    // fresh-clone run, 27.5 and 30.4 before; the array-buffer delta is the exact check)
    expect(out.reportBuffers / MIB).toBeGreaterThanOrEqual(31);
    expect(out.reportBuffers / MIB).toBeLessThanOrEqual(33);
    expect(out.reportUsed / MIB).toBeGreaterThanOrEqual(24);
    expect(out.reportUsed / MIB).toBeLessThan(40);
    expect(out.programExit).toBe(3);
  });

  it('a JavaScript caller\'s misuse is the package\'s UsageError naming the fix, before anything runs (a QA pass: measure(\'ls\') ran `l`, intervalMs 0 reached perf, events: \'page-faults\' became an event a letter)', async () => {
    const out = await userScript<[string, boolean, string][]>(`
import { measure, timeit, UsageError } from 'perfcell';
let calls = 0;
const tries = [
  () => measure('ls'),
  () => measure(() => calls++, { events: 'page-faults' }),
  () => measure(() => calls++, { intervalMs: 0, events: ['page-faults'] }),
  () => measure(['true'], { intervalMs: -5 }),
  () => timeit(() => calls++, { runs: 0 }),
];
const seen = [];
for (const attempt of tries) {
  try {
    await attempt();
    seen.push(['resolved', false, '']);
  } catch (error) {
    seen.push([error.name, error instanceof UsageError, error.message]);
  }
}
seen.push(['calls', calls === 0, String(calls)]);
console.log(JSON.stringify(seen));
`);
    expect(out).toEqual([
      ['UsageError', true, "pass the program as an argv array: measure(['ls'])"],
      ['UsageError', true, "events is an array of names: events: ['page-faults'], not 'page-faults'"],
      ['UsageError', true, 'intervalMs must be a whole number of milliseconds from 10 to 2147483647, not 0'],
      ['UsageError', true, 'intervalMs must be a whole number of milliseconds from 10 to 2147483647, not -5'],
      ['UsageError', true, 'runs must be a whole number ≥ 1, not 0'],
      ['calls', true, '0'],
    ]);
  });
  it('startRepl on the caller\'s own streams: evaluates, reports each command on them, and closes on .exit', async () => {
    const out = await userScript<{ text: string }>(`
import { startRepl } from 'perfcell';
import { PassThrough } from 'node:stream';
const input = new PassThrough();
const output = new PassThrough();
let text = '';
output.on('data', (chunk) => { text += chunk; });
const repl = startRepl({ input, output, errorOutput: output, historyPath: null, measure: { perf: ${PERF}, events: ${EVENTS} } });
input.write('globalThis.kept = new Float64Array(2 ** 22).fill(1); 6 * 7\\n');
const deadline = Date.now() + 20000;
while (!/In \\[2\\]/.test(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
input.write('.exit\\n');
await repl.closed;
console.log(JSON.stringify({ text }));
`);
    expect(out.text).toMatch(/\b42\b/);
    const head = /In \[1\] used ([\d.]+) MiB RAM in [\d.]+(?:s| µs| ns)/.exec(out.text);
    expect(head, out.text).not.toBeNull();
    // 2^22 doubles kept: 32 MiB of array buffers (less what the settling collection frees of others); RSS (settled after a full collection,
    // which may also hand back a few MiB of the session's own garbage) close to it
    const buffers = /array buffers \+([\d.]+) MiB/.exec(out.text);
    expect(Number(buffers?.[1])).toBeGreaterThanOrEqual(31);
    expect(Number(buffers?.[1])).toBeLessThanOrEqual(33);
    expect(Number(head?.[1])).toBeGreaterThanOrEqual(28);
    expect(Number(head?.[1])).toBeLessThan(40);
  });

  // A QA pass: startRepl({ json: true }) set the process's console to errorOutput for the session's
  // lines and never set it back, so the program that started the REPL printed into errorOutput for
  // good ('host: after the REPL closed' was in the stream, not on its stdout)
  it('startRepl({ json: true }) gives the program its console back once the REPL has closed', async () => {
    const out = await userScript<{ session: string; reports: number }>(`
import { startRepl } from 'perfcell';
import { PassThrough } from 'node:stream';
const input = new PassThrough();
const output = new PassThrough();
const errorOutput = new PassThrough();
let reports = '';
let session = '';
output.on('data', (chunk) => { reports += chunk; });
errorOutput.on('data', (chunk) => { session += chunk; });
const repl = startRepl({ input, output, errorOutput, historyPath: null, json: true, banner: false, measure: { perf: false } });
input.write('console.log("from a line")\\n');
const deadline = Date.now() + 20000;
while (!reports.includes('perfcell-report') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
input.write('.exit\\n');
await repl.closed;
console.log(JSON.stringify({ session, reports: reports.trim().split('\\n').length }));
`);
    expect(out.session).toContain('from a line');
    expect(out.reports).toBe(1);
  });

  it('attachToProcess after a process\'s peak reads the RSS it has now, not the peak it had (VmHWM reset)', async () => {
    const out = await userScript<{ peakRssBytes: number; endedBy: string }>(`
import { attachToProcess } from 'perfcell';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
// 200 MiB touched, freed after 200 ms, then idle for 10 s: attach once it idles.
const child = spawn(process.argv[2], ['200', '200', '10000'], { stdio: 'ignore' });
const rssMiB = () => Number(/VmRSS:\\s+(\\d+)/.exec(readFileSync(\`/proc/\${child.pid}/status\`, 'utf8'))?.[1] ?? NaN) / 1024;
const hwmMiB = () => Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync(\`/proc/\${child.pid}/status\`, 'utf8'))?.[1] ?? NaN) / 1024;
// Once it has peaked and freed (however slow a loaded machine makes the 200 MiB memset).
while (!(hwmMiB() >= 200 && rssMiB() < 10)) await new Promise((resolve) => setTimeout(resolve, 20));
const result = await attachToProcess(child.pid, { durationS: 0.5, perf: ${PERF}, events: ${EVENTS} });
child.kill('SIGKILL');
console.log(JSON.stringify({ peakRssBytes: result.report.memory.peakRssBytes, endedBy: result.endedBy }));
`, [fixture('peak-then-idle')]);
    expect(out.endedBy).toBe('duration');
    expect(out.peakRssBytes / MIB).toBeLessThan(10);
  });

  it('attachToProcess during a peak reads it, and counts the page-faults of touching it', async () => {
    const out = await userScript<{ peakRssBytes: number; endedBy: string; faults: number | null }>(`
import { attachToProcess } from 'perfcell';
import { spawn } from 'node:child_process';
// The pid is attached while it still sleeps; then it becomes the program that touches 200 MiB.
const child = spawn('sh', ['-c', 'sleep 0.5; exec "$0" 200 400 300', process.argv[2]], { stdio: 'ignore' });
const result = await attachToProcess(child.pid, { perf: ${PERF}, events: ${EVENTS} });
console.log(JSON.stringify({
  peakRssBytes: result.report.memory.peakRssBytes,
  endedBy: result.endedBy,
  faults: result.report.counters.events.find((event) => event.event.startsWith('page-faults'))?.total ?? null,
}));
`, [fixture('peak-then-idle')]);
    expect(out.endedBy).toBe('exit');
    expect(out.peakRssBytes / MIB).toBeGreaterThanOrEqual(200);
    expect(out.peakRssBytes / MIB).toBeLessThan(206);
    if (perfUsable) {
      expect(out.faults).toBeGreaterThanOrEqual(51_200);
      expect(out.faults).toBeLessThan(51_200 * 1.03);
    }
  });
});
