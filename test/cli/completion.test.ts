import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { completeInBash, completeInFish, completeInZsh, listInBash, runsWithShell, syntaxErrors } from '../support/shells.ts';
import { temporaryFolders } from '../support/temp-folders.ts';

const tempFolder = temporaryFolders('each');

/** `perfcell completion SHELL` as a user runs it: the script on stdout. */
function completion(shell: string) {
  const result = spawnSync(process.execPath, [cliPath, 'completion', shell], { cwd: tmpdir(), env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' }, encoding: 'utf8', timeout: 30_000 });
  return { exitCode: result.status, stdout: result.stdout, stderr: result.stderr };
}

const words = (candidates: readonly { word: string }[]) => candidates.map((candidate) => candidate.word);

/** A folder to complete file names in: two files and a folder, all beginning with o. */
function filesHere(): string {
  const dir = tempFolder('perfcell-files-');
  writeFileSync(join(dir, 'out.txt'), '');
  writeFileSync(join(dir, 'old.json'), '');
  mkdirSync(join(dir, 'odd'));
  return dir;
}

const sorted = (list: readonly string[]) => [...list].sort();

describe('perfcell completion', () => {
  it('bash: a script bash parses, completing the commands, their flags and kernel install, uninstall and list', () => {
    const { exitCode, stdout: script } = completion('bash');
    expect(exitCode).toBe(0);
    expect(syntaxErrors('bash', script, tempFolder('perfcell-bash-'))).toBe('');
    expect(completeInBash(script, ['perfcell', 'comp'])).toEqual(['compare', 'completion']);
    expect(completeInBash(script, ['perfcell', 'run', '--ev'])).toEqual(['--events']);
    expect(completeInBash(script, ['perfcell', 'kernel', 'ins'])).toEqual(['install']);
    expect(completeInBash(script, ['perfcell', 'kernel', 'list', '--'])).toEqual(['--prefix', '--json', '--help']);
  });

  it.runIf(runsWithShell('zsh', 'the zsh completion script in zsh'))('zsh: a script zsh parses, completing the commands, their flags and kernel install, uninstall and list, with their descriptions', () => {
    const { exitCode, stdout: script } = completion('zsh');
    expect(exitCode).toBe(0);
    const dir = tempFolder('perfcell-zsh-');
    expect(syntaxErrors('zsh', script, dir)).toBe('');
    expect(completeInZsh(script, 'perfcell comp', dir)).toEqual([
      { word: 'compare', description: 'run alternatives (cells of a file, or commands) interleaved, many times, and say whether they differ' },
      { word: 'completion', description: 'print a completion script for bash, zsh or fish (e.g. source <(perfcell completion bash))' },
    ]);
    // a flag with a short and a long name, and one whose description has a ' (perf's)
    const attachFlags = completeInZsh(script, 'perfcell attach -', dir);
    expect(attachFlags).toContainEqual({ word: '--duration', description: 'stop after this many seconds (default: until Ctrl-C or the process exits)' });
    expect(words(attachFlags)).toEqual(expect.arrayContaining(['-d', '--duration', '-M', '--metrics', '--no-perf', '--json']));
    expect(attachFlags.find((candidate) => candidate.word === '-M')?.description).toMatch(/^perf's own metric groups/);
    expect(words(completeInZsh(script, 'perfcell kernel ', dir))).toEqual(['install', 'uninstall', 'list']);
    // _arguments lists a flag that takes its value after = (--prefix=) after the others
    expect(words(completeInZsh(script, 'perfcell kernel list --', dir))).toEqual(['--json', '--help', '--prefix']);
  });

  // a QA pass: zsh offered nothing after `--backend=` or `--output=`, which commander takes as
  // bash and fish complete them (the value in the same word)
  it.runIf(runsWithShell('zsh', 'the zsh completion script in zsh'))('zsh: a long flag\'s value after = in the same word, as commander takes it', () => {
    const { stdout: script } = completion('zsh');
    const dir = tempFolder('perfcell-zsh-');
    writeFileSync(join(dir, 'report.txt'), '');
    expect(words(completeInZsh(script, 'perfcell run --backend=', dir))).toEqual(['perf', 'cachegrind']);
    expect(words(completeInZsh(script, 'perfcell compare --time-unit=milli', dir))).toEqual(['millisecond']);
    expect(words(completeInZsh(script, 'perfcell run --output=rep', dir, 'source', dir))).toEqual(['report.txt']);
    // the flag itself is still completed as before, and its value in the next word
    expect(words(completeInZsh(script, 'perfcell run --back', dir))).toEqual(['--backend']);
    expect(words(completeInZsh(script, 'perfcell run --backend ', dir))).toEqual(['perf', 'cachegrind']);
  });

  it.runIf(runsWithShell('zsh', 'the zsh completion script in zsh'))('zsh: installed as the script says, on fpath, it completes from the first Tab', () => {
    const { stdout: script } = completion('zsh');
    expect(script.split('\n')[1]).toBe('# perfcell zsh completion: perfcell completion zsh > "${fpath[1]}/_perfcell", or source <(perfcell completion zsh) after compinit');
    expect(words(completeInZsh(script, 'perfcell kernel ', tempFolder('perfcell-zsh-'), 'fpath'))).toEqual(['install', 'uninstall', 'list']);
  });

  it.runIf(runsWithShell('fish', 'the fish completion script in fish'))('fish: a script fish parses, completing the commands, their flags and kernel install, uninstall and list', () => {
    const { exitCode, stdout: script } = completion('fish');
    expect(exitCode).toBe(0);
    const dir = tempFolder('perfcell-fish-');
    expect(syntaxErrors('fish', script, dir)).toBe('');
    expect(words(completeInFish(script, 'perfcell comp', dir))).toEqual(['compare', 'completion']);
    expect(completeInFish(script, 'perfcell run --ev', dir)).toEqual([{ word: '--events', description: expect.stringMatching(/^perf events or presets/) }]);
    expect(completeInFish(script, 'perfcell kernel ', dir)).toEqual([
      { word: 'install', description: expect.stringMatching(/^write the kernelspec/) },
      { word: 'list', description: 'show where perfcell kernelspecs are installed' },
      { word: 'uninstall', description: 'remove the kernelspec' },
    ]);
    // fish sorts what it lists
    expect(words(completeInFish(script, 'perfcell kernel list --', dir))).toEqual(['--help', '--json', '--prefix']);
  });

  // perfcell completion <Tab> offered no shell; a flag's file (-o FILE, --html FILE) got the
  // command's flags (bash) or nothing (zsh); after `--` the program's words got the command's
  // flags (bash, zsh) and the program's name got files (fish)
  it('bash: the shells, the files a flag takes, and after -- the program, then its files', () => {
    const { stdout: script } = completion('bash');
    const cwd = filesHere();
    expect(completeInBash(script, ['perfcell', 'completion', ''])).toEqual(['bash', 'zsh', 'fish', '-h', '--help']);
    expect(completeInBash(script, ['perfcell', 'completion', 'z'])).toEqual(['zsh']);
    expect(completeInBash(script, ['perfcell', 'completion', 'bash', ''])).toEqual(['-h', '--help']);
    for (const words of [['run', '-o'], ['run', '--output'], ['run', '--html'], ['attach', '--html'], ['cells', '--html'], ['compare', '--export-json'], ['compare', '--baseline']]) {
      expect(sorted(completeInBash(script, ['perfcell', ...words, ''], cwd)), words.join(' ')).toEqual(['odd', 'old.json', 'out.txt']);
    }
    expect(completeInBash(script, ['perfcell', 'kernel', 'install', '--prefix', 'o'], cwd)).toEqual(['odd']);
    expect(completeInBash(script, ['perfcell', 'run', '--', '-'], cwd)).toEqual([]);
    expect(completeInBash(script, ['perfcell', 'run', '-e', 'task-clock', '--', 'ech'], cwd)).toContain('echo');
    expect(completeInBash(script, ['perfcell', 'run', '--', 'ls', '-'], cwd)).toEqual([]);
    expect(sorted(completeInBash(script, ['perfcell', 'run', '--', 'ls', 'o'], cwd))).toEqual(['odd', 'old.json', 'out.txt']);
  });

  it.runIf(runsWithShell('zsh', 'the zsh completion script in zsh'))('zsh: the shells, the files a flag takes, and after -- the program, then its files', () => {
    const { stdout: script } = completion('zsh');
    const dir = tempFolder('perfcell-zsh-');
    const cwd = filesHere();
    const complete = (line: string) => words(completeInZsh(script, line, dir, 'source', cwd));
    expect(complete('perfcell completion ')).toEqual(['bash', 'zsh', 'fish']);
    for (const line of ['perfcell run -o ', 'perfcell run --html ', 'perfcell attach --html ', 'perfcell cells --html ', 'perfcell compare --export-json ']) {
      expect(sorted(complete(line)), line).toEqual(['odd', 'old.json', 'out.txt']);
    }
    expect(complete('perfcell kernel install --prefix o')).toEqual(['odd']);
    expect(complete('perfcell run -- -')).toEqual([]);
    expect(complete('perfcell run -e task-clock -- ech')).toContain('echo');
    expect(complete('perfcell run -- ls -')).toEqual([]);
    expect(sorted(complete('perfcell run -- ls o'))).toEqual(['odd', 'old.json', 'out.txt']);
  });

  it.runIf(runsWithShell('fish', 'the fish completion script in fish'))('fish: the shells, the files a flag takes, and after -- the program, then its files', () => {
    const { stdout: script } = completion('fish');
    const dir = tempFolder('perfcell-fish-');
    const cwd = filesHere();
    const complete = (line: string) => words(completeInFish(script, line, dir, cwd));
    expect(complete('perfcell completion ')).toEqual(['bash', 'fish', 'zsh']);
    expect(complete('perfcell completion bash ')).toEqual([]);
    for (const line of ['perfcell run -o ', 'perfcell run --html ', 'perfcell attach --html ', 'perfcell cells --html ', 'perfcell compare --export-json ']) {
      expect(complete(line), line).toEqual(['odd/', 'old.json', 'out.txt']);
    }
    expect(complete('perfcell kernel install --prefix o')).toEqual(['odd/']);
    expect(complete('perfcell run -- -')).toEqual([]);
    expect(complete('perfcell run -e task-clock -- ech')).toContain('echo');
    expect(complete('perfcell run -- ls -')).toEqual([]);
    expect(complete('perfcell run -- ls o')).toEqual(['odd/', 'old.json', 'out.txt']);
  });

  // A flag's value got the command's flags and files (bash) or files (fish), and --backend's and
  // --format's got no choice
  const choiceLines: readonly (readonly [string, readonly string[]])[] = [
    ['perfcell run --backend ', ['cachegrind', 'perf']],
    ['perfcell compare --backend c', ['cachegrind']],
    ['perfcell parse --format ', ['auto', 'csv', 'human', 'json']],
    ['perfcell compare --sort ', ['auto', 'command', 'mean-time']],
    ['perfcell compare --style n', ['nocolor', 'none']],
    ['perfcell compare -u mi', ['microsecond', 'millisecond']],
  ];

  it("bash, at a prompt: a flag's choices, and nothing for another value", async () => {
    const { stdout: script } = completion('bash');
    const dir = tempFolder('perfcell-bash-');
    const cwd = filesHere();
    const list = (line: string) => listInBash(script, line, dir, cwd);
    for (const [line, choices] of choiceLines) expect(await list(line), line).toEqual(choices);
    expect(await list('perfcell run --backend=c')).toEqual(['cachegrind']);
    // neither flags nor, through complete -o default, files
    for (const line of ['perfcell run -e ', 'perfcell run -I ', 'perfcell compare -r ', 'perfcell run --backend x']) expect(await list(line), line).toEqual([]);
    expect(await list('perfcell run -o o')).toEqual(['odd', 'old.json', 'out.txt']);
    // compare's --input <where> and --output <where>: null, pipe or a file
    expect(await list('perfcell compare --input o')).toEqual(['odd', 'old.json', 'out.txt']);
    expect(await list('perfcell kernel -e task-clock ins')).toEqual(['install']);
  });

  it.runIf(runsWithShell('zsh', 'the zsh completion script in zsh'))("zsh: a flag's choices, and nothing for another value", () => {
    const { stdout: script } = completion('zsh');
    const dir = tempFolder('perfcell-zsh-');
    const cwd = filesHere();
    const complete = (line: string) => sorted(words(completeInZsh(script, line, dir, 'source', cwd)));
    for (const [line, choices] of choiceLines) expect(complete(line), line).toEqual(choices);
    expect(complete('perfcell run -e ')).toEqual([]);
    expect(complete('perfcell compare --input o')).toEqual(['odd', 'old.json', 'out.txt']);
  });

  it.runIf(runsWithShell('fish', 'the fish completion script in fish'))("fish: a flag's choices, and nothing for another value", () => {
    const { stdout: script } = completion('fish');
    const dir = tempFolder('perfcell-fish-');
    const cwd = filesHere();
    const complete = (line: string) => words(completeInFish(script, line, dir, cwd));
    for (const [line, choices] of choiceLines) expect(complete(line), line).toEqual(choices);
    expect(complete('perfcell run --backend=c')).toEqual(['--backend=cachegrind']);
    for (const line of ['perfcell run -e ', 'perfcell run -I ', 'perfcell compare -r ']) expect(complete(line), line).toEqual([]);
    expect(complete('perfcell compare --input o')).toEqual(['odd/', 'old.json', 'out.txt']);
    expect(complete('perfcell kernel -e task-clock ')).toEqual(['install', 'list', 'uninstall']);
  });

  // After run's program (run ls -l, no --: commander passes the words after it on), its words got
  // run's flags; the program's name got files
  it("bash, at a prompt: run's first argument is the program, and the words after it get files, as after --", async () => {
    const { stdout: script } = completion('bash');
    const dir = tempFolder('perfcell-bash-');
    const cwd = filesHere();
    const list = (line: string) => listInBash(script, line, dir, cwd);
    expect(await list('perfcell run ls -')).toEqual([]);
    expect(await list('perfcell run -e task-clock ls -')).toEqual([]);
    expect(await list('perfcell run -e task-clock ls -e o')).toEqual(['odd', 'old.json', 'out.txt']);
    expect(await list('perfcell run -e task-clock ech')).toContain('echo');
    expect(await list('perfcell run -e task-clock --no-l')).toEqual(['--no-live']);
  });

  it.runIf(runsWithShell('zsh', 'the zsh completion script in zsh'))("zsh: run's first argument is the program, and the words after it get files, as after --", () => {
    const { stdout: script } = completion('zsh');
    const dir = tempFolder('perfcell-zsh-');
    const cwd = filesHere();
    const complete = (line: string) => sorted(words(completeInZsh(script, line, dir, 'source', cwd)));
    expect(complete('perfcell run ls -')).toEqual([]);
    expect(complete('perfcell run -e task-clock ls -')).toEqual([]);
    expect(complete('perfcell run -e task-clock ls -e o')).toEqual(['odd', 'old.json', 'out.txt']);
    expect(complete('perfcell run -e task-clock ech')).toContain('echo');
    expect(complete('perfcell run -e task-clock --no-l')).toEqual(['--no-live']);
  });

  it.runIf(runsWithShell('fish', 'the fish completion script in fish'))("fish: run's first argument is the program, and the words after it get files, as after --", () => {
    const { stdout: script } = completion('fish');
    const dir = tempFolder('perfcell-fish-');
    const cwd = filesHere();
    const complete = (line: string) => words(completeInFish(script, line, dir, cwd));
    expect(complete('perfcell run ls -')).toEqual([]);
    expect(complete('perfcell run -e task-clock ls -')).toEqual([]);
    expect(complete('perfcell run -e task-clock ls -e o')).toEqual(['odd/', 'old.json', 'out.txt']);
    expect(complete('perfcell run -e task-clock ech')).toContain('echo');
    expect(complete('perfcell run -e task-clock --no-l')).toEqual(['--no-live']);
  });

  it('names the shells it writes for when given another, exit 2', () => {
    const result = completion('tcsh');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe("error: command-argument value 'tcsh' is invalid for argument 'shell'. give one of bash, zsh, fish\n");
  });
});
