/**
 * The ways to measure what timing refuses because it is async, said after the refusal: a promise a
 * timed function returned (timeit.ts), or `.timeit` code that awaits (timing-commands.ts).
 */
export const ASYNC_WAYS = "measure an async function as a REPL line or cell of its own (await f()), whose report is its cost, or with the library's measure(fn)";
