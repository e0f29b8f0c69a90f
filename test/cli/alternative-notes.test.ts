import { describe, expect, it } from 'vitest';
import { nameAlternativeNotes } from '../../src/cli/alternative-notes.ts';
import { CACHEGRIND_NOTE } from '../../src/backends/cachegrind-counters.ts';

const FORKED = "a process forked without exec: cachegrind starts such a child with its parent's counts so far, so the totals count those twice (run the child's work as a program of its own to count it alone)";
const DEFAULTS = 'no hardware counters here (perf counts none of cycles: no PMU exposed, as in most VMs), so the default events are page-faults, context-switches; for hardware counts see perfcell doctor';
const MULTIPLEXED = "cycles was counted only part of the time and scaled up (down to 49.5% of the time): perf multiplexed more events than the PMU has counters; ask for fewer events, or group them so ratios come from the same time slices, e.g. -e '{cache-misses,cache-references}'";

describe("nameAlternativeNotes: compare's warnings, named by the alternatives they came from", () => {
  it("one alternative's warning names it; one every alternative had stays as it is", () => {
    expect(nameAlternativeNotes([[[FORKED], [FORKED]], [[], []]], ['./forker', 'true'])).toEqual([`'./forker': ${FORKED}`]);
    expect(nameAlternativeNotes([[[FORKED]], [[FORKED]]], ['a', 'b'])).toEqual([FORKED]);
    expect(nameAlternativeNotes([[['x']], [['x']], [[]]], ['a', 'b', 'c'])).toEqual(["'a', 'b': x"]);
  });

  it("runs' warnings that differ only in their figures are one line per alternative, as run -r's", () => {
    expect(nameAlternativeNotes([[['missed 3.1 ms'], ['missed 40 ms'], []], [[]]], ['a', 'b'])).toEqual(["'a': missed 3.1 ms (in 2 of 3 runs; the figures are the first's)"]);
  });

  it('a note said once per process, one naming its alternative, and multiplexing notes are not named', () => {
    expect(nameAlternativeNotes([[[DEFAULTS]], [[]]], ['a', 'b'])).toEqual([DEFAULTS]);
    // perf given up on in the first run: the runs after it, the other alternative's too, go without it
    const gaveUp = "no room for perf's counts: TMPDIR (/tmp/x) is full (ENOSPC); measuring RAM, time and CPU only";
    expect(nameAlternativeNotes([[[gaveUp], []], [[], []]], ['a', 'b'])).toEqual([gaveUp]);
    expect(nameAlternativeNotes([[["'a' left 1 process running after it ended"]], [[]]], ['a', 'b'])).toEqual(["'a' left 1 process running after it ended"]);
    expect(nameAlternativeNotes([[[MULTIPLEXED], [MULTIPLEXED]], [[]]], ['a', 'b'])).toEqual([MULTIPLEXED, MULTIPLEXED]);
  });

  // A QA pass: where the other alternative failed on its first run, the backend's note read
  // "'./rowcol row 64 1': counts are from cachegrind's simulated caches …", as if the other's were not.
  it("cachegrind's note is the backend's, said once unnamed, where one alternative's runs alone have it", () => {
    expect(nameAlternativeNotes([[[CACHEGRIND_NOTE]], [[]]], ['./rowcol row 64 1', './crash s'])).toEqual([CACHEGRIND_NOTE]);
  });

  it('a single alternative names none', () => {
    expect(nameAlternativeNotes([[[FORKED]]], ['a'])).toEqual([FORKED]);
  });
});
