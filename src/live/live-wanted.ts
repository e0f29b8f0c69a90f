/**
 * Whether to draw the live status line: asked for (no `--no-live`), and stderr is a terminal.
 * Never on a pipe or file, where a redrawn line would only be noise in a log.
 */
export function liveWanted(asked: boolean, stream: { isTTY?: boolean } = process.stderr): boolean {
  return asked && stream.isTTY === true;
}
