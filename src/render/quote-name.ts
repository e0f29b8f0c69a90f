/**
 * A name or command in a message, set off in quotes that do not clash with its own: single quotes,
 * or double ones where the name holds a single quote (a command such as `sh -c 'exit 1'`).
 * @example quoteName('row') // "'row'"
 * @example quoteName("sh -c 'exit 1'") // "\"sh -c 'exit 1'\""
 */
export function quoteName(name: string): string {
  return name.includes("'") && !name.includes('"') ? `"${name}"` : `'${name}'`;
}
