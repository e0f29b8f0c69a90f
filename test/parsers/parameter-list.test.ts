import { describe, expect, it } from 'vitest';
import { expandParameterLists, readParameterLists, readParameterScan, substituteParameters } from '../../parsers/parameter-list.ts';

describe('readParameterLists (compare -L NAME VALUES)', () => {
  it('reads NAME VALUES pairs, values split at commas, \\, a comma in a value', () => {
    expect(readParameterLists(['size', '512,1024', 'mode', 'row,col'])).toEqual([
      { name: 'size', values: ['512', '1024'] },
      { name: 'mode', values: ['row', 'col'] },
    ]);
    expect(readParameterLists(['flags', String.raw`-O2\,-g,-O0`])).toEqual([{ name: 'flags', values: ['-O2,-g', '-O0'] }]);
    expect(readParameterLists(['one', '7'])).toEqual([{ name: 'one', values: ['7'] }]);
  });

  it('says what is wrong, and how to write it', () => {
    // a command swallowed by -L's values (no -- before it) leaves a name without values
    expect(readParameterLists(['size', '512,1024', './prog {size}'])).toEqual({ problem: '-L takes a name and its values: -L size 512,1024 (then -- and the commands)' });
    expect(readParameterLists(['{size}', '1,2'])).toEqual({ problem: "-L {size}: a parameter's name is letters, digits, '_' and '-', starting with a letter or '_' (e.g. -L size 512,1024)" });
    // as the message says: '_' may lead, a digit or '-' may not
    expect(readParameterLists(['_n', '1,2'])).toEqual([{ name: '_n', values: ['1', '2'] }]);
    expect(readParameterLists(['2n', '1,2'])).toHaveProperty('problem', expect.stringMatching(/^-L 2n: a parameter's name/));
    expect(readParameterLists(['-n', '1,2'])).toHaveProperty('problem', expect.stringMatching(/^-L -n: a parameter's name/));
    expect(readParameterLists(['n', '1', 'n', '2'])).toEqual({ problem: '-L n was given twice (give each parameter once, with all its values: -L n a,b,c)' });
    expect(readParameterLists(['n', '1,,2'])).toEqual({ problem: '-L n 1,,2: an empty value (drop the extra comma)' });
  });
});

describe('substituteParameters', () => {
  it('replaces each {NAME} it knows, left to right, and never a value again', () => {
    expect(substituteParameters('./rowcol {mode} {size} {size}', { mode: 'row', size: '512' })).toBe('./rowcol row 512 512');
    expect(substituteParameters('echo {foo} {bar}', { foo: '{bar} baz', bar: 'quux' })).toBe('echo {bar} baz quux');
    expect(substituteParameters('awk "{print $1}" {n}', { n: '3' })).toBe('awk "{print $1}" 3');
  });
});

describe('expandParameterLists', () => {
  const lists = [
    { name: 'par1', values: ['a', 'b'] },
    { name: 'par2', values: ['z', 'y'] },
  ];

  it("runs every command for every combination, in hyperfine's order: commands fastest, then the first parameter", () => {
    const expanded = expandParameterLists(['echo {par1} {par2}', 'printf %s {par1}{par2}'], null, lists);
    if ('problem' in expanded) throw new Error(expanded.problem);
    expect(expanded.map((each) => each.command)).toEqual([
      'echo a z', 'printf %s az', 'echo b z', 'printf %s bz',
      'echo a y', 'printf %s ay', 'echo b y', 'printf %s by',
    ]);
    expect(expanded[5]?.parameters).toEqual({ par1: 'a', par2: 'y' });
    // named by the command itself
    expect(expanded[0]?.name).toBe('echo a z');
  });

  it('names: one for all, one per command or one per alternative; a value the name does not show is added, so names differ', () => {
    const n = [{ name: 'n', values: ['512', '1024'] }];
    const names = (given: readonly string[] | null, commands = ['./rowcol row {n}', './rowcol col {n}']): string[] => {
      const expanded = expandParameterLists(commands, given, n);
      if ('problem' in expanded) throw new Error(expanded.problem);
      return expanded.map((each) => each.name);
    };
    expect(names(['walk-{n}'], ['./rowcol row {n}'])).toEqual(['walk-512', 'walk-1024']);
    expect(names(['row', 'col'])).toEqual(['row (n = 512)', 'col (n = 512)', 'row (n = 1024)', 'col (n = 1024)']);
    expect(names(['r512', 'c512', 'r1024', 'c1024'])).toEqual(['r512 (n = 512)', 'c512 (n = 512)', 'r1024 (n = 1024)', 'c1024 (n = 1024)']);
    // a command without {n} runs for every value too (as in hyperfine), its name saying which
    expect(names(null, ['./rowcol row {n}', 'true'])).toEqual(['./rowcol row 512', 'true (n = 512)', './rowcol row 1024', 'true (n = 1024)']);
  });

  it('refuses a parameter no command uses, and a count of names that fits nothing', () => {
    expect(expandParameterLists(['./prog {size}'], null, [{ name: 'n', values: ['1'] }])).toEqual({
      problem: 'parameter n: no command has {n} in it (write {n} where its values go, e.g. -- "./prog {n}")',
    });
    expect(expandParameterLists(['a {n}', 'b {n}'], ['x', 'y', 'z'], [{ name: 'n', values: ['1', '2'] }])).toHaveProperty('problem', expect.stringMatching(/^--names gave 3 names for 2 commands × 2 values \(4 alternatives\)/));
  });
});

describe('readParameterScan (compare -P NAME MIN MAX -D STEP)', () => {
  it('steps from MIN to MAX, both included; whole numbers by 1 unless told, decimals with STEP\'s digits', () => {
    expect(readParameterScan(['n', '1', '4'], undefined)).toEqual({ name: 'n', values: ['1', '2', '3', '4'] });
    expect(readParameterScan(['n', '256', '1024'], '256')).toEqual({ name: 'n', values: ['256', '512', '768', '1024'] });
    expect(readParameterScan(['n', '256', '1000'], '256')).toEqual({ name: 'n', values: ['256', '512', '768'] });
    // 0.1 added ten times is 0.9999999999999999: written as the step's digits make it
    expect(readParameterScan(['x', '0', '1'], '0.1')).toEqual({ name: 'x', values: ['0', '0.1', '0.2', '0.3', '0.4', '0.5', '0.6', '0.7', '0.8', '0.9', '1'] });
    expect(readParameterScan(['t', '-2', '2'], '2')).toEqual({ name: 't', values: ['-2', '0', '2'] });
  });

  it('says what is wrong, and how to write it', () => {
    expect(readParameterScan(['n', '1'], undefined)).toHaveProperty('problem', expect.stringMatching(/^-P takes a name, its least and its greatest value: -P n 256 1024/));
    expect(readParameterScan(['n', 'a', '3'], undefined)).toHaveProperty('problem', expect.stringMatching(/^-P takes a name/));
    expect(readParameterScan(['x', '0', '1.5'], undefined)).toEqual({ problem: '-P x 0 1.5: give -D STEP for values that are not whole numbers (e.g. -D 0.5)' });
    expect(readParameterScan(['n', '1', '4'], '0')).toEqual({ problem: '-D 0: the step is a number above 0 (e.g. -D 256)' });
    expect(readParameterScan(['n', '4', '1'], undefined)).toEqual({ problem: '-P n 4 1: the least value comes first (-P n 1 4)' });
    expect(readParameterScan(['n', '0', '1000000'], undefined)).toHaveProperty('problem', '-P n 0 1000000 makes 1000001 values (a larger -D, or fewer values with -L)');
  });
});
