import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runsWith } from './tools.ts';

const runs = (shell: string, args: readonly string[]): boolean => spawnSync(shell, args, { stdio: 'ignore' }).status === 0;

/** Whether zsh runs here with its zpty module (zsh-complete.zsh types on a pseudo-terminal). */
export const hasZsh: boolean = runs('zsh', ['-fc', 'zmodload zsh/zpty']);

/** Whether fish runs here (bash always does: the scripts and the suite need it). */
export const hasFish: boolean = runs('fish', ['--no-config', '-c', 'true']);

/**
 * Whether the tests that load a completion script into `shell` should run (runsWith's rule: the
 * shell is here, or missing and not waived, and then they fail naming it).
 */
export function runsWithShell(shell: 'zsh' | 'fish', what: string): boolean {
  return runsWith(shell, shell === 'zsh' ? hasZsh : hasFish, what);
}

/** One completion a shell offers: the word, and (zsh, fish) the description its list shows beside it. */
export interface Candidate {
  readonly word: string;
  readonly description: string;
}

/** What `file` prints, run in `cwd`; a failure, or a word on stderr (a completion function's error), throws it. */
function run(file: string, args: readonly string[], cwd?: string): string {
  const result = spawnSync(file, args, { ...(cwd === undefined ? {} : { cwd }), encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TMPDIR: process.env.TMPDIR ?? '/tmp', TERM: 'dumb' } });
  if (result.status !== 0 || result.stderr.trim() !== '') throw new Error(`${file} ${args.join(' ')} ended ${result.status ?? result.signal}: ${result.stderr}`);
  return result.stdout;
}

/**
 * What `shell -n` (parse only) says of `script`, written to a file in `dir`: '' when it parses. A
 * file, not stdin: fish reads no script from a socket, and zsh takes an unfinished line on stdin
 * as one waiting for more.
 */
export function syntaxErrors(shell: 'bash' | 'zsh' | 'fish', script: string, dir: string): string {
  const file = join(dir, `perfcell.${shell}`);
  writeFileSync(file, script);
  const result = spawnSync(shell, ['-n', file], { encoding: 'utf8', timeout: 20_000 });
  return result.status === 0 ? '' : result.stderr || `exit ${result.status}`;
}

/**
 * Bash's candidates for `words` (the last one is the word under the cursor), as Tab asks the
 * function `complete -F` names: COMP_WORDS and COMP_CWORD set, COMPREPLY read back; file names
 * are those of `cwd`.
 */
export function completeInBash(script: string, words: readonly string[], cwd?: string): string[] {
  const quoted = words.map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  const driver = `${script}\nCOMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _perfcell; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return run('bash', ['-c', driver], cwd).split('\n').filter(Boolean);
}

/**
 * What Tab lists for `line` in an interactive bash on a pseudo-terminal (script(1)), the script
 * sourced from its rcfile: readline's list (possible-completions, one a row) after the function
 * `complete -F` names has run as bash runs it, so that `complete -o default` (files where the
 * function offers none) and `compopt` work as they do at a prompt. Written into `dir`; file names
 * are those of `cwd`.
 */
export function listInBash(script: string, line: string, dir: string, cwd?: string): Promise<string[]> {
  const file = join(dir, 'perfcell.bash');
  const rcfile = join(dir, 'bashrc');
  writeFileSync(file, script);
  // one candidate a row, all of them, without a question; a prompt to wait for
  writeFileSync(rcfile, `PS1='<prompt>'\nbind 'set completion-display-width 0'\nbind 'set completion-query-items 0'\nbind 'set page-completions off'\nbind 'set bell-style none'\nsource '${file}'\n`);
  const child = spawn('script', ['-qec', `bash --noprofile --rcfile '${rcfile}' -i`, '/dev/null'], {
    ...(cwd === undefined ? {} : { cwd }),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TMPDIR: process.env.TMPDIR ?? '/tmp', TERM: 'dumb', INPUTRC: '/dev/null' },
  });
  return new Promise((resolve, reject) => {
    let screen = '';
    let typed = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      screen += text;
      // typed once readline reads the terminal: typed before, the terminal's line editing would take the ^U
      if (typed || !screen.includes('<prompt>')) return;
      typed = true;
      // M-? lists the candidates (even one) and leaves the line; ^U clears it
      child.stdin.write(`${line}\x1b?\x15exit\n`);
    });
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      // after the first prompt: the line typed, then the list's rows, then the prompt again
      const [, typedScreen] = screen.split('<prompt>');
      if (typedScreen === undefined || !typedScreen.startsWith(line)) return reject(new Error(`bash did not list the candidates for ${line}: ${JSON.stringify(screen)}`));
      resolve(typedScreen.slice(line.length).split('\r\n').filter((row) => row !== '' && row !== '\r'));
    });
  });
}

/**
 * zsh's candidates for `line` (completed at its end), through compinit in an interactive zsh on a
 * pseudo-terminal (zsh-complete.zsh). The script is written into `dir`, named `_perfcell` to be
 * installed on fpath as `perfcell completion zsh > "${fpath[1]}/_perfcell"` does, or
 * `perfcell.zsh` to be sourced. File names are those of `cwd`.
 */
export function completeInZsh(script: string, line: string, dir: string, as: 'fpath' | 'source' = 'source', cwd?: string): Candidate[] {
  const file = join(dir, as === 'fpath' ? '_perfcell' : 'perfcell.zsh');
  writeFileSync(file, script);
  const rows = run('zsh', ['-f', join(import.meta.dirname, 'zsh-complete.zsh'), file, line], cwd);
  // zsh's row: the word, padded to the longest in the list, ` -- ` and the description
  return rows.split('\n').filter(Boolean).map((row) => {
    const [word = '', shown = ''] = row.split('\t');
    return { word, description: /^\S+ +-- (.*)$/s.exec(shown)?.[1] ?? '' };
  });
}

/**
 * fish's candidates for `line` (`complete -C`, what Tab lists), with the script written into `dir`
 * and sourced (a file: fish sources nothing from a socket, which Node's stdin is). File names are
 * those of `cwd`.
 */
export function completeInFish(script: string, line: string, dir: string, cwd?: string): Candidate[] {
  const file = join(dir, 'perfcell.fish');
  writeFileSync(file, script);
  const rows = run('fish', ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', file, line], cwd);
  return rows.split('\n').filter(Boolean).map((row) => {
    const [word = '', description = ''] = row.split('\t');
    return { word, description };
  });
}
