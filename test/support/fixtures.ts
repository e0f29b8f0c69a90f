import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const fixtureDir = join(import.meta.dirname, '..', 'fixtures');
const buildDir = join(tmpdir(), `perfcell-fixtures-${process.getuid?.() ?? 0}`);

/** Compiles test/fixtures/NAME.c once (cc -O2) and returns the binary's path. */
export function fixture(name: string): string {
  const source = join(fixtureDir, `${name}.c`);
  const binary = join(buildDir, name);
  if (!existsSync(binary) || statSync(binary).mtimeMs < statSync(source).mtimeMs) {
    mkdirSync(buildDir, { recursive: true });
    execFileSync('cc', ['-O2', '-o', binary, source]);
  }
  return binary;
}

/** The built CLI (npm test builds before vitest runs). */
export const cliPath = join(import.meta.dirname, '..', '..', 'dist', 'app', 'cli.cjs');
