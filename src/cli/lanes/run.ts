/** `perfcell run`'s lane (see bin.ts): the command line with the run command only. */
import { main } from '../main.ts';
import { registerRun } from '../commands/run.ts';

await main(process.argv, async (name) => (name === 'run' ? registerRun : undefined));
