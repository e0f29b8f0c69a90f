import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const fixtureDir = join(import.meta.dirname, '..', 'fixtures');
const buildDir = join(tmpdir(), `perfcell-fixtures-${process.getuid?.() ?? 0}`);

/** The newest change to the headers beside the sources (barrier.h), read once per test file. */
let headersChangedMs: number | null = null;

/** The newest change to NAME.c or to the headers beside it, which it may include. */
function sourceChangedMs(source: string): number {
  headersChangedMs ??= Math.max(0, ...readdirSync(fixtureDir).filter((file) => file.endsWith('.h')).map((header) => statSync(join(fixtureDir, header)).mtimeMs));
  return Math.max(statSync(source).mtimeMs, headersChangedMs);
}

/**
 * Compiles test/fixtures/NAME.c once (cc -O2, then `flags`: `['-static']`) and returns the binary's
 * path; a binary built with flags is kept apart from the plain one (NAME-static).
 */
export function fixture(name: string, flags: readonly string[] = []): string {
  const source = join(fixtureDir, `${name}.c`);
  const binary = join(buildDir, [name, ...flags.map((flag) => flag.replace(/[^a-z0-9]/gi, ''))].join('-'));
  if (!existsSync(binary) || statSync(binary).mtimeMs < sourceChangedMs(source)) {
    mkdirSync(buildDir, { recursive: true });
    execFileSync('cc', ['-O2', ...flags, '-o', binary, source]);
  }
  return binary;
}

/** The built CLI (npm test builds before vitest runs). */
export const cliPath = join(import.meta.dirname, '..', '..', 'dist', 'app', 'cli.cjs');
