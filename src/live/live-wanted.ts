/**
 * Whether a line can be redrawn in place on this stream: a terminal that takes `\r` and `ESC[K`,
 * which TERM=dumb says it does not (an Emacs shell buffer, some CI consoles: every redraw stayed
 * on screen as a line of its own).
 */
export function canRedraw(stream: { isTTY?: boolean } = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

/**
 * Whether to draw the live status line: asked for (no `--no-live`), and stderr is a terminal that
 * can redraw it. Never on a pipe or file, where a redrawn line would only be noise in a log.
 */
export function liveWanted(asked: boolean, stream: { isTTY?: boolean } = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  return asked && canRedraw(stream, env);
}
