import type { Command } from 'commander';

/** Adds one subcommand to the program. */
export type RegisterCommand = (program: Command) => void;

/** The module of a subcommand, by name: undefined for a name that is none (or not in this build's lane). */
export type LoadCommand = (name: string) => Promise<RegisterCommand | undefined>;

/**
 * Every subcommand's module, loaded only when it runs: start-up pays for one command's modules,
 * and the REPL, which measures its own process, carries no other command's code in its RSS.
 */
export const loadCommand: LoadCommand = async (name) => {
  switch (name) {
    case 'repl': return (await import('./commands/repl.ts')).registerRepl;
    case 'run': return (await import('./commands/run.ts')).registerRun;
    case 'cells': return (await import('./commands/cells.ts')).registerCells;
    case 'compare': return (await import('./commands/compare.ts')).registerCompare;
    case 'attach': return (await import('./commands/attach.ts')).registerAttach;
    case 'doctor': return (await import('./commands/doctor.ts')).registerDoctor;
    case 'events': return (await import('./commands/events.ts')).registerEvents;
    case 'parse': return (await import('./commands/parse.ts')).registerParse;
    case 'kernel': return (await import('./commands/kernel.ts')).registerKernel;
    case 'completion': return (await import('./commands/completion.ts')).registerCompletion;
    default: return undefined;
  }
};
