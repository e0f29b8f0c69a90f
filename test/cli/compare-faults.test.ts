/**
 * compare under faults and odd input: Ctrl-C (or a signal to perfcell alone) during its --setup,
 * --prepare and --cleanup commands, a failing --cleanup, an -e event perf cannot count, a baseline
 * with none of the run's names, the same command twice, --min-time alone, and a cell file among
 * commands. Real processes, each perfcell in its own process group so that a signal to the group
 * is a terminal's Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import type { CompareDocument } from '../../src/experiment/compare-document.ts';
import { cliPath, fixture } from '../support/fixtures.ts';
import { leakedPerfPids, perfPidsNow } from '../support/leaked-perf.ts';
import { perfUsable } from '../support/perf.ts';

const dir = mkdtempSync(join(tmpdir(), 'perfcell-compare-faults-'));
const perfBefore = perfPidsNow();
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  expect(leakedPerfPids(perfBefore)).toEqual([]);
});

const perfcell = (args: readonly string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1', ...env }, cwd: dir, timeout: 120_000, forceKillAfterDelay: 1_000 });

interface Outcome {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/**
 * Runs `perfcell ARGS` in a process group of its own; once `marker` exists (a hook writes it when
 * it starts) and a little later, sends `signal` to the group (Ctrl-C in a terminal) or to perfcell alone.
 * `heldBackUntil`: perfcell is stopped over the signal until that file exists (the hook's trap
 * writes it as it exits), as a loaded machine's scheduler holds it back, so that its own handler
 * runs only after the hook has ended.
 */
async function interrupted(args: readonly string[], marker: string, signal: { readonly name: NodeJS.Signals; readonly toGroup: boolean; readonly heldBackUntil?: string }): Promise<Outcome> {
  const startedS = performance.now() / 1000;
  const child = spawn(process.execPath, [cliPath, ...args], { detached: true, cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const guard = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 60_000);
  let isEnded = false;
  void ended.then(() => { isEnded = true; });
  while (!existsSync(marker) && !isEnded) await new Promise((resolve) => setTimeout(resolve, 20));
  // the hook's `sleep` started: a signal between its `touch` and the fork reaches a shell that
  // defers it until its next command ends
  await new Promise((resolve) => setTimeout(resolve, 300));
  try {
    if (signal.heldBackUntil !== undefined) process.kill(child.pid!, 'SIGSTOP');
    process.kill(signal.toGroup ? -child.pid! : child.pid!, signal.name);
  } catch {
    // already ended
  }
  if (signal.heldBackUntil !== undefined) {
    for (let tries = 0; tries < 250 && !existsSync(signal.heldBackUntil); tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    // the hook's shell exits right after its trap's touch
    await new Promise((resolve) => setTimeout(resolve, 150));
    process.kill(child.pid!, 'SIGCONT');
  }
  const { code: exitCode, signal: endingSignal } = await ended;
  clearTimeout(guard);
  try {
    // whatever a hook left (a sleep that outlived its shell) ends with the test
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // none left
  }
  return { exitCode, signal: endingSignal, stdout: stdout.trimEnd(), stderr: stderr.trimEnd(), seconds: performance.now() / 1000 - startedS };
}

const lastLine = (text: string): string => text.split('\n').at(-1) ?? '';
const readDocument = (path: string): CompareDocument => JSON.parse(readFileSync(path, 'utf8')) as CompareDocument;

describe.concurrent('perfcell compare: Ctrl-C during its hook commands', () => {
  it('Ctrl-C during --cleanup: ends by SIGINT, every round printed and exported, the next --cleanup skipped', async () => {
    const exported = join(dir, 'cleanup-int.json');
    const marker = join(dir, 'cleanup-int-started');
    const outcome = await interrupted(
      ['compare', '--no-perf', '--runs', '3', '--export-json', exported, '--names', 'a', 'b', '--cleanup', `touch ${marker}-$PERFCELL_ALTERNATIVE; sleep 5`, '--', 'true', 'sleep 0.001'],
      `${marker}-a`,
      { name: 'SIGINT', toGroup: true },
    );
    // it ends by the signal, as hyperfine does ($? 130)
    expect(outcome.signal, outcome.stderr).toBe('SIGINT');
    expect(outcome.stdout).toMatch(/^Benchmark 1: a\n/);
    expect(lastLine(outcome.stderr)).toBe("perfcell: interrupted by SIGINT in the --cleanup command for 'a' after 3 complete rounds; the results above hold every run");
    expect(outcome.stderr).not.toContain('error:');
    const { partial } = readDocument(exported);
    expect(partial).toEqual({
      reason: 'interrupted',
      signal: 'SIGINT',
      message: lastLine(outcome.stderr),
      completedRounds: 3,
      runs: { a: 3, b: 3, 'noise floor': 3 },
      stoppedAt: { phase: 'after', round: null, alternative: 'a' },
    });
    expect(existsSync(`${marker}-b`)).toBe(false);
  });

  it('SIGINT to perfcell alone during --cleanup: passed on to the cleanup, ends by it at once with the results', async () => {
    const exported = join(dir, 'cleanup-alone.json');
    const marker = join(dir, 'cleanup-alone-started');
    const outcome = await interrupted(
      ['compare', '--no-perf', '--runs', '3', '--export-json', exported, '--cleanup', `touch ${marker}; sleep 5`, '--', 'true'],
      marker,
      { name: 'SIGINT', toGroup: false },
    );
    // it ends by the signal, as hyperfine does ($? 130)
    expect(outcome.signal, outcome.stderr).toBe('SIGINT');
    expect(outcome.seconds).toBeLessThan(4.5);
    expect(outcome.stdout).toMatch(/^Benchmark 1: true\n/);
    expect(lastLine(outcome.stderr)).toBe("perfcell: interrupted by SIGINT in the --cleanup command for 'true' after 3 complete rounds; the results above hold every run");
    expect(readDocument(exported).partial?.signal).toBe('SIGINT');
  });

  it('Ctrl-C during --prepare: ends by SIGINT, the finished rounds kept, the interruption (not the hook) named', async () => {
    const exported = join(dir, 'prepare-int.json');
    const marker = join(dir, 'prepare-int-started');
    // the 5th prepare (2 in the warm-up round, 2 in measured round 1: the noise floor gets none),
    // 'sleep 0.001''s, first in round 2 (the alternatives take turns), writes the marker and waits
    const prepare = `n=$(cat ${marker}-count 2>/dev/null || echo 0); n=$((n + 1)); echo $n > ${marker}-count; if [ $n -ge 5 ]; then touch ${marker}; sleep 5; fi`;
    const outcome = await interrupted(['compare', '--no-perf', '--runs', '50', '--export-json', exported, '--prepare', prepare, '--', 'true', 'sleep 0.001'], marker, { name: 'SIGINT', toGroup: true });
    // it ends by the signal, as hyperfine does ($? 130)
    expect(outcome.signal, outcome.stderr).toBe('SIGINT');
    expect(outcome.stdout).toMatch(/^Benchmark 1: true\n/);
    expect(lastLine(outcome.stderr)).toBe("perfcell: interrupted by SIGINT in the --prepare command for 'sleep 0.001' after 1 complete round; the results above are partial (the run in progress was dropped)");
    expect(outcome.stderr).not.toContain('error:');
    expect(readDocument(exported).partial).toMatchObject({ reason: 'interrupted', signal: 'SIGINT', completedRounds: 1, stoppedAt: { phase: 'measure', round: 2, alternative: 'sleep 0.001' } });
  });

  it("Ctrl-C to the group during a --prepare that takes it and exits by it (a trap), perfcell held back meanwhile: compare ends by the interruption, not by the hook's failure", async () => {
    // The hook's end and perfcell's own SIGINT reach perfcell's loop in either order (4 of 7 runs
    // had the end first here): before, that run blamed the hook ('exited with code 3') and exited
    // 1, the Ctrl-C lost. Four runs, each of which must end as interrupted.
    for (let attempt = 1; attempt <= 4; attempt++) {
      const marker = join(dir, `prepare-trap-${attempt}`);
      const prepare = `trap 'touch ${marker}-ended; exit 3' INT; touch ${marker}; sleep 5`;
      const outcome = await interrupted(['compare', '--no-perf', '--runs', '3', '--prepare', prepare, '--', 'true'], marker, { name: 'SIGINT', toGroup: true, heldBackUntil: `${marker}-ended` });
      expect(outcome.signal, outcome.stderr).toBe('SIGINT');
      expect(outcome.stderr).not.toContain('error:');
      expect(lastLine(outcome.stderr)).toBe('perfcell: interrupted by SIGINT before any round finished: no results to report');
    }
  });

  it('Ctrl-C before the second alternative finished a run: the first\'s finished run is reported and in the JSON, not lost, and why there is no comparison', async () => {
    const marker = join(dir, 'second-started');
    // exports of an earlier comparison are at the paths: the JSON is replaced by this run's runs;
    // the CSV (a table of comparisons) is not written, and the file there is said to be an earlier one
    const exported = join(dir, 'earlier.json');
    const csv = join(dir, 'earlier.csv');
    writeFileSync(exported, '{"earlier":true}\n');
    writeFileSync(csv, 'earlier\n');
    const outcome = await interrupted(
      ['compare', '--no-perf', '--shell', '--warmup', '0', '--runs', '3', '--json', '--export-json', exported, '--export-csv', csv, '--names', 'fast', 'slow', '--', 'sleep 0.01', `touch ${marker}; sleep 5`],
      marker,
      { name: 'SIGINT', toGroup: true },
    );
    // it ends by the signal, as hyperfine does ($? 130)
    expect(outcome.signal, outcome.stderr).toBe('SIGINT');
    // --json: the document of the runs that finished (before: nothing on stdout), the same as --export-json's
    const document = JSON.parse(outcome.stdout) as CompareDocument;
    expect(JSON.parse(readFileSync(exported, 'utf8'))).toEqual(document);
    expect(document.alternatives.map((alternative) => [alternative.name, alternative.runs.length])).toEqual([['fast', 1], ['slow', 0]]);
    expect(document.alternatives[0]!.runs[0]!['durationS']).toBeGreaterThan(0.009);
    expect(document.partial).toMatchObject({ reason: 'interrupted', signal: 'SIGINT', completedRounds: 0, message: "perfcell: interrupted by SIGINT before 'slow' had a finished run; no comparison is made: the document holds the runs that finished" });
    expect(readFileSync(csv, 'utf8')).toBe('earlier\n');
    expect(outcome.stderr).toContain(`perfcell: --export-csv ${csv} was not written (no comparison was made; --export-json holds the runs that finished); the file there is an earlier one`);
    expect(outcome.stderr).not.toContain(`--export-json ${exported}`);
    // the report `run` would print of 'sleep 0.01' (its one finished run, under its --names name), then the line
    expect(outcome.stderr).toMatch(/^fast peaked [\d.]+ MiB RAM .* in [\d.]+s .*exit code 0\n/m);
    expect(lastLine(outcome.stderr)).toBe("perfcell: interrupted by SIGINT before 'slow' had a finished run, so no comparison is made (the report above is the run that finished)");
  });

  // A QA pass: the commands' --output file was named among the results not written, 'the file
  // there is an earlier one', while it held the failing run's own output
  it('a first run that fails says nothing of --output\'s file, which holds that run\'s output; an export there is an earlier one', async () => {
    const output = join(dir, 'commands-out.txt');
    const csv = join(dir, 'earlier-too.csv');
    writeFileSync(output, 'earlier\n');
    writeFileSync(csv, 'earlier\n');
    const outcome = await perfcell(['compare', '--no-perf', '--shell', '-r', '2', '--output', output, '--export-csv', csv, '--', 'echo this-run; exit 3', 'true']);
    expect(outcome.exitCode).toBe(1);
    expect(readFileSync(output, 'utf8')).toBe('this-run\n');
    expect(outcome.stderr).not.toContain('--output');
    expect(outcome.stderr).toContain(`perfcell: --export-csv ${csv} was not written (no comparison was made); the file there is an earlier one`);
  });

  it('Ctrl-C during --setup: ends by SIGINT, nothing measured, said in one line', async () => {
    const marker = join(dir, 'setup-int-started');
    const outcome = await interrupted(['compare', '--no-perf', '--runs', '3', '--setup', `touch ${marker}; sleep 5`, '--', 'true'], marker, { name: 'SIGINT', toGroup: true });
    expect([outcome.signal, outcome.stdout, outcome.stderr]).toEqual(['SIGINT', '', 'perfcell: interrupted by SIGINT before any round finished: no results to report']);
  });
});

describe('perfcell compare: a failing --cleanup', () => {
  it('keeps the complete comparison: printed and exported, then the error, exit 1', async () => {
    const exported = join(dir, 'cleanup-fails.json');
    const csv = join(dir, 'cleanup-fails.csv');
    const markdown = join(dir, 'cleanup-fails.md');
    const result = await perfcell(['compare', '--no-perf', '--runs', '3', '--export-json', exported, '--export-csv', csv, '--export-markdown', markdown, '--names', 'a', 'b', '--cleanup', 'echo disk full >&2; exit 4', '--', 'true', 'sleep 0.001']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^Benchmark 1: a\n/);
    const lines = result.stderr.split('\n').filter((line) => !line.startsWith('warning: statistical outliers'));
    expect(lines).toEqual([
      "warning: the --cleanup command 'echo disk full >&2; exit 4' for 'b' exited with code 4: disk full (fix it, or try it alone: sh -c 'echo disk full >&2; exit 4')",
      "the --cleanup command for 'a' failed after the rounds (3 complete rounds); the results above hold every run",
      "error: the --cleanup command 'echo disk full >&2; exit 4' for 'a' exited with code 4: disk full (fix it, or try it alone: sh -c 'echo disk full >&2; exit 4')",
    ]);
    const document = readDocument(exported);
    expect(document.alternatives.map((alternative) => alternative.runs.length)).toEqual([3, 3]);
    expect(document.partial).toMatchObject({ reason: 'failed', signal: null, completedRounds: 3, stoppedAt: { phase: 'after', round: null, alternative: 'a' } });
    // the exports name the --cleanup too, not a run: every round is in
    const [header, ...rows] = readFileSync(csv, 'utf8').trimEnd().split('\n');
    expect(header?.split(',').at(-1)).toBe('partial');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.endsWith(`,the --cleanup command for 'a' failed after the rounds (3 complete rounds)`), row).toBe(true);
    expect(lastLine(readFileSync(markdown, 'utf8').trimEnd())).toBe("> the --cleanup command for 'a' failed after the rounds (3 complete rounds); the results above hold every run");
  });
});

/** What perf itself says of `event` here: counted, or the <status> it printed. */
async function perfSays(event: string): Promise<string> {
  const result = await execa('perf', ['stat', '-x,', '-e', event, '--', 'true'], { reject: false, env: { LC_ALL: 'C' } });
  const line = result.stderr.split('\n').find((text) => text.includes(`,${event},`)) ?? '';
  return /^\d/.test(line) ? 'counted' : (/^<([^>]+)>/.exec(line)?.[1] ?? 'no row');
}

describe.runIf(perfUsable)('perfcell compare: an -e event perf cannot count', () => {
  it('cycles: named once on stderr and in the JSON warnings where perf says not supported (no PMU, as on this VM), else compared', async () => {
    const says = await perfSays('cycles');
    const result = await perfcell(['compare', '--runs', '3', '-e', 'cycles,page-faults', '--json', '--', 'true', `${fixture('touch-pages')} 10`]);
    expect(result.exitCode, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as CompareDocument;
    const cycleWarnings = document.warnings.filter((warning) => /\bcycles\b/.test(warning));
    const cycleLines = result.stderr.split('\n').filter((line) => /\bcycles\b/.test(line));
    if (says === 'not supported') {
      const warning = 'cycles: not supported on this machine (no hardware PMU exposed: a VM or a locked-down CPU), so not compared (drop it from -e; perfcell doctor says what counts here)';
      expect(cycleWarnings).toEqual([warning]);
      expect(cycleLines).toEqual([`warning: ${warning}`]);
    } else {
      expect(says).toBe('counted');
      expect(cycleWarnings).toEqual([]);
      expect(Object.keys(document.alternatives[0]?.runs[0] ?? {})).toContain('cycles');
    }
  });

  // a QA pass: `PERFCELL_EVENTS=cycles,page-faults perfcell compare …` said "drop it from -e", a flag
  // never typed; the fix names the variable the events came from
  it('cycles from PERFCELL_EVENTS: the fix names PERFCELL_EVENTS, not -e', async () => {
    const says = await perfSays('cycles');
    const result = await perfcell(['compare', '--runs', '2', '--json', '--', 'true', 'sleep 0'], { PERFCELL_EVENTS: 'cycles,page-faults' });
    expect(result.exitCode, result.stderr).toBe(0);
    const warnings = (JSON.parse(result.stdout) as CompareDocument).warnings.filter((text) => /\bcycles\b/.test(text));
    if (says !== 'not supported') {
      expect(warnings).toEqual([]);
      return;
    }
    const warning = 'cycles: not supported on this machine (no hardware PMU exposed: a VM or a locked-down CPU), so not compared (drop it from PERFCELL_EVENTS; perfcell doctor says what counts here)';
    expect(warnings).toEqual([warning]);
    expect(result.stderr.split('\n').filter((line) => /\bcycles\b/.test(line))).toEqual([`warning: ${warning}`]);
  });
});

describe('perfcell compare: names, run counts and operands', () => {
  it('a --baseline with none of the run\'s names is refused before the first run, naming its names and the fix', async () => {
    const saved = await perfcell(['compare', '--no-perf', '--runs', '2', '--save', 'named', '--names', 'fast', 'slow', '--', 'true', 'sleep 0.001']);
    expect(saved.exitCode, saved.stderr).toBe(0);
    const marker = join(dir, 'baseline-ran');
    const refused = await perfcell(['compare', '--no-perf', '--runs', '2', '--baseline', 'named', '--', 'true', `sh -c "touch ${marker}"`]);
    expect([refused.exitCode, refused.stdout, refused.stderr]).toEqual([
      2,
      '',
      `error: the baseline named has no alternative named 'true', 'sh -c "touch ${marker}"' (its alternatives: 'fast', 'slow'; pass --names fast slow to compare with them in order)`,
    ]);
    expect(existsSync(marker)).toBe(false);
    const matched = await perfcell(['compare', '--no-perf', '--runs', '2', '--json', '--baseline', 'named', '--names', 'fast', 'slow', '--', 'true', 'sleep 0.001']);
    expect(matched.exitCode, matched.stderr).toBe(0);
  });

  it('a --baseline measured another way is refused before the first run; one cut short is said (before: "a (now) is 26.9× faster" against a cachegrind baseline)', async () => {
    const saved = await perfcell(['compare', '--no-perf', '--runs', '2', '--save', 'kind', '--names', 'fast', 'slow', '--', 'true', 'sleep 0.001']);
    expect(saved.exitCode, saved.stderr).toBe(0);
    const file = join(dir, '.perfcell', 'kind.json');
    const document = JSON.parse(readFileSync(file, 'utf8')) as CompareDocument;
    const marker = join(dir, 'kind-ran');
    const program = ['--', 'true', `sh -c "touch ${marker}"`];
    // what --backend cachegrind writes there (valgrind may be missing here: the field is what is read)
    writeFileSync(join(dir, 'under-valgrind.json'), JSON.stringify({ ...document, settings: { ...document.settings, backend: 'cachegrind' } }));
    const valgrind = await perfcell(['compare', '--no-perf', '--runs', '2', '--names', 'fast', 'slow', '--baseline', join(dir, 'under-valgrind.json'), ...program]);
    expect([valgrind.exitCode, valgrind.stderr]).toEqual([2, `error: the baseline ${join(dir, 'under-valgrind.json')} was measured with the cachegrind backend and this comparison with perf: their times and RAM are not comparable (add --backend cachegrind, or save a new baseline with --save)`]);
    writeFileSync(join(dir, 'cells.js'), '// %% fast\n1;\n// %% slow\n2;\n');
    const cells = await perfcell(['compare', 'cells.js', '--cells', 'fast', 'slow', '--no-perf', '--runs', '2', '--baseline', 'kind']);
    expect([cells.exitCode, cells.stderr]).toEqual([2, "error: the baseline kind measured programs and this comparison cells of a file (a window in perfcell's process): their time and RAM mean different things (compare like with like, or save a new baseline with --save)"]);
    expect(existsSync(marker)).toBe(false);
    const message = 'perfcell: interrupted by SIGINT after 1 complete round; the results above are partial (the run in progress was dropped)';
    writeFileSync(join(dir, 'cut.json'), JSON.stringify({ ...document, partial: { reason: 'interrupted', signal: 'SIGINT', message, completedRounds: 1, runs: { fast: 2, slow: 1, 'noise floor': 1 }, stoppedAt: { phase: 'measure', round: 2, alternative: 'slow' } } }));
    const cut = await perfcell(['compare', '--no-perf', '--runs', '2', '--names', 'fast', 'slow', '--baseline', join(dir, 'cut.json'), '--', 'true', 'sleep 0.001']);
    expect(cut.exitCode, cut.stderr).toBe(0);
    expect(cut.stderr.split('\n')).toContain(`warning: the baseline ${join(dir, 'cut.json')} was cut short (interrupted by SIGINT after 1 complete round); it holds only the runs that finished`);
  });

  it('the same command twice is named CMD and CMD #2, each with its own runs, cost and baseline entry', async () => {
    const result = await perfcell(['compare', '--no-perf', '--runs', '3', '--json', '--save', 'twice', '--', 'sleep 0.001', 'sleep 0.001']);
    expect(result.exitCode, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as CompareDocument;
    expect(document.alternatives.map((alternative) => [alternative.name, alternative.runs.length])).toEqual([['sleep 0.001', 3], ['sleep 0.001 #2', 3]]);
    expect(Object.keys(document.cost?.alternativesS ?? {})).toEqual(['sleep 0.001', 'sleep 0.001 #2']);
    const again = await perfcell(['compare', '--no-perf', '--runs', '3', '--json', '--baseline', 'twice', '--', 'sleep 0.001', 'sleep 0.001']);
    expect(again.exitCode, again.stderr).toBe(0);
    const comparisons = (JSON.parse(again.stdout) as CompareDocument).baseline?.comparisons ?? [];
    expect(comparisons.map((comparison) => comparison.name)).toEqual(['sleep 0.001', 'sleep 0.001 #2']);
  });

  it('--min-time alone still runs at least the default 10 rounds, as --help says', async () => {
    const result = await perfcell(['compare', '--no-perf', '--min-time', '0.05', '--warmup', '0', '--json', '--', 'true']);
    expect(result.exitCode, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as CompareDocument;
    expect(document.settings.rounds).toBeGreaterThanOrEqual(10);
    expect(document.alternatives[0]?.runs.length).toBe(document.settings.rounds);
  });

  it('a cell file among commands draws the cell-file error; after -- it is a command', async () => {
    writeFileSync(join(dir, 'slow.ts'), '// %% a\nlet x = 1;\n// %% b\nx += 1;\n');
    const cellFile = 'error: slow.ts is a cell file: name the cells to compare (perfcell compare slow.ts --cells "A" "B"), or put -- before commands';
    for (const args of [['slow.ts', 'true'], ['true', 'slow.ts'], ['slow.ts']]) {
      const result = await perfcell(['compare', '--no-perf', ...args]);
      expect([args.join(' '), result.exitCode, result.stderr]).toEqual([args.join(' '), 2, cellFile]);
    }
    const asCommand = await perfcell(['compare', '--no-perf', '--runs', '1', '--', 'slow.ts', 'true']);
    expect(asCommand.stderr).toMatch(/^error: cannot run slow\.ts: /);
    // a notebook too: compare --cells runs its code cells
    writeFileSync(join(dir, 'rowcol.ipynb'), JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
    const notebook = await perfcell(['compare', '--no-perf', 'rowcol.ipynb', 'true']);
    expect([notebook.exitCode, notebook.stderr]).toEqual([2, 'error: rowcol.ipynb is a cell file: name the cells to compare (perfcell compare rowcol.ipynb --cells "A" "B"), or put -- before commands']);
  });
});
