#!/usr/bin/env node
// The sqlml command line: the same core and Node layer as the language server, no VS Code.
import { version } from '../../package.json';
import { UsageError, type Command } from './cli/usage';

const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => (await import('./cli/check')).checkCommand,
  launcher: async () => (await import('./cli/launcher')).launcherCommand,
  instance: async () => (await import('./cli/instance')).instanceCommand,
  run: async () => (await import('./cli/run')).runCommand,
};

const USAGE = `usage: sqlml <command> [options]

commands:
  check [--format text|json] <files or folders>   check .sql files for sp_execute_external_script problems
  run [--format text|json] [--login L] [--database DB] FILE…
                                                   run T-SQL files on the instance (created on first use)
  instance create|start|stop|status|drop|serve    the embedded instance's life cycle
  launcher provision|deprovision|status|exec      set up worker accounts, show isolation, run one script

  sqlml --version | sqlml <command> --help

exit status: 0 done without errors; 1 the files, batches or scripts had errors (or the instance
could not be reached); 2 bad usage; 3 an internal error of sqlml (a bug: SQLML_DEBUG=1 shows it).
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`sqlml ${version}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) throw new UsageError(`unknown command '${name}'\n\n${USAGE}`);
  return (await load())(rest);
}

// A reader that stops early (`sqlml run … | head`) closes the pipe: that ends the output, quietly,
// as it does for other command-line tools, rather than as an unhandled EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`sqlml: ${err.message}\n`);
      process.exitCode = 2;
    } else {
      // Anything else is our bug; say so in one line, keep the detail for a bug report.
      const detail = err instanceof Error ? err.message : String(err);
      process.stderr.write(`sqlml: internal error: ${detail}\n(set SQLML_DEBUG=1 for the stack)\n`);
      if (process.env.SQLML_DEBUG) process.stderr.write(`${err instanceof Error ? err.stack : ''}\n`);
      process.exitCode = 3;
    }
  },
);
