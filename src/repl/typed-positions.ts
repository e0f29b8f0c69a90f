import { createPositionMapper, type SourcePosition } from '../../parsers/source-map-lines.ts';

/** The positions of commands whose TypeScript esbuild stripped, by the file name each ran under. */
export interface TypedPositions {
  /** Records that `file` ran code stripped with `map` (esbuild's JSON), or as written where `map` is undefined. */
  ran(file: string, map: string | undefined): void;
  /** A stack with the frames of stripped commands (`FILE:LINE:COLUMN`, its mark taken out) at the line and column as typed. */
  typedStack(stack: string): string;
}

/**
 * esbuild rewrites the code it strips (`(o as any).b.c` is `o.b.c`, an interface's lines are gone),
 * so a REPL line's frames named positions in code nobody typed: `f (REPL1:1:22)` for a `c` typed at
 * column 51. Each REPL line runs under a file of its own (REPLn), whose map is exact; a name that
 * runs a second command (the kernel's every cell is `cell`) cannot tell which command a frame is
 * in, so its frames stay as they ran.
 */
export function createTypedPositions(): TypedPositions {
  const mappers = new Map<string, { map(line: number, column: number): SourcePosition | null } | null>();
  return {
    ran(file, map) {
      const mapper = map === undefined ? null : createPositionMapper((JSON.parse(map) as { mappings: string }).mappings);
      mappers.set(file, mappers.has(file) ? null : mapper);
    },
    typedStack(stack) {
      return stack.replace(/([^\s()]+):(\d+):(\d+)/g, (whole, file: string, line: string, column: string) => {
        const position = mappers.get(file)?.map(Number(line), Number(column));
        return position == null ? whole : `${file}:${position.line}:${position.column}`;
      });
    },
  };
}
