/** The rest of `perfcell run`'s lane (./run.ts): main with the run command. */
import { main } from '../main.ts';
import { registerRun } from '../commands/run.ts';

await main(process.argv, async (name) => (name === 'run' ? registerRun : undefined));
