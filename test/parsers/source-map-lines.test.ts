import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { createPositionMapper, decodeVlq } from '../../parsers/source-map-lines.ts';

describe('decodeVlq', () => {
  it('reads signed base64 VLQ numbers, one and several digits', () => {
    expect(decodeVlq('AACA')).toEqual([0, 0, 1, 0]);
    expect(decodeVlq('D')).toEqual([-1]);
    // 'g' is 32: continuation, low bits 0; 'B' is 1, shifted 5 → 32; the sign bit is the lowest: 32 → +16, 33 → −16
    expect(decodeVlq('gB')).toEqual([16]);
    expect(decodeVlq('hB')).toEqual([-16]);
  });
});

describe('createPositionMapper', () => {
  it('maps every statement of esbuild output back to the TypeScript line it came from', () => {
    const source = [
      '// a comment line',
      'interface Point { x: number }',
      'const a: number = 1;',
      '',
      'type T = string;',
      'let b = a as number + 2;',
      'function f(p: Point): number {',
      '  return p.x;',
      '}',
    ].join('\n');
    const result = transformSync(source, { loader: 'ts', sourcemap: 'external' });
    const mapper = createPositionMapper((JSON.parse(result.map) as { mappings: string }).mappings);
    const generated = result.code.split('\n');
    for (const [index, line] of generated.entries()) {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed === '}') continue;
      // The statement's first word must be on the source line the map points at.
      const position = mapper.map(index + 1, line.length - line.trimStart().length + 1);
      const sourceLine = source.split('\n')[(position?.line ?? 0) - 1] ?? '';
      expect(sourceLine, `${line} → line ${position?.line}`).toContain(trimmed.split(/[\s(]/)[0]);
    }
  });

  it('has no position for lines without a mapping', () => {
    expect(createPositionMapper('AAAA;;AACA').map(2, 1)).toBeNull();
    expect(createPositionMapper('AAAA').map(5, 1)).toBeNull();
  });
});
