/**
 * valgrind could not profile: not installed, or it failed before writing its output file.
 * A program that is missing is a UsageError instead; a program that fails is an exitCode.
 */
export class CachegrindError extends Error {
  override readonly name = 'CachegrindError';
  readonly code: 'VALGRIND_NOT_FOUND' | 'VALGRIND_FAILED';
  constructor(code: 'VALGRIND_NOT_FOUND' | 'VALGRIND_FAILED', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
