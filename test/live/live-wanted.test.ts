import { describe, expect, it } from 'vitest';
import { canRedraw, liveWanted } from '../../src/live/live-wanted.ts';

describe('whether a line is redrawn in place (the live view, compare\'s progress line)', () => {
  it('on a terminal only, and not on one that says TERM=dumb (each redraw stayed as a line of its own)', () => {
    expect(canRedraw({ isTTY: true }, { TERM: 'xterm-256color' })).toBe(true);
    expect(canRedraw({ isTTY: true }, {})).toBe(true);
    expect(canRedraw({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(canRedraw({ isTTY: false }, { TERM: 'xterm' })).toBe(false);
    expect(liveWanted(true, { isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(liveWanted(false, { isTTY: true }, { TERM: 'xterm' })).toBe(false);
    expect(liveWanted(true, { isTTY: true }, { TERM: 'xterm' })).toBe(true);
  });
});
