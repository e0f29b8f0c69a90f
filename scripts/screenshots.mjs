// Screenshots for the README (issue 13): the REPL, `run` and `compare` in a real terminal (tmux)
// at 60 and 120 columns, captured with `tmux capture-pane -p` and rendered to PNG by headless
// chromium from an HTML <pre>. Writes docs/terminal-{repl,run,compare}-{60,120}.png.
// Usage: npm run build && node scripts/screenshots.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = resolve(import.meta.dirname, '..');
const docs = join(root, 'docs');
mkdirSync(docs, { recursive: true });
const cli = `node ${join(root, 'dist', 'app', 'cli.cjs')}`;
const tmux = (...args) => execFileSync('tmux', args, { encoding: 'utf8' });
const work = mkdtempSync(join(tmpdir(), 'perfcell-shots-'));

/** Runs `steps` (text typed + Enter, then a wait in ms) in a fresh tmux pane of `width` columns; returns the pane's text. */
async function capture(width, steps) {
  const session = `perfcell-shot-${process.pid}-${width}`;
  tmux('new-session', '-d', '-s', session, '-x', String(width), '-y', '45', '-e', 'PS1=$ ', '-e', 'NO_COLOR=1', '-e', 'PERFCELL_REPL_HISTORY=', 'bash --norc --noprofile');
  try {
    await sleep(300);
    for (const [keys, waitMs] of steps) {
      tmux('send-keys', '-t', session, '-l', keys);
      tmux('send-keys', '-t', session, 'Enter');
      await sleep(waitMs);
    }
    return tmux('capture-pane', '-p', '-t', session).replace(/\n+$/, '\n');
  } finally {
    tmux('kill-session', '-t', session);
  }
}

function render(name, width, text) {
  const lines = text.split('\n').length;
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const html = join(work, `${name}.html`);
  writeFileSync(html, `<!doctype html><meta charset="utf-8"><style>body{margin:0;background:#1d1f21}pre{margin:0;padding:12px;color:#e0e0e0;font:15px/19px "DejaVu Sans Mono",monospace;white-space:pre}</style><pre>${escaped}</pre>`);
  const pixelsWide = Math.ceil(width * 9.1) + 24;
  execFileSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--window-size=${pixelsWide},${lines * 19 + 24}`, `--screenshot=${join(docs, `${name}.png`)}`, `file://${html}`], { stdio: 'ignore' });
}

try {
  const cells = join(work, 'demo.js');
  for (const width of [60, 120]) {
    const repl = await capture(width, [
      [`${cli} repl`, 4000],
      ['const rows = Array.from({ length: 2e6 }, (_, i) => i)', 2500],
      ['rows.reduce((sum, value) => sum + value, 0)', 2500],
      ['.exit', 800],
    ]);
    render(`terminal-repl-${width}`, width, repl);
    const run = await capture(width, [[`${cli} run -- node -e "let a = []; for (let i = 0; i < 3e5; i++) a.push({ i })"`, 5000]]);
    render(`terminal-run-${width}`, width, run);
    writeFileSync(cells, '// %% rows\nconst n = 400; const m = new Float64Array(n * n).fill(1); let s = 0;\nfor (let r = 0; r < n; r++) for (let c = 0; c < n; c++) s += m[r * n + c];\n// %% columns\nlet t = 0;\nfor (let c = 0; c < n; c++) for (let r = 0; r < n; r++) t += m[r * n + c];\n');
    const compare = await capture(width, [[`cd ${work} && ${cli} compare --runs 8 -- "sleep 0.01" "sleep 0.02"`, 12000]]);
    render(`terminal-compare-${width}`, width, compare);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`wrote ${docs}/terminal-{repl,run,compare}-{60,120}.png`);
