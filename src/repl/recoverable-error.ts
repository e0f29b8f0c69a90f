/**
 * node:repl's Recoverable (input that ends too early) as the SyntaxError to show: a Recoverable's
 * own message is empty, its parse error is `err`. `what` names the input ("the cell", "the code").
 * @example endedTooEarly(new Recoverable(new SyntaxError('Unexpected end of input')), 'the cell') // SyntaxError: Unexpected end of input (the cell ends too early)
 */
export function endedTooEarly(error: Error & { readonly err?: unknown }, what: string): SyntaxError {
  const parseError = error.err instanceof Error ? error.err.message : '';
  const message = parseError !== '' ? parseError : error.message !== '' ? error.message : 'Unexpected end of input';
  return new SyntaxError(`${message} (${what} ends too early)`);
}
