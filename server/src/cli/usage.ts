// Bad command-line usage: the dispatcher prints the message and exits 2, never a stack trace.
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A command's entry point: the arguments after the command name; resolves to the exit code. */
export type Command = (args: string[]) => Promise<number>;

/**
 * A command made of subcommands (`sqlml instance create`, `sqlml launcher exec`): no subcommand
 * prints the usage and is bad usage (2); `--help` anywhere prints it (0); an unknown one is a
 * UsageError. Own properties only, so `constructor` is no subcommand.
 */
export function subcommands(group: string, table: Readonly<Record<string, Command>>, usage: string): Command {
  return async ([sub, ...rest]) => {
    if (sub === undefined || sub === '--help' || sub === 'help') {
      process.stdout.write(usage);
      return sub === undefined ? 2 : 0;
    }
    const run = Object.hasOwn(table, sub) ? table[sub] : undefined;
    if (!run) throw new UsageError(`unknown ${group} subcommand '${sub}'\n\n${usage}`);
    if (rest.includes('--help')) {
      process.stdout.write(usage);
      return 0;
    }
    return run(rest);
  };
}
