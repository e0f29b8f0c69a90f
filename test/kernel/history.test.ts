import { describe, expect, it } from 'vitest';
import { createHistory } from '../../src/kernel/history.ts';

describe('history_request answers (IPython semantics, one session)', () => {
  const history = createHistory();
  history.record(1, 'const xs = [1, 2]', null);
  history.record(2, 'xs[0] +\n  xs[1]', '3');
  history.record(3, "'😀'.length", '2');

  it('matches a search glob against the whole input: * across lines, ? one code point, other characters as typed', () => {
    // `[` opens a class as in SQLite's GLOB (it was taken literally): `[[]` is a `[`
    expect(history.answer({ hist_access_type: 'search', pattern: 'xs[[]0]*' })).toEqual([[1, 2, 'xs[0] +\n  xs[1]']]);
    expect(history.answer({ hist_access_type: 'search', pattern: "'?'.length" })).toEqual([[1, 3, "'😀'.length"]]);
    // a glob matches whole inputs, not a part
    expect(history.answer({ hist_access_type: 'search', pattern: 'xs' })).toEqual([]);
    expect(history.answer({ hist_access_type: 'search', pattern: '(.*)' })).toEqual([]);
  });

  it("matches SQLite GLOB's classes: [abc], ranges, [^…] negated, a ] first inside, a [ never closed matching nothing", () => {
    const lines = (pattern: string) => history.answer({ hist_access_type: 'search', pattern }).map(([, line]) => line);
    expect(lines('[cx]*')).toEqual([1, 2]);
    expect(lines('[a-d]*')).toEqual([1]);
    expect(lines('[^a-d]*')).toEqual([2, 3]);
    expect(lines('xs[[]0[]] +*')).toEqual([2]);
    expect(lines('*[0-9]]')).toEqual([1, 2]);
    expect(lines('[z-a]*')).toEqual([]);
    // a class never closed: SQLite's GLOB matches nothing (its patternCompare), though `xs[` begins line 2
    expect(lines('xs[*')).toEqual([]);
  });

  it("reads a class's ranges as SQLite's GLOB does: a backwards range adds nothing to its first character, a `]` first starts no range", () => {
    // SQLite's answers (python3's sqlite3: select 'z' glob '[z-a]' is 1); `[z-a]` had matched
    // nothing, `[^z-a]` nothing, and `[]-a]` the range `]` to `a`, `_` in it
    const answers = (input: string, ...patterns: string[]) => {
      const own = createHistory();
      own.record(1, input, null);
      return patterns.map((pattern) => own.answer({ hist_access_type: 'search', pattern }).length);
    };
    expect(answers('z', '[z-a]', '[^z-a]', '[a-cz-a]')).toEqual([1, 0, 1]);
    expect(answers('x', '[z-a]', '[^z-a]', '[a-cz-a]')).toEqual([0, 1, 0]);
    expect(answers('b', '[a-cz-a]', '[^a-cz-a]')).toEqual([1, 0]);
    expect(answers('_', '[]-a]', '[^]-a]')).toEqual([0, 1]);
    expect(answers('-', '[]-a]', '[a-c-e]', '[-a]', '[a-]')).toEqual([1, 1, 1, 1]);
  });

  it('takes missing or odd fields as IPython does, and knows no earlier session', () => {
    expect(history.answer({ hist_access_type: 'tail', n: 0 })).toEqual([]);
    // a negative n is SQLite's LIMIT -1, which IPython's tail and search pass on: no limit
    expect(history.answer({ hist_access_type: 'tail', n: -1 })).toHaveLength(3);
    expect(history.answer({ hist_access_type: 'search', pattern: '*', n: -1 })).toHaveLength(3);
    expect(history.answer({ hist_access_type: 'tail' })).toHaveLength(3);
    expect(history.answer({ hist_access_type: 'range', session: 1, start: 2, stop: 99, output: true })).toEqual([[1, 2, ['xs[0] +\n  xs[1]', '3']], [1, 3, ["'😀'.length", '2']]]);
    expect(history.answer({ hist_access_type: 'range', session: 2, start: 1, stop: 0 })).toEqual([]);
    expect(history.answer({ hist_access_type: 'nonsense' })).toEqual([]);
  });
});
