import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { toJsonDocument } from '../../json-document.ts';
import { EVENTS_HELP, parseEventList, parseIntervalMs, perfFlagOptions } from '../options.ts';

interface RunFlags {
  readonly events?: readonly string[];
  readonly interval: number;
  readonly perf: boolean;
}

interface SpecFlags {
  readonly user?: boolean;
  readonly sysPrefix?: boolean;
  readonly prefix?: string;
  readonly python: string;
  readonly name: string;
  readonly json?: boolean;
}

/**
 * `perfcell kernel CONNECTION_FILE` (what Jupyter runs), `kernel install`, `kernel uninstall`
 * and `kernel list`. The kernel's modules load only when it starts: it measures its own process.
 */
export function registerKernel(program: Command): void {
  const kernel = program
    .command('kernel')
    .description('a Jupyter kernel (TypeScript/JavaScript) that reports what every cell cost; install it with perfcell kernel install')
    .argument('[connection_file]', 'the connection file Jupyter passes as {connection_file}')
    .option('-e, --events <list>', EVENTS_HELP, parseEventList)
    .option('-I, --interval <ms>', 'perf sampling interval in ms', parseIntervalMs, 100)
    .option('--no-perf', 'RAM, time and CPU only')
    .action(async (connectionFile: string | undefined, flags: RunFlags) => {
      // -e with --no-perf is a usage error here too, before the kernel starts
      const measure = perfFlagOptions(flags);
      if (connectionFile === undefined) throw new UsageError('give the connection file (Jupyter runs perfcell kernel {connection_file}; run perfcell kernel install first)');
      const { runKernel } = await import('../../kernel/kernel.ts');
      const code = await runKernel({
        connectionFile,
        measure,
      });
      process.exit(code);
    });

  const where = (command: Command): Command =>
    command
      .option('--user', "Jupyter's user data dir (the default)")
      .option('--sys-prefix', "the prefix of Jupyter's python (see --python)")
      .option('--prefix <dir>', 'DIR/share/jupyter/kernels')
      .option('--python <path>', 'the python whose sys.prefix --sys-prefix uses', 'python3')
      .option('--name <name>', 'kernelspec name', 'perfcell');

  where(kernel.command('install').description('write the kernelspec (kernels/NAME/kernel.json) so Jupyter offers "TypeScript (perfcell)" (with --name N: "TypeScript (perfcell): N")')).action(async (flags: SpecFlags) => {
    const { displayNameOf, installKernelSpec } = await import('../../kernel/kernelspec.ts');
    const dir = installKernelSpec(locationOf(flags), flags.name);
    process.stdout.write(`${dir}\n`);
    process.stderr.write(`installed kernelspec ${flags.name} (pick "${displayNameOf(flags.name)}" in JupyterLab or VS Code)\n`);
  });

  where(kernel.command('uninstall').description('remove the kernelspec')).action(async (flags: SpecFlags) => {
    const { uninstallKernelSpec } = await import('../../kernel/kernelspec.ts');
    process.stdout.write(`${uninstallKernelSpec(locationOf(flags), flags.name)}\n`);
  });

  kernel
    .command('list')
    .description('show where perfcell kernelspecs are installed')
    .option('--prefix <dir>', 'also look in DIR/share/jupyter/kernels')
    .option('--json', 'print one JSON document { format, version, perfcell, kernelspecs: [{ name, dir, argv }] }')
    .action(async (flags: { prefix?: string; json?: boolean }) => {
      const { listKernelSpecs } = await import('../../kernel/kernelspec.ts');
      const found = listKernelSpecs(flags.prefix === undefined ? [] : [flags.prefix]);
      // kernelspecs, as `jupyter kernelspec list --json` names its own; an empty list is still a document.
      if (flags.json === true) process.stdout.write(`${JSON.stringify(toJsonDocument('perfcell-kernel-list', { kernelspecs: found }), null, 2)}\n`);
      else if (found.length === 0) process.stderr.write('no perfcell kernelspec found (perfcell kernel install writes one)\n');
      else for (const spec of found) process.stdout.write(`${spec.name}\t${spec.dir}\n`);
    });
}

function locationOf(flags: SpecFlags): import('../../kernel/kernelspec.ts').SpecLocation {
  const chosen = [flags.user, flags.sysPrefix, flags.prefix !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('give one of --user, --sys-prefix or --prefix DIR');
  if (flags.prefix !== undefined) return { kind: 'prefix', dir: flags.prefix };
  if (flags.sysPrefix === true) return { kind: 'sys-prefix', python: flags.python };
  return { kind: 'user' };
}
