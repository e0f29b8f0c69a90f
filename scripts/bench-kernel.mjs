// Writes the "Jupyter kernel" section of BENCHMARKS.md: the execute round trip of `1+1` through
// jupyter_client (scripts/bench-kernel.py) for perfcell kernel (report included), perfcell kernel
// --no-perf, and tslab (a TypeScript kernel that measures nothing), taking turns in one run.
// tslab is installed from npm into a temporary folder; its kernelspec with its own `tslab install`.
// Needs: npm run build, /usr/bin/python3 with jupyter_client and IPython (tslab's installer imports it).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, median, quantile, writeSection } from './lib/benchmarks-md.mjs';

const PYTHON = '/usr/bin/python3';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 100);
const WARMUP = 10;
const CODE = '1+1';
const TARGET_ADDED_MS = 5;
const cli = join(process.cwd(), 'dist', 'app', 'cli.cjs');

const work = mkdtempSync(join(tmpdir(), 'perfcell-bench-kernel-'));
try {
  const prefix = join(work, 'prefix');
  const tslabDir = join(work, 'tslab');
  mkdirSync(tslabDir);
  writeFileSync(join(tslabDir, 'package.json'), '{"private":true}');
  console.error('bench-kernel: npm install tslab (temporary folder)…');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', 'tslab'], { cwd: tslabDir, stdio: ['ignore', 'ignore', 'inherit'] });
  const tslabBin = join(tslabDir, 'node_modules', '.bin', 'tslab');
  const tslabVersion = JSON.parse(readFileSync(join(tslabDir, 'node_modules', 'tslab', 'package.json'), 'utf8')).version;
  execFileSync(tslabBin, ['install', `--python=${PYTHON}`, `--binary=${tslabBin}`, `--prefix=${prefix}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(process.execPath, [cli, 'kernel', 'install', '--prefix', prefix], { stdio: ['ignore', 'ignore', 'inherit'] });
  // The same spec, measuring RAM, time and CPU only: what perf's hand-overs cost.
  const kernels = join(prefix, 'share', 'jupyter', 'kernels');
  const spec = JSON.parse(readFileSync(join(kernels, 'perfcell', 'kernel.json'), 'utf8'));
  mkdirSync(join(kernels, 'perfcell-no-perf'));
  writeFileSync(join(kernels, 'perfcell-no-perf', 'kernel.json'), JSON.stringify({ ...spec, argv: [...spec.argv, '--no-perf'] }));

  console.error(`bench-kernel: ${ROUNDS} rounds of ${CODE} after ${WARMUP} warm-up ones, kernels taking turns…`);
  const names = ['tslab', 'perfcell-no-perf', 'perfcell'];
  const out = execFileSync(PYTHON, [join('scripts', 'bench-kernel.py'), String(ROUNDS), String(WARMUP), CODE, ...names], {
    env: { ...process.env, JUPYTER_PATH: join(prefix, 'share', 'jupyter') },
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  const { latenciesMs, outputs } = JSON.parse(out.toString());

  const fmt = (ms) => ms.toFixed(2);
  const base = median(latenciesMs.tslab);
  const label = { tslab: `tslab ${tslabVersion} (no measurement)`, 'perfcell-no-perf': 'perfcell kernel --no-perf', perfcell: 'perfcell kernel' };
  const rows = names.map((name) => {
    const values = latenciesMs[name];
    const med = median(values);
    return `| ${label[name]} | ${fmt(med)} ms | ${fmt(quantile(values, 0.9))} ms | ${fmt(Math.min(...values))} ms | ${name === 'tslab' ? '—' : `${med - base >= 0 ? '+' : ''}${fmt(med - base)} ms`} | ${(med / base).toFixed(2)}× |`;
  });
  const added = median(latenciesMs.perfcell) - base;
  const seen = (name) => Object.entries(outputs[name]).map(([kinds, count]) => `${kinds || '(none)'} ×${count}`).join('; ');
  const body = `
Command: \`npm run build && node scripts/bench-kernel.mjs\` (${ROUNDS} rounds after ${WARMUP} warm-up ones, the kernels taking turns, 20 ms between cells; ${machineLine()}; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')} at the end).

Execute round trip of \`${CODE}\` through jupyter_client (scripts/bench-kernel.py): from sending execute_request until the execute_reply and the iopub idle status that closes the cell's outputs have both arrived. perfcell's includes the cell's report (display_data: text, HTML table, report JSON); tslab is installed from npm into a temporary folder (\`tslab install --python=/usr/bin/python3 --prefix DIR\`).

| kernel | median | p90 | best | added over tslab (median) | ratio of medians |
|---|---:|---:|---:|---:|---:|
${rows.join('\n')}

Target: no more than ${TARGET_ADDED_MS} ms added per cell over tslab, report included: ${added <= TARGET_ADDED_MS ? 'met' : 'not met'} (${added >= 0 ? '+' : ''}${fmt(added)} ms in this run).
Outputs per cell — perfcell: ${seen('perfcell')}; tslab: ${seen('tslab')}.
\`--no-perf\` shows what the kernel's own bookkeeping costs (it answers sooner than tslab, which
type-checks every cell and prints the value as a stream); the rest of perfcell's figure is perf's
hand-overs per cell on the kernel's one perf, stopped between cells (the same engine as "REPL
latency"): let go on, the enable and its ack, the disable and its ack, and the nudged last interval,
which wait for perf to be scheduled on this 2-vCPU VM shared with other work: the median and p90
grow with the load average, \`best\` is the quiet case.
`;
  console.log(body);
  if (process.env.BENCH_NO_WRITE !== '1') writeSection('Jupyter kernel', body);
} finally {
  rmSync(work, { recursive: true, force: true });
}
