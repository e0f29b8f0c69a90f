// Code in a cell against the same code in plain Node: a cell should time the code, not the way
// cells run it. Loops of the kind cache experiments are made of, each as six cells of a file (the
// first a warm-up, left out), run by `perfcell cells --json --no-perf` (each cell's own time), and
// the same cells' code in a plain node process (vm.runInThisContext, timed with performance.now()).
// Alternates the builds given and plain Node, ROUNDS times; medians per loop.
//   npm run build && node scripts/bench-cell-speed.mjs [[LABEL=]OTHER_CLI ...]
//   (a worktree's build: git worktree add /tmp/A REV && (cd /tmp/A && npm run build),
//    then node scripts/bench-cell-speed.mjs REV=/tmp/A/dist/app/cli.cjs)
// Writes the "Cell speed" section of BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, median, writeSection } from './lib/benchmarks-md.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const REPEATS = 6;
const SETUP = 'const N = 1024;\nconst matrix = new Float64Array(N * N);\nfor (let k = 0; k < N * N; k++) matrix[k] = k % 7;\nlet s = 0;';
const LOOPS = {
  'Math.sqrt, 2e6 rounds (a global looked up each round)': 's = 0;\nfor (let k = 0; k < 2e6; k++) s += Math.sqrt(k);',
  'row-wise sum, 1024² doubles (top-level const and let)': 's = 0;\nfor (let i = 0; i < N; i++) for (let j = 0; j < N; j++) s += matrix[i * N + j];',
  'column-wise sum, 1024² doubles': 's = 0;\nfor (let j = 0; j < N; j++) for (let i = 0; i < N; i++) s += matrix[i * N + j];',
  'random reads, 1e6 (Math.random())': 's = 0;\nfor (let k = 0; k < 1e6; k++) s += matrix[(Math.random() * N * N) | 0];',
};
const names = Object.keys(LOOPS);
const cells = [['setup', SETUP], ...names.flatMap((name, index) => Array.from({ length: REPEATS }, (_, repeat) => [`l${index}r${repeat}`, LOOPS[name]]))];

const dir = mkdtempSync(join(tmpdir(), 'perfcell-bench-cell-speed-'));
const file = join(dir, 'loops.js');
writeFileSync(file, cells.map(([title, code]) => `// %% ${title}\n${code}\n`).join(''));
const plainScript = join(dir, 'plain.cjs');
writeFileSync(plainScript, `const vm = require('node:vm');
const cells = ${JSON.stringify(cells)};
const out = [];
for (const [title, code] of cells) {
  const started = performance.now();
  vm.runInThisContext(code);
  out.push([title, (performance.now() - started) / 1000]);
}
console.log(JSON.stringify(out));
`);

const head = spawnSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8' }).stdout.trim() || 'this build';
const builds = [[head, 'dist/app/cli.cjs'], ...process.argv.slice(2).map((arg) => (arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, arg]))];
/** seconds[lane][loop] = every kept repeat of every round */
const seconds = new Map([...builds.map(([lane]) => lane), 'plain node'].map((lane) => [lane, names.map(() => [])]));
const keep = (lane, timed) => {
  for (const [title, s] of timed) {
    const match = /^l(\d+)r(\d+)$/.exec(title);
    if (match !== null && match[2] !== '0') seconds.get(lane)[Number(match[1])].push(s);
  }
};
for (let round = 0; round < ROUNDS; round += 1) {
  for (const [lane, cli] of builds) {
    const result = spawnSync(process.execPath, [cli, 'cells', '--json', '--no-perf', file], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    if (result.status !== 0) throw new Error(`${cli} cells failed: ${result.stderr}`);
    keep(lane, JSON.parse(result.stdout).cells.map((cell) => [cell.title, cell.report.durationS]));
  }
  const plain = spawnSync(process.execPath, [plainScript], { encoding: 'utf8' });
  if (plain.status !== 0) throw new Error(`plain node failed: ${plain.stderr}`);
  keep('plain node', JSON.parse(plain.stdout));
  console.error(`round ${round + 1}/${ROUNDS}`);
}
rmSync(dir, { recursive: true, force: true });

const ms = (values) => median(values) * 1000;
const lanes = [...seconds.keys()];
const header = `| loop | ${lanes.join(' | ')} | ${builds.map(([lane]) => `${lane} ÷ plain`).join(' | ')} |`;
const rule = `|---|${lanes.map(() => '---:').join('|')}|${builds.map(() => '---:').join('|')}|`;
const rows = names.map((name, index) => {
  const plain = ms(seconds.get('plain node')[index]);
  return `| ${name} | ${lanes.map((lane) => `${ms(seconds.get(lane)[index]).toFixed(2)} ms`).join(' | ')} | ${builds.map(([lane]) => `${(ms(seconds.get(lane)[index]) / plain).toFixed(2)}×`).join(' | ')} |`;
});
const table = [header, rule, ...rows].join('\n');
writeSection('Cell speed', `
Command: \`npm run build && node scripts/bench-cell-speed.mjs${process.argv.slice(2).map((arg) => ` ${arg}`).join('')}\` (${ROUNDS} rounds, ${REPEATS - 1} timed repeats of each loop a round after a warm-up; ${machineLine()}).

Each loop is ${REPEATS} cells of one file, timed by \`perfcell cells --json --no-perf\` (the cell's own time),
and the same cells' code run one after another in a plain node process (\`vm.runInThisContext\`,
timed with \`performance.now()\`). Medians:

${table}
`);
console.log(table);
