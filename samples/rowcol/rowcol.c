/*
 * Row-wise against column-wise sum of an N×N matrix of doubles.
 *
 *   cc -O2 -o rowcol rowcol.c
 *   ./rowcol row|col [N=1024] [reps=1]
 *
 * Row-wise walks memory with stride 8 bytes: one cache-line fill serves 8 doubles.
 * Column-wise walks with stride N*8 bytes: every access touches a new line.
 * The sum is printed so the compiler cannot drop the loops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double sum_rows(const double *m, size_t n) {
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) sum += m[i * n + j];
    return sum;
}

static double sum_columns(const double *m, size_t n) {
    double sum = 0;
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++) sum += m[i * n + j];
    return sum;
}

int main(int argc, char **argv) {
    if (argc < 2 || (strcmp(argv[1], "row") != 0 && strcmp(argv[1], "col") != 0)) {
        fprintf(stderr, "usage: rowcol row|col [N=1024] [reps=1]\n");
        return 2;
    }
    int by_rows = strcmp(argv[1], "row") == 0;
    long n = argc > 2 ? atol(argv[2]) : 1024;
    long reps = argc > 3 ? atol(argv[3]) : 1;
    if (n <= 0 || reps <= 0) {
        fprintf(stderr, "rowcol: N and reps must be positive\n");
        return 2;
    }
    double *m = malloc((size_t)n * (size_t)n * sizeof *m);
    if (m == NULL) {
        fprintf(stderr, "rowcol: cannot allocate %ld×%ld doubles\n", n, n);
        return 1;
    }
    for (size_t k = 0; k < (size_t)n * (size_t)n; k++) m[k] = (double)(k % 7);
    double total = 0;
    for (long r = 0; r < reps; r++) total += by_rows ? sum_rows(m, (size_t)n) : sum_columns(m, (size_t)n);
    printf("%s N=%ld reps=%ld sum=%.0f\n", by_rows ? "row" : "col", n, reps, total);
    free(m);
    return 0;
}
