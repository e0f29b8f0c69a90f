// Row-wise against column-wise sum of an N×N matrix of doubles, as cells.
// Run the cells in order; `sum rows` and `sum columns` can each be repeated and compared:
//   perfcell compare samples/rowcol/rowcol.ts --cells "sum rows" "sum columns" --runs 5
// Row-wise reads memory with stride 8 bytes (8 doubles per 64-byte cache line); column-wise with
// stride N*8 bytes, so every read touches a new line. See NOTES.md for what to expect.
// The sums are declared in setup and only assigned in the later cells, so any cell can run again.
// Each sum cell loops over block-local names and assigns its sum once: a cell's top-level bindings
// (setup's `matrix`, `N`, `rowSum`) live in a scope the cells share, and `rowSum += …` in the loop
// stored a fresh boxed number at every step, which, not the memory walk, was most of the time
// (NOTES.md, "Node: cells").

// %% setup
const N = 1024;
const matrix = new Float64Array(N * N);
for (let k = 0; k < N * N; k++) matrix[k] = k % 7;
// Σ (k mod 7) over k < N²: 21 per full cycle of 7, plus 0 + 1 + … + (r − 1) for the rest.
const expectedSum = 21 * Math.floor((N * N) / 7) + (((N * N) % 7) * ((N * N) % 7 - 1)) / 2;
let rowSum = 0;
let columnSum = 0;

// %% sum rows
{
  const m = matrix;
  const n = N;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) sum += m[i * n + j]!;
  }
  rowSum = sum;
}

// %% sum columns
{
  const m = matrix;
  const n = N;
  let sum = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) sum += m[i * n + j]!;
  }
  columnSum = sum;
}

// %% check
if (rowSum !== expectedSum || columnSum !== expectedSum) {
  throw new Error(`sums differ: rows ${rowSum}, columns ${columnSum}, expected ${expectedSum}`);
}
