import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { perfUsable } from '../support/perf.ts';
import { temporaryFolders } from '../support/temp-folders.ts';

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The built CLI as a user runs it, from `cwd`, with only the environment given (plus PATH). */
function perfcell(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? tmpdir(),
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { exitCode: result.status, stdout: result.stdout, stderr: result.stderr };
}

// removed after each test: every perfcell a test starts has ended by then (spawnSync waits for
// it, and bash for its pipeline)
const tempFolder = temporaryFolders('each');

describe('perfcell speaks the shell conventions', () => {
  it('prints its version with --version and -V, the one in package.json', () => {
    for (const flag of ['--version', '-V']) {
      const result = perfcell([flag]);
      expect(result.exitCode).toBe(0);
      expect(result.stdout.trim()).toBe(packageVersion);
    }
  });

  it('names a mistyped command and suggests the right one, exit 2', () => {
    const result = perfcell(['comapre']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe("error: unknown command 'comapre' (did you mean compare?)");
    const far = perfcell(['frobnicate']);
    expect(far.exitCode).toBe(2);
    expect(far.stderr.trim()).toBe("error: unknown command 'frobnicate' (perfcell --help lists the commands)");
  });

  // A QA pass: --debug was the program's option alone, taken before the command's name only, and
  // `perfcell cells FILE --debug` was refused with "unknown option '--debug'"
  it('takes --debug after the command\'s name too, for every command and a command\'s own (kernel list), as before it', () => {
    const folder = tempFolder('perfcell-debug-');
    const file = join(folder, 'fails.ts');
    writeFileSync(file, '// %% fails\nthrow new Error("on purpose");\n');
    for (const args of [['cells', '--no-perf', file, '--debug'], ['--debug', 'cells', '--no-perf', file]]) {
      const result = perfcell(args);
      expect(result.exitCode, result.stderr).toBe(1);
      expect(result.stderr).toContain(`    at ${file}:2:7`);
    }
    const run = perfcell(['run', '--no-perf', '--debug', '--', '/nonexistent/program']);
    expect(run.exitCode).toBe(127);
    expect(run.stderr).toMatch(/^error: UsageError: cannot run \/nonexistent\/program[^\n]*\n    at /);
    expect(perfcell(['kernel', 'list', '--debug'], { env: { JUPYTER_PATH: folder } }).stderr).not.toContain('unknown option');
    expect(perfcell(['events', '--debug']).exitCode).toBe(0);
  });

  it('lists every command in --help without loading them', () => {
    const result = perfcell(['--help']);
    expect(result.exitCode).toBe(0);
    for (const name of ['repl', 'run', 'cells', 'compare', 'attach', 'doctor', 'parse', 'completion']) expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  // A QA pass: the README said "Every command takes `--json`", which completion, kernel install and
  // uninstall, and the kernel Jupyter starts refuse (exit 2, unknown option)
  it('takes --json in every command but those the README names as taking none', () => {
    const commands = [['repl'], ['run'], ['cells'], ['compare'], ['attach'], ['doctor'], ['events'], ['parse'], ['kernel'], ['kernel', 'install'], ['kernel', 'uninstall'], ['kernel', 'list'], ['completion']];
    const without = commands.filter((words) => !/^ {2}--json\b/m.test(perfcell([...words, '--help']).stdout)).map((words) => words.join(' '));
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const claim = /Every command takes `--json` but (.*?);/.exec(readme.replace(/\n(?!\n)/g, ' '));
    expect(claim, 'the README\'s line on --json').not.toBeNull();
    expect([...claim![1]!.matchAll(/`([^`]+)`/g)].map((match) => match[1]).sort()).toEqual(without.sort());
  });

  // A QA pass: commander's own refusals named no fix ("error: unknown option '--bogus'", "error:
  // missing required argument 'file'"), and a near miss took two lines ("(Did you mean --json?)" on
  // the second); the lanes (run, cells, compare, parse) and the full command line alike
  it('refuses an unknown option, a missing or extra argument and an option without its value in one line that names the fix, exit 2', () => {
    const refusals: Array<[string[], string]> = [
      [['run', '--bogus', '--', 'true'], "error: unknown option '--bogus' (perfcell run --help lists its options)"],
      [['run', '--jsn', '--', 'true'], "error: unknown option '--jsn' (did you mean --json?)"],
      [['cells'], "error: missing required argument 'file' (usage: perfcell cells [options] <file>)"],
      [['parse', 'a', 'b'], "error: too many arguments for 'parse'. Expected 1 argument but got 2 (usage: perfcell parse [options] [file])"],
      [['compare', '-r'], "error: option '-r, --runs <n>' argument missing (perfcell compare --help says what it takes)"],
      [['kernel', 'install', '--bogus'], "error: unknown option '--bogus' (perfcell kernel install --help lists its options)"],
      [['events', '--jsno'], "error: unknown option '--jsno' (did you mean --json?)"],
      // no command before --: the program is one to run (it was "too many arguments for 'repl'")
      [['--', 'ls', '-l'], 'error: no command before -- (to measure a program: perfcell run -- ls -l)'],
      [['--json', '--', 'sh', '-c', 'echo a b'], "error: no command before -- (to measure a program: perfcell run -- sh -c 'echo a b')"],
      // a command named after an option meant for it: 'no command before --' pointed to run
      [['--no-perf', 'compare', '--', 'sleep 1', 'sleep 2'], "error: the command's name comes before its options: perfcell compare --no-perf -- 'sleep 1' 'sleep 2'"],
      [['--json', 'cells', 'f.js'], "error: the command's name comes before its options: perfcell cells --json f.js"],
    ];
    for (const [args, line] of refusals) expect(perfcell(args), args.join(' ')).toEqual({ exitCode: 2, stdout: '', stderr: `${line}\n` });
  });

  // A QA pass: `perfcell help run`, which --help lists as `help [command]`, printed a stub of run's
  // help whose only option was -h (none of -e, --json, -o…), `help kernel install` the stub of
  // kernel's, and `help bogus` the whole program's help on stderr instead of naming the mistake
  it('`help COMMAND` prints what `COMMAND --help` prints, and names a mistyped command as its absence does', () => {
    for (const words of [['run'], ['compare'], ['events'], ['kernel', 'install']]) {
      const help = perfcell(['help', ...words]);
      const flag = perfcell([...words, '--help']);
      expect(flag.exitCode).toBe(0);
      expect(help).toEqual(flag);
    }
    expect(perfcell(['help', 'run']).stdout).toContain('--json');
    expect(perfcell(['help'])).toEqual(perfcell(['--help']));
    const mistyped = perfcell(['help', 'comapre']);
    expect(mistyped).toEqual({ exitCode: 2, stdout: '', stderr: "error: unknown command 'comapre' (did you mean compare?)\n" });
  });
});

describe('a reader that goes away', () => {
  it('ends perfcell quietly, like GNU tools: no stack trace when `| head -1` closes the pipe', () => {
    const dir = tempFolder('perfcell-pipe-');
    const file = join(dir, 'many.csv');
    // 200,000 perf stat rows: far more output than a pipe holds, so perfcell writes after head left
    writeFileSync(file, 'S0,1,,page-faults,100,100.00,,\n'.repeat(200_000));
    const result = spawnSync('bash', ['-c', `node ${cliPath} parse ${file} | head -1; echo "status \${PIPESTATUS[0]}" >&2`], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr.trim()).toBe('status 0');
  });

  it('of the cells\' reports (`perfcell cells FILE | head -1`) ends perfcell quietly too, though the cells\' guard holds process.exit', () => {
    const dir = tempFolder('perfcell-pipe-');
    const cells = join(dir, 'many.js');
    // 300 reports of some 300 bytes: more than a pipe holds, so perfcell writes after head left
    writeFileSync(cells, Array.from({ length: 300 }, (_, index) => `// %% cell ${index}\nlet x${index} = ${index};\n`).join(''));
    const script = `timeout -s KILL 50 node ${cliPath} cells --no-perf ${cells} | head -1; echo "status \${PIPESTATUS[0]}" >&2`;
    const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stdout).toMatch(/^cell 0 used -?[\d.]+ MiB RAM in/);
    // before the fix: "error: cell 'cell 1' failed …: the cell called process.exit(0)", for each cell after, and status 1
    expect(result.stderr.trim()).toBe('status 0');
  });

  it('says so and fails when stdout cannot be written (`> /dev/full`), instead of ending 0 with nothing written', () => {
    const dir = tempFolder('perfcell-full-');
    const cells = join(dir, 'one.js');
    writeFileSync(cells, '// %% only\nlet x = 1;\n');
    const result = spawnSync('bash', ['-c', `timeout -s KILL 50 node ${cliPath} cells --no-perf ${cells} > /dev/full`], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('error: could not write the results to stdout (ENOSPC): check where stdout goes (a full disk?)');
  });

  // A QA pass: the piped REPL's prompt goes to stderr with --json, and the line came after it,
  // on its row ('In [3]: error: could not write …')
  it('says so on a row of its own where stderr was left mid-row (`repl --json > /dev/full`, a prompt out)', () => {
    const result = spawnSync('bash', ['-c', `printf '1+1\\n2+2\\n' | timeout -s KILL 50 node ${cliPath} repl --json --no-perf > /dev/full`], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/\nerror: could not write the results to stdout \(ENOSPC\): check where stdout goes \(a full disk\?\)\n$/);
    expect(result.stderr).not.toMatch(/\S[^\S\n]*error: could not write/);
  });

  // A QA pass: run's stdout is its program's, so main() left it unwatched, and run's own --help,
  // written before any program, died of the EPIPE with a stack trace (18 of 20 tries here, when
  // head had gone before commander's second write) and of /dev/full's ENOSPC the same way
  it('of run\'s --help (`perfcell run --help | head -1`, `> /dev/full`) ends as the other commands\' help does', () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const result = spawnSync('bash', ['-c', `node ${cliPath} run --help | head -1; echo "status \${PIPESTATUS[0]}" >&2`], { encoding: 'utf8', timeout: 60_000 });
      expect(result.stdout).toBe('Usage: perfcell run [options] <command...>\n');
      expect(result.stderr.trim()).toBe('status 0');
    }
    const full = spawnSync('bash', ['-c', `node ${cliPath} run --help > /dev/full`], { encoding: 'utf8', timeout: 60_000 });
    expect(full.status).toBe(1);
    expect(full.stderr.trim()).toBe('error: could not write the results to stdout (ENOSPC): check where stdout goes (a full disk?)');
  });

  // A README pass: the bin writes --version itself, before main() and its watch on stdout, and
  // `perfcell --version > /dev/full` died of the ENOSPC with Node's stack trace (an unhandled
  // 'error' event), where --help said one error line
  it.each(['--version', '-V'])('of %s (`> /dev/full`) is the one error line the other commands say, and a reader gone ends it 0', (flag) => {
    const full = spawnSync('bash', ['-c', `node ${cliPath} ${flag} > /dev/full`], { encoding: 'utf8', timeout: 60_000 });
    expect(full.status).toBe(1);
    expect(full.stderr.trim()).toBe('error: could not write the results to stdout (ENOSPC): check where stdout goes (a full disk?)');
    const closed = spawnSync('bash', ['-c', `node ${cliPath} ${flag} | true; echo "status \${PIPESTATUS[0]}" >&2`], { encoding: 'utf8', timeout: 60_000 });
    expect(closed.stderr.trim()).toBe('status 0');
  });

  // A terminal gone (its master side closed, as a hang-up leaves it): writes fail with EIO, which
  // the line had blamed on a full disk. The pty from Debian's python (the Jupyter tests need it).
  it('says the terminal has gone when stdout is a pty whose other side was closed (EIO), not a full disk', () => {
    const hungUp = 'import os, pty, subprocess, sys\nm, s = pty.openpty()\nos.close(m)\nr = subprocess.run(sys.argv[1:], stdout=s, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)\nsys.stderr.write(r.stderr.decode())\nsys.exit(r.returncode)';
    const result = spawnSync('/usr/bin/python3', ['-c', hungUp, process.execPath, cliPath, 'events', '--json'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr.trim()).toBe('error: could not write the results to stdout (EIO): its terminal has gone (a hang-up); to keep the results, send them to a file, or start perfcell with nohup or in tmux');
  });

  it('of stderr (`2>&1 >out | head -1`) loses none of the results on stdout and ends: the messages after it are dropped', () => {
    const dir = tempFolder('perfcell-pipe-');
    const cells = join(dir, 'noisy.js');
    const out = join(dir, 'out.txt');
    // the middle cell writes far more to stderr than a pipe holds, after head has left (with
    // process.stderr.write: console.error drops a write's error, a stream does not)
    writeFileSync(cells, ['// %% before', 'let a = 1;', '// %% noisy', "for (let i = 0; i < 20000; i++) process.stderr.write(`line ${i}\\n`);", '// %% after', 'let b = 2;', ''].join('\n'));
    // Before the fix, stderr's EPIPE reached the cells' guard as an uncaught exception, which it
    // reported on stderr, which failed again: perfcell spun at 100% CPU for ever (hence the KILL).
    const script = `timeout -s KILL 50 node ${cliPath} cells ${cells} 2>&1 >${out} | head -1 >/dev/null; echo "status \${PIPESTATUS[0]}" >&2`;
    const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr.trim()).toBe('status 0');
    const reports = readFileSync(out, 'utf8');
    for (const title of ['before', 'noisy', 'after']) expect(reports).toMatch(new RegExp(`^${title} used -?[\\d.]+ MiB RAM in`, 'm'));
  });
});

describe('defaults: flag > environment > config file > built-in', () => {
  const folder = () => tempFolder('perfcell-config-');
  const intervalOf = (stdout: string) => (JSON.parse(stdout) as { counters: { intervalMs: number } }).counters.intervalMs;
  const eventsOf = (stdout: string) => (JSON.parse(stdout) as { counters: { events: { event: string }[] } }).counters.events.map((event) => event.event);
  const runJson = (cwd: string, extra: readonly string[] = [], env: Record<string, string> = {}) => perfcell(['run', '--json', ...extra, '--', 'true'], { cwd, env });

  it('takes events and interval from a package.json "perfcell" key', () => {
    const cwd = folder();
    writeFileSync(join(cwd, 'package.json'), JSON.stringify({ name: 'x', perfcell: { events: ['page-faults'], interval: 20 } }));
    const result = runJson(cwd);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(intervalOf(result.stdout)).toBe(20);
    expect(eventsOf(result.stdout)).toEqual(['page-faults']);
  });

  it('prefers .perfcellrc.json in a nearer folder, the environment over the file, and a flag over both', () => {
    const cwd = folder();
    writeFileSync(join(cwd, '.perfcellrc.json'), JSON.stringify({ events: 'context-switches', interval: 30 }));
    expect(intervalOf(runJson(cwd).stdout)).toBe(30);
    expect(eventsOf(runJson(cwd).stdout)).toEqual(['context-switches']);
    const env = { PERFCELL_INTERVAL: '40', PERFCELL_EVENTS: 'page-faults' };
    expect(intervalOf(runJson(cwd, [], env).stdout)).toBe(40);
    expect(eventsOf(runJson(cwd, [], env).stdout)).toEqual(['page-faults']);
    expect(intervalOf(runJson(cwd, ['-I', '50'], env).stdout)).toBe(50);
    expect(eventsOf(runJson(cwd, ['-e', 'task-clock'], env).stdout)).toEqual(['task-clock']);
  });

  it('a default -e is not applied under --no-perf: perf\'s events set once do not stop a run that starts no perf', () => {
    // a QA pass: `PERFCELL_EVENTS=page-faults perfcell run --no-perf -- true` said "-e needs perf,
    // which --no-perf turns off (drop --no-perf, or drop -e)" where no -e was typed
    const cwd = folder();
    writeFileSync(join(cwd, '.perfcellrc.json'), JSON.stringify({ events: ['task-clock'] }));
    for (const [env, at] of [[{ PERFCELL_EVENTS: 'page-faults' }, folder()], [{}, cwd]] as const) {
      const result = perfcell(['run', '--no-perf', '--json', '--', 'true'], { env, cwd: at });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout).counters.events).toEqual([]);
    }
    // typed, it is still refused
    const typed = perfcell(['run', '--no-perf', '-e', 'page-faults', '--', 'true']);
    expect(typed.exitCode).toBe(2);
    expect(typed.stderr).toMatch(/drop --no-perf, or drop -e/);
  });

  it('names the source of a bad default and the fix, exit 2', () => {
    const env = perfcell(['run', '--', 'true'], { env: { PERFCELL_INTERVAL: '5' } });
    expect(env.exitCode).toBe(2);
    expect(env.stderr.trim()).toBe('error: PERFCELL_INTERVAL: give a whole number of milliseconds from 10 to 2147483647, e.g. -I 100');
    const cwd = folder();
    writeFileSync(join(cwd, '.perfcellrc.json'), '{ nope');
    const file = perfcell(['run', '--', 'true'], { cwd });
    expect(file.exitCode).toBe(2);
    expect(file.stderr).toMatch(/^error: cannot read .*\.perfcellrc\.json: .* \(fix the JSON or remove the file\)\n$/);
  });

  // a QA pass: `{"intervl": 50}` was passed over without a word (every run at the default 100 ms),
  // and a bad "interval" in the file was named by the file alone
  it('refuses a setting it does not read, naming the one meant, and names the key of a bad one, exit 2, nothing run', () => {
    const cwd = folder();
    const marker = join(cwd, 'ran');
    const cases = [
      [{ events: 'page-faults', intervl: 50 }, 'unknown setting "intervl" (did you mean "interval"?)'],
      [{ colour: true }, 'unknown setting "colour" (remove it: perfcell\'s settings are "events" and "interval")'],
    ] as const;
    for (const [settings, problem] of cases) {
      writeFileSync(join(cwd, '.perfcellrc.json'), JSON.stringify(settings));
      const result = perfcell(['run', '--', 'touch', marker], { cwd });
      expect([result.exitCode, result.stdout, result.stderr]).toEqual([2, '', `error: ${join(cwd, '.perfcellrc.json')}: ${problem}\n`]);
    }
    rmSync(join(cwd, '.perfcellrc.json'));
    writeFileSync(join(cwd, 'package.json'), JSON.stringify({ name: 'x', perfcell: { interval: 0 } }));
    const zero = perfcell(['run', '--', 'touch', marker], { cwd });
    expect([zero.exitCode, zero.stderr]).toEqual([2, `error: "interval" in ${join(cwd, 'package.json')} ("perfcell" key): give a whole number of milliseconds from 10 to 2147483647, e.g. -I 100\n`]);
    expect(existsSync(marker)).toBe(false);
    // JSON's own conventions for what no program reads stay allowed: a "//" comment, an editor's "$schema"
    writeFileSync(join(cwd, '.perfcellrc.json'), JSON.stringify({ '//': 'the cache runs', $schema: 'https://example.org/s.json', interval: 50 }));
    const commented = perfcell(['run', '--no-perf', '--', 'touch', marker], { cwd });
    expect([commented.exitCode, commented.stderr]).toEqual([0, expect.stringContaining('touch')]);
    expect(existsSync(marker)).toBe(true);
  });

  // a QA pass: an event perf refused from PERFCELL_EVENTS or the file said "drop it from -e", a
  // flag never typed, and a perf tool event from them was refused in -e's words
  it.runIf(perfUsable)('names the environment or the file as where to drop an event perf refuses', () => {
    const env = perfcell(['run', '--', 'true'], { env: { PERFCELL_EVENTS: 'bogus' } });
    expect([env.exitCode, env.stdout, env.stderr]).toEqual([1, '', "error: unknown perf event 'bogus' (see perf list, or drop it from PERFCELL_EVENTS)\n"]);
    const cwd = folder();
    writeFileSync(join(cwd, '.perfcellrc.json'), JSON.stringify({ events: ['page-faults', 'bogus'] }));
    const file = perfcell(['run', '--', 'true'], { cwd });
    expect([file.exitCode, file.stderr]).toEqual([1, `error: unknown perf event 'bogus' (see perf list, or drop it from "events" in ${join(cwd, '.perfcellrc.json')})\n`]);
    const tool = perfcell(['run', '--', 'true'], { cwd, env: { PERFCELL_EVENTS: 'duration_time' } });
    expect(tool.exitCode).toBe(2);
    expect(tool.stderr).toMatch(/^error: PERFCELL_EVENTS: duration_time is perf's own wall clock, not a counter: .*\n$/);
    // typed, -e is the list named
    const typed = perfcell(['run', '-e', 'bogus', '--', 'true'], { cwd });
    expect(typed.stderr).toBe("error: unknown perf event 'bogus' (see perf list, or drop it from -e)\n");
  });

  // a QA pass: `abc` was taken for 5 s without a word, and 1e9 killed every perf at its start
  it('refuses a PERFCELL_PERF_ACK_TIMEOUT_S perf cannot wait by before anything runs, exit 2; --no-perf starts no perf to wait for', () => {
    const cwd = folder();
    const marker = join(cwd, 'ran');
    for (const command of [['run', '--', 'touch', marker], ['cells', join(cwd, 'none.js')]]) {
      const result = perfcell(command, { cwd, env: { PERFCELL_PERF_ACK_TIMEOUT_S: '1e9' } });
      expect([result.exitCode, result.stdout, result.stderr]).toEqual([2, '', "error: PERFCELL_PERF_ACK_TIMEOUT_S: give a number of seconds > 0 and ≤ 2147483, e.g. 10 (or unset it for 5 s), not '1e9'\n"]);
    }
    expect(existsSync(marker)).toBe(false);
    const off = perfcell(['run', '--no-perf', '--', 'touch', marker], { cwd, env: { PERFCELL_PERF_ACK_TIMEOUT_S: 'abc' } });
    expect(off.exitCode, off.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });
});
