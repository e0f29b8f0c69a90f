// perfcell's build (npm run build):
//   1. tsc: the .d.ts files (the package's types) and dist/src, dist/parsers (per-file output that
//      some tests import); no source maps (the package ships no sources for them to point at);
//   2. esbuild: the bin (dist/app/cli.cjs, one CommonJS file), and one bundle per entry in dist/app/
//      (full-cli.js, index.js) whose commands load as
//      chunks of their own, so `perfcell run` reads run's code and not the kernel's; `run`,
//      `parse`, `compare` and `cells` also get a lane each (lane-NAME.cjs: src/cli/lanes/), one CommonJS
//      file apiece that src/cli/lane-loader.ts compiles with a V8 code cache (ESM loads each chunk
//      on its own and compiles it anew every start: 33 shared chunks cost run some 25 ms of CPU, and
//      compiling its lane ~15 ms more); the GC preload that runs inside another process is a file of
//      its own (dist/app/gc-preload.cjs);
//   3. the native gate and the live relay (scripts/build-native.mjs);
//   4. dist/.build-stamp, LAST: test/global-setup.ts rebuilds when any input is newer than it.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { binLauncher } from './lib/bin-launcher.mjs';
import { simpleStatisticsBySource } from './lib/simple-statistics-by-source.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
const started = Date.now();

// 1. Declarations and the per-file output.
// tsc emits even where it reports type errors: the bundles are still built from the sources, but
// no stamp is written and the build fails at the end, so the tests never take such a build as good.
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
for (const dir of ['dist/src', 'dist/parsers']) {
  for (const file of walk(dir)) {
    // Maps of an earlier build that wrote them; no sources ship for them to point at.
    if (file.endsWith('.js.map') || file.endsWith('.cjs.map')) rmSync(file, { force: true });
    // The sources import './x.ts' (rewriteRelativeImportExtensions); .d.ts files keep that, which
    // resolves under no consumer's moduleResolution but bundler's: the emitted .js is named .js.
    else if (file.endsWith('.d.ts') || file.endsWith('.d.cts')) {
      const text = readFileSync(file, 'utf8');
      const fixed = text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+?)\.(c?)ts(['"])/g, (_, head, path, c, quote) => `${head}${path}.${c}js${quote}`);
      if (fixed !== text) writeFileSync(file, fixed);
    }
  }
}

// 2. The bundles.
const app = 'dist/app';
mkdirSync(app, { recursive: true });
const external = ['esbuild', 'zeromq', 'node-pty', 'typescript', '*.node'];
const lanes = ['run', 'parse', 'compare', 'cells'];
const esm = {
  plugins: [simpleStatisticsBySource()],
  outdir: app,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  // Bundled CommonJS dependencies (commander, split2) require() node's modules: a require made on
  // first use, as most chunks never call it (made eagerly it cost every chunk's load ~0.5 ms).
  banner: { js: "import { createRequire as __perfcellCreateRequire } from 'node:module'; let __perfcellRequire; const require = (id) => (__perfcellRequire ??= __perfcellCreateRequire(import.meta.url))(id);" },
};
const main = await build({
  ...esm,
  // The kernel's control/heartbeat thread is a Worker: a file of its own (src/kernel/channels.ts).
  // full-cli: the command line the bin imports for commands without a lane.
  entryPoints: { 'full-cli': 'src/cli/full-cli.ts', index: 'src/index.ts', 'control-worker': 'src/kernel/control-worker.ts' },
  chunkNames: 'chunk-[hash]',
});
// The bin: one CommonJS file that imports nothing of its own before it runs a lane (src/cli/bin.ts).
const bin = await build({
  ...esm,
  entryPoints: { cli: 'src/cli/bin.ts' },
  splitting: false,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  // a string: an array would be injected as a module of its own
  define: { __PERFCELL_LANES__: JSON.stringify(lanes.join(',')), 'import.meta.url': '__perfcellBinUrl' },
  // first the shell launcher, then the bin's own URL
  banner: { js: `${binLauncher}const __perfcellBinUrl = require('node:url').pathToFileURL(__filename).href;` },
});
// Run by its first line, as npm's bin link and the scripts run it: esbuild marks a file executable
// only where its entry has a hashbang, and this one's comes in the banner (the shell launcher).
chmodSync(join(app, 'cli.cjs'), 0o755);
// One CommonJS file per lane, run by src/cli/lane-loader.ts with a V8 code cache (vm.Script's
// cachedData works for scripts, not ES modules). Its code that runs elsewhere by import.meta.url
// (the package root, the GC preload) gets the lane file's own URL.
const laneBuilds = await Promise.all(lanes.map((lane) => build({
  ...esm,
  entryPoints: { [`lane-${lane}`]: `src/cli/lanes/${lane}.ts` },
  splitting: false,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  define: { 'import.meta.url': '__perfcellLaneUrl' },
  banner: { js: "const __perfcellLaneUrl = require('node:url').pathToFileURL(__filename).href;" },
})));
// lane-loader.ts reads each lane as latin1, which is the text itself only where it is ASCII (and a
// lane of one-byte text decodes in half the time: a lane's whole source became a two-byte string
// for one character past ASCII); esbuild escapes strings, a regular expression's characters not.
for (const lane of lanes) {
  const text = readFileSync(join(app, `lane-${lane}.cjs`));
  const at = text.findIndex((byte) => byte > 0x7f);
  if (at !== -1) throw new Error(`dist/app/lane-${lane}.cjs has a byte past ASCII at ${at} ("${text.subarray(Math.max(0, at - 40), at + 8).toString()}"): escape it in the source (\\uXXXX)`);
}
const result = { metafile: { outputs: Object.assign({}, main.metafile.outputs, bin.metafile.outputs, ...laneBuilds.map((lane) => lane.metafile.outputs)) } };
const gcPreload = await build({
  entryPoints: { 'gc-preload': 'src/session/gc-preload.cts' },
  outdir: app,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  metafile: true,
  logLevel: 'warning',
});
copyFileSync('src/kernel/logo-64x64.png', join(app, 'logo-64x64.png'));
// The bin's earlier name: kernelspecs installed by `perfcell kernel install` before the bin was
// CommonJS run `node …/dist/app/cli.js kernel …`, and go on working through this.
writeFileSync(join(app, 'cli.js'), "#!/usr/bin/env node\n// perfcell's bin is cli.cjs; this is its earlier name, which kernelspecs installed before still run\nimport './cli.cjs';\n");
// What this build wrote: `npm pack` (prepack: scripts/prune-app.mjs) ships these and no older chunk.
writeFileSync(join(app, '.manifest.json'), `${JSON.stringify([...Object.keys(result.metafile.outputs), ...Object.keys(gcPreload.metafile.outputs), join(app, 'logo-64x64.png'), join(app, 'cli.js')].map((path) => relative(app, join(root, path))).sort(), null, 1)}\n`);
// Chunks of earlier builds: gone once no process that started before this build can still load them.
const written = new Set([...Object.keys(result.metafile.outputs), ...Object.keys(gcPreload.metafile.outputs)].map((path) => relative(root, join(root, path))));
written.add(join(app, 'logo-64x64.png'));
written.add(join(app, 'cli.js'));
written.add(join(app, '.manifest.json'));
for (const file of walk(app)) {
  if (!written.has(file) && Date.now() - statSync(file).mtimeMs > 10 * 60_000) rmSync(file, { force: true });
}

// 3. The native gate and the live relay.
execFileSync(process.execPath, ['scripts/build-native.mjs'], { stdio: 'inherit' });

// 4. Last.
if (tsc.status !== 0) {
  console.error('build: tsc reported errors (above); dist/app is built, but dist/.build-stamp is not written');
  process.exit(1);
}
writeFileSync('dist/.build-stamp', `${new Date().toISOString()} ${Date.now() - started} ms\n`);

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}
