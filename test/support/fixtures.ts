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

/** Compiles test/fixtures/NAME.c once (cc -O2) and returns the binary's path. */
export function fixture(name: string): string {
  const source = join(fixtureDir, `${name}.c`);
  const binary = join(buildDir, name);
  if (!existsSync(binary) || statSync(binary).mtimeMs < sourceChangedMs(source)) {
    mkdirSync(buildDir, { recursive: true });
    execFileSync('cc', ['-O2', '-o', binary, source]);
  }
  return binary;
}

/** The built CLI (npm test builds before vitest runs). */
export const cliPath = join(import.meta.dirname, '..', '..', 'dist', 'app', 'cli.cjs');
