/**
 * hyperfine's --style, as compare's output: compare draws no colours, so `nocolor` is `auto` and
 * `color` is `basic`. `basic` and `color` draw no progress line (hyperfine's "interactive
 * elements"); `full` draws it even where stderr is no terminal; `none` prints no summary and no
 * progress line (the exports are still written; warnings and errors still go to stderr).
 */
export const OUTPUT_STYLES = ['auto', 'basic', 'full', 'nocolor', 'color', 'none'] as const;
export type OutputStyle = (typeof OUTPUT_STYLES)[number];

export interface StyleEffects {
  /** The progress line: where stderr can redraw it (`auto`), always, or never. */
  readonly progress: 'auto' | 'always' | 'never';
  /** Whether the summary (or --verbose's tables) is printed on stdout. */
  readonly summary: boolean;
}

/** What a --style asks of compare's output. @example styleEffects('basic') // { progress: 'never', summary: true } */
export function styleEffects(style: OutputStyle = 'auto'): StyleEffects {
  switch (style) {
    case 'auto':
    case 'nocolor':
      return { progress: 'auto', summary: true };
    case 'basic':
    case 'color':
      return { progress: 'never', summary: true };
    case 'full':
      return { progress: 'always', summary: true };
    case 'none':
      return { progress: 'never', summary: false };
  }
}
