import { describe, expect, it } from 'vitest';
import { quoteName } from '../../src/render/quote-name.ts';

describe('quoteName', () => {
  it("sets a name off in quotes that do not clash with its own (before: 'sh -c 'exit 1'')", () => {
    expect(quoteName('row')).toBe("'row'");
    expect(quoteName("sh -c 'exit 1'")).toBe(`"sh -c 'exit 1'"`);
    expect(quoteName('sh -c "exit 1"')).toBe(`'sh -c "exit 1"'`);
    // both kinds inside: single quotes, as before
    expect(quoteName(`echo "it's"`)).toBe(`'echo "it's"'`);
  });
});
