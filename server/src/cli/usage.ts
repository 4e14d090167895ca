// Bad command-line usage: the dispatcher prints the message and exits 2, never a stack trace.
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A command's entry point: the arguments after the command name; resolves to the exit code. */
export type Command = (args: string[]) => Promise<number>;
