// A SQL Server named the way sqlcmd names it, for `sqlml run` and `sqlml check`: -S host[,port],
// -U login, the password in SQLCMDPASSWORD (or -P, which every user of the machine can read in
// the process list: warned about), -C to trust the server's certificate, -N to encrypt. -d (the
// database) belongs to each command's own options.
import type { ParsedArgs } from './args';
import { UsageError } from './usage';
import { parseServer, type TdsProfile } from '../node/remote/profile';

export const SERVER_OPTIONS = {
  server: { value: true, short: 'S' },
  user: { value: true, short: 'U' },
  password: { value: true, short: 'P' },
  'trust-server-certificate': { value: false, short: 'C' },
  encrypt: { value: false, short: 'N' },
} as const;

export const SERVER_HELP = `a SQL Server over TDS instead of an embedded instance (as sqlcmd):
  -S, --server HOST[,PORT]   the server (default port 1433)
  -U, --user LOGIN           the SQL login to connect as
  -P, --password PASSWORD    its password (shown to everyone in the process list: prefer SQLCMDPASSWORD)
  -C, --trust-server-certificate
                             accept the server's certificate without checking it
  -N, --encrypt              encrypt the connection (without it only the login is encrypted)
  environment: SQLCMDPASSWORD  the password, when -P is not given`;

export interface ServerTarget {
  profile: TdsProfile;
  password: string;
}

/** The server the options name, or undefined when they name none (the embedded instance). */
export function serverTargetFrom(parsed: ParsedArgs, env: NodeJS.ProcessEnv, warn: (line: string) => void, database?: string): ServerTarget | undefined {
  const get = (k: string) => parsed.options.get(k)?.[0];
  const server = get('server');
  const given = ['user', 'password', 'trust-server-certificate', 'encrypt'].filter((k) => parsed.options.has(k));
  if (server === undefined) {
    if (given.length > 0) throw new UsageError(`--${given[0]} needs -S (a server); the embedded instance is named with --name or --path`);
    return undefined;
  }
  if (parsed.options.has('name') || parsed.options.has('path')) throw new UsageError('give -S or --name/--path, not both');
  const where = parseServer(server);
  if ('error' in where) throw new UsageError(`-S: ${where.error}`);
  const user = get('user');
  if (user === undefined) throw new UsageError("-S needs -U: over TDS sqlml signs in with a SQL login (Windows authentication is not available here)");
  let password = get('password');
  if (password !== undefined) warn('-P puts the password on the command line, where other users can see it (ps, shell history): prefer the SQLCMDPASSWORD environment variable');
  else password = env.SQLCMDPASSWORD;
  if (password === undefined) throw new UsageError(`no password for '${user}': set SQLCMDPASSWORD (or give -P)`);
  return {
    profile: {
      ...where,
      authenticationType: 'SqlLogin',
      user,
      ...(database !== undefined ? { database } : {}),
      encrypt: parsed.options.has('encrypt'),
      trustServerCertificate: parsed.options.has('trust-server-certificate'),
    },
    password,
  };
}
