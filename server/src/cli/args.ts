// The one option parser of every sqlml command: Node's util.parseArgs, strict. Unknown options,
// missing values and repeats of a single-valued option are usage errors (exit 2). Long options
// (--format json, --format=json) and, where a command gives them, sqlcmd's short ones (-S host,
// -Q "query").
import { parseArgs as nodeParseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage';

export interface OptionSpec {
  /** Takes a value (--format json) or is a flag (--verbose). */
  value: boolean;
  /** May be given several times; values are collected. */
  repeat?: boolean;
  /** A one-letter alias (-S for --server), as sqlcmd spells its options. */
  short?: string;
}

export interface ParsedArgs {
  /** Each option given, by its long name, with its values in order ('true' for a flag). */
  options: Map<string, string[]>;
  positional: string[];
}

type NodeOptions = NonNullable<ParseArgsConfig['options']>;

export function parseArgs(args: string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const options: NodeOptions = {};
  for (const [name, s] of Object.entries(spec)) {
    options[name] = { type: s.value ? 'string' : 'boolean', multiple: true, ...(s.short ? { short: s.short } : {}) };
  }
  let parsed: ReturnType<typeof nodeParseArgs>;
  try {
    parsed = nodeParseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(usageMessage(err as Error & { code?: string }));
  }
  const result = new Map<string, string[]>();
  for (const [name, raw] of Object.entries(parsed.values)) {
    const values = (raw as (string | boolean)[]).map(String);
    if (values.length > 1 && spec[name]!.value && !spec[name]!.repeat) throw new UsageError(`--${name} is given more than once`);
    result.set(name, values);
  }
  return { options: result, positional: parsed.positionals };
}

/** util.parseArgs explains itself at length, with advice for programmers; users need the gist. */
function usageMessage(err: Error & { code?: string }): string {
  const option = /'(-{1,2}[^'\s]+)/.exec(err.message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? err.message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(err.message) ? `${option ?? 'an option'} needs a value` : `${option ?? 'an option'} takes no value`;
    default:
      return err.message;
  }
}

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, not '${value}'`);
}

/** A whole number of 0 or more (a count that may be none). */
export function wholeNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, 0 or more, not '${value}'`);
  return n;
}

export function positiveNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, not '${value}'`);
  return n;
}
