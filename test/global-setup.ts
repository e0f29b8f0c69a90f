import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs once before every test file: the tools the suite needs are here (or explicitly waived),
 * and dist/ is built from the sources as they are now, so no test runs yesterday's build.
 */
const root = fileURLToPath(new URL('..', import.meta.url));

interface Tool {
  readonly name: string;
  readonly isPresent: () => boolean;
  readonly install: string;
  readonly needs: string;
}

const ok = (file: string, args: readonly string[]) => spawnSync(file, args, { stdio: 'ignore', timeout: 20_000, env: { ...process.env, LC_ALL: 'C' } }).status === 0;

const tools: readonly Tool[] = [
  { name: 'perf', isPresent: () => ok('perf', ['stat', '-x,', '-e', 'page-faults', '--', 'true']), install: 'apt-get install linux-perf, and perf_event_paranoid ≤ 2', needs: 'every counting test' },
  { name: 'valgrind', isPresent: () => ok('valgrind', ['--version']), install: 'apt-get install valgrind', needs: 'the cachegrind backend tests' },
  { name: 'cc', isPresent: () => ok('cc', ['--version']), install: 'apt-get install gcc libc6-dev', needs: 'the exec gate and the test fixtures' },
  { name: 'strace', isPresent: () => ok('strace', ['-V']), install: 'apt-get install strace', needs: "the tests of perf's last interval (perf's writes slowed by strace)" },
  { name: 'hyperfine', isPresent: () => ok('hyperfine', ['--version']), install: 'apt-get install hyperfine', needs: "the test of compare --export-hyperfine against hyperfine's own --export-json" },
  { name: 'chromium', isPresent: () => ok('chromium', ['--version']), install: 'apt-get install chromium', needs: 'the HTML report tests in a real browser' },
  { name: 'zsh', isPresent: () => ok('zsh', ['-fc', 'zmodload zsh/zpty']), install: 'apt-get install zsh', needs: 'the tests that complete through the zsh completion script' },
  { name: 'fish', isPresent: () => ok('fish', ['--no-config', '-c', 'true']), install: 'apt-get install fish', needs: 'the tests that complete through the fish completion script' },
  { name: 'jupyter', isPresent: () => ok('/usr/bin/python3', ['-c', 'import jupyter_client, nbclient']), install: 'apt-get install python3-jupyter-client python3-nbclient', needs: 'the Jupyter kernel tests' },
];

/** Tool names waived by PERFCELL_TEST_ALLOW_MISSING=valgrind,chromium (or `all`). */
function waived(): Set<string> {
  const names = (process.env.PERFCELL_TEST_ALLOW_MISSING ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  return new Set(names.includes('all') ? tools.map((tool) => tool.name) : names);
}

function checkTools(): void {
  const allowed = waived();
  const missing = tools.filter((tool) => !tool.isPresent());
  for (const tool of missing.filter((tool) => allowed.has(tool.name))) {
    console.warn(`tests: ${tool.name} is missing and waived by PERFCELL_TEST_ALLOW_MISSING: ${tool.needs} will say they are skipped`);
  }
  const fatal = missing.filter((tool) => !allowed.has(tool.name));
  if (fatal.length > 0) {
    const lines = fatal.map((tool) => `  ${tool.name}: needed by ${tool.needs} (${tool.install})`);
    throw new Error(`the test suite needs tools that are missing (bash scripts/setup.sh installs them; or waive with PERFCELL_TEST_ALLOW_MISSING=${fatal.map((tool) => tool.name).join(',')}):\n${lines.join('\n')}`);
  }
}

function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

/** Builds when any input is newer than dist/.build-stamp (written last by the build); a failed build fails the run. */
function ensureFreshBuild(): void {
  const inputs = ['src', 'parsers', 'native', 'scripts/build.mjs', 'scripts/build-native.mjs', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];
  const newestInput = Math.max(...inputs.map((input) => newestMtimeMs(join(root, input))));
  const stamp = join(root, 'dist', '.build-stamp');
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= newestInput) return;
  console.warn('tests: dist/ is older than the sources; building (npm run build)');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit', timeout: 300_000 });
  if (build.status !== 0) throw new Error('npm run build failed (see above): the tests would run an old build; fix the build first');
  if (!existsSync(stamp)) throw new Error('npm run build did not write dist/.build-stamp: the build script must write it last');
}

export default function setup(): void {
  checkTools();
  ensureFreshBuild();
}
