/**
 * Reads the `mappings` of a version 3 source map (one source), so a position in generated code
 * (esbuild's output for a TypeScript cell) can be traced back to the line the person wrote.
 */

/** A position in the original source; both 1-based, as stack traces print them. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

interface Segment {
  readonly generatedColumn: number;
  readonly line: number;
  readonly column: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Decodes one comma-free segment of base64 VLQ numbers.
 * @example decodeVlq('AACA') // [0, 0, 1, 0]
 */
export function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    if (digit === -1) return values;
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  return values;
}

/**
 * A function from a generated position (1-based line and column) to the original one: the
 * segment at or before the column on that line, else the line's first segment; null for a line
 * with no mapping (a helper esbuild added).
 * @example createPositionMapper('AACA;AAClB').map(2, 1) // { line: 3, column: 1 }
 */
export function createPositionMapper(mappings: string): { map(line: number, column: number): SourcePosition | null } {
  const lines: Segment[][] = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const lineText of mappings.split(';')) {
    const segments: Segment[] = [];
    let generatedColumn = 0;
    for (const segmentText of lineText.split(',')) {
      if (segmentText === '') continue;
      const fields = decodeVlq(segmentText);
      generatedColumn += fields[0] ?? 0;
      if (fields.length < 4) continue;
      sourceLine += fields[2] ?? 0;
      sourceColumn += fields[3] ?? 0;
      segments.push({ generatedColumn, line: sourceLine, column: sourceColumn });
    }
    lines.push(segments);
  }
  return {
    map(line, column) {
      const segments = lines[line - 1];
      if (segments === undefined || segments.length === 0) return null;
      let best = segments[0]!;
      for (const segment of segments) if (segment.generatedColumn <= column - 1) best = segment;
      return { line: best.line + 1, column: best.column + 1 };
    },
  };
}
