/**
 * A line of JavaScript that touches `pages` fresh pages and keeps them in the global `name`: about
 * `pages` page-faults, the ground truth of the REPL's and the kernel's count tests. Its buffer is at
 * least 36 MiB, over glibc's largest mmap threshold (32 MiB), so it is always a mapping of its own:
 * a smaller one may come from malloc's heap, where pages that an earlier free left resident fault no
 * more (a kernel cell of `new Float64Array(5000 * 512).fill(1)` read 4,797 page-faults in a CI run,
 * 2026-12-06). Only its first `pages` pages are touched. test/kernel/drive_kernel.py writes the same.
 * @example touchFreshPages('pages0', 5000)
 * // 'var pages0 = new Float64Array(9216 * 512); for (let page = 0; page < 5000; page++) pages0[page * 512] = 1; void 0'
 */
export function touchFreshPages(name: string, pages: number): string {
  return `${allocateFreshPages(name, pages)}; ${touchPages(name, pages)}`;
}

/** The allocation alone (`var NAME = …`), for a line typed in two parts. */
export function allocateFreshPages(name: string, pages: number): string {
  return `var ${name} = new Float64Array(${Math.max(pages, 9216)} * 512)`;
}

/** The touch alone (`for (…) NAME[page * 512] = 1; void 0`). */
export function touchPages(name: string, pages: number): string {
  return `for (let page = 0; page < ${pages}; page++) ${name}[page * 512] = 1; void 0`;
}
