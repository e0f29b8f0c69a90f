/**
 * The calls the REPL's and the kernel's `perfcell` has beside timeit and compare, for a file's
 * cells, where each is one error that names the way on. A notebook the kernel ran, run by
 * `perfcell cells`, had met `TypeError: perfcell.events is not a function`, which named none (a
 * QA pass): a file's cells count one set-up, the command's, and each is reported. `last` and
 * `history` stay absent, as a notebook may read them where it runs (samples/rowcol/rowcol.ipynb:
 * `perfcell?.history ?? []`).
 */
const WAY_ON = {
  events: "sets a REPL's or a Jupyter kernel's events; a file's cells count the command's for every cell (perfcell cells -e EVENTS FILE)",
  interval: "sets a REPL's or a Jupyter kernel's interval; a file's cells count at the command's for every cell (perfcell cells -I MS FILE)",
  start: "turns a REPL's or a Jupyter kernel's reports off and on; a file's cells are each reported (drop the call)",
  stop: "turns a REPL's or a Jupyter kernel's reports off and on; a file's cells are each reported (drop the call)",
} as const;

/** `tools` with each kernel-only call added as a function that throws its error. */
export function addKernelOnlyCalls<T extends object>(tools: T): T {
  for (const [name, wayOn] of Object.entries(WAY_ON)) {
    Object.defineProperty(tools, name, {
      value: (): never => {
        throw new Error(`perfcell.${name}() ${wayOn}`);
      },
      enumerable: false,
      configurable: true,
      writable: true,
    });
  }
  return tools;
}
