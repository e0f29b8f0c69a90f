/**
 * Whether perfcell's library (native/perfcell-perf-hold.c) can go into perf's LD_PRELOAD, as
 * `perfcell-exec --preload-plan PERF` says it: the file it would exec with it, or why not.
 */
export interface PreloadPlan {
  /** The perf file exec'd with the library; null where it cannot be. */
  readonly file: string | null;
  /** The perf asked for is Ubuntu's wrapper script, and `file` the kernel's perf it execs. */
  readonly viaUbuntuWrapper: boolean;
  /** Why not, where `file` is null (`file capabilities (setcap)`, `not an ELF file (a script)`, ...). */
  readonly reason: string | null;
}

/**
 * Reads perfcell-exec's `--preload-plan` lines: `preload FILE` (then `via ubuntu-wrapper`), or
 * `none REASON`. Null where the text is neither (another program answered, or none did).
 * @example parsePreloadPlan('preload /usr/bin/perf\n') // { file: '/usr/bin/perf', viaUbuntuWrapper: false, reason: null }
 * @example parsePreloadPlan('none file capabilities (setcap)\n') // { file: null, viaUbuntuWrapper: false, reason: 'file capabilities (setcap)' }
 */
export function parsePreloadPlan(text: string): PreloadPlan | null {
  const [first = '', second = ''] = text.split('\n');
  const preload = /^preload (\S.*)$/.exec(first);
  if (preload !== null) return { file: preload[1]!, viaUbuntuWrapper: second === 'via ubuntu-wrapper', reason: null };
  const none = /^none (\S.*)$/.exec(first);
  return none === null ? null : { file: null, viaUbuntuWrapper: false, reason: none[1]! };
}
