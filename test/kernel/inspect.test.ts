import { afterEach, describe, expect, it } from 'vitest';
import { inspectAt } from '../../src/kernel/inspect.ts';

const scope = globalThis as Record<string, unknown>;
afterEach(() => {
  delete scope['héllo'];
  delete scope['plain'];
});

describe('inspect_request: the name under the cursor', () => {
  it('reads a name path from the cells\' scope, the cursor within it or at its end', () => {
    scope['plain'] = { abc: 1 };
    expect(inspectAt('plain.abc + 1', 7, 0)).toEqual({ status: 'ok', found: true, data: { 'text/plain': 'plain.abc: number\n1' }, metadata: {} });
    expect(inspectAt('x = plain', 9, 0)).toMatchObject({ found: true, data: { 'text/plain': 'plain: object\n{ abc: 1 }' } });
    expect(inspectAt('nothing_here', 3, 0)).toEqual({ status: 'ok', found: false, data: {}, metadata: {} });
  });

  it('takes non-ASCII identifiers, as JavaScript does (é was taken for the name\'s end)', () => {
    scope['héllo'] = { abc: 2 };
    // cursor_pos counts code points: the emoji before it is one
    const code = "const s = '😀';\nhéllo.abc + 1";
    expect(inspectAt(code, [...code].indexOf('.') + 2, 0)).toMatchObject({ found: true, data: { 'text/plain': 'héllo.abc: number\n2' } });
  });
});
