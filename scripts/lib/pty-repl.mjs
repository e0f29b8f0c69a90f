// A REPL driven through a pseudo-terminal (node-pty), for the benchmarks that time a REPL the way a
// person meets it: bench-repl.mjs (latency per command) and bench-live.mjs (the live view's cost).
import pty from 'node-pty';

/** The REPL's prompt at the end of its output: node's `> ` or perfcell's `In [n]: `. */
export const PROMPT = /(?:^|\n|\x1b\[0J)(?:> |In \[\d+\]: )(?:\x1b\[\d+G)?$/;

export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Starts `file args` on a 200×50 terminal without history or colour, in `env`; `fields` go onto the session. */
export function openPtySession(file, args, fields = {}, env = process.env) {
  const child = pty.spawn(file, args, {
    cols: 200,
    rows: 50,
    cwd: process.cwd(),
    env: { ...env, NODE_REPL_HISTORY: '', PERFCELL_REPL_HISTORY: '', NO_COLOR: '1' },
  });
  const session = { ...fields, child, output: '', waiters: [] };
  child.onData((data) => {
    session.output += data;
    for (const waiter of session.waiters.splice(0)) waiter();
  });
  return session;
}

/** Waits until the output after `from` ends in a prompt; the time it did, on nowMs()'s clock. */
export async function waitForPrompt(session, from, timeoutMs) {
  const deadline = nowMs() + timeoutMs;
  while (!PROMPT.test(session.output.slice(from))) {
    if (nowMs() > deadline) throw new Error(`${session.name}: no prompt after ${timeoutMs} ms; output: ${JSON.stringify(session.output.slice(from))}`);
    await new Promise((resolve) => {
      session.waiters.push(resolve);
      setTimeout(resolve, 50);
    });
  }
  return nowMs();
}

/**
 * Types `line⏎` into the session and waits for the prompt after it: the milliseconds between the
 * keystrokes and that prompt, and what was printed meanwhile.
 */
export async function typeLine(session, line, timeoutMs) {
  const from = session.output.length;
  const startMs = nowMs();
  session.child.write(`${line}\r`);
  const endMs = await waitForPrompt(session, from, timeoutMs);
  return { latencyMs: endMs - startMs, printed: session.output.slice(from) };
}

/**
 * Types `line` key by key, `keyGapMs` apart, as a person does, then ⏎ once the last key's echo has
 * had `keyGapMs` more; waits for the prompt after it: the milliseconds between ⏎ and that prompt
 * (what a person waits after pressing it), and what was printed meanwhile.
 */
export async function typeKeysThenEnter(session, line, timeoutMs, keyGapMs = 40) {
  for (const key of line) {
    session.child.write(key);
    await new Promise((resolve) => setTimeout(resolve, keyGapMs));
  }
  await new Promise((resolve) => setTimeout(resolve, keyGapMs));
  // the line is typed already: ⏎ alone, timed as typeLine times a line
  return typeLine(session, '', timeoutMs);
}
