/** `perfcell parse`'s lane (see bin.ts and lane-loader.ts): the command line with the parse command only. */
import { main } from '../main.ts';
import { registerParse } from '../commands/parse.ts';

void main(process.argv, async (name) => (name === 'parse' ? registerParse : undefined));
