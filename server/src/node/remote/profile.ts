// A connection profile, as the mssql extension has them (server, port, database, authentication,
// user, encrypt, trustServerCertificate), and how sqlcmd's -S names a server. The password is
// never part of a profile that is stored: it comes from SecretStorage or an environment variable.
export type AuthenticationType = 'SqlLogin' | 'EmbeddedOsLogin';

export interface TdsProfile {
  server: string;
  /** Default 1433. */
  port?: number;
  database?: string;
  authenticationType: AuthenticationType;
  user?: string;
  /** Default true (current drivers' default); 'strict' is TDS 8. */
  encrypt?: boolean;
  trustServerCertificate?: boolean;
}

/** The embedded instance's OS login is its socket; a profile that says so names no TDS server. */
export function isTdsProfile(profile: TdsProfile): boolean {
  return profile.authenticationType === 'SqlLogin';
}

/**
 * sqlcmd's -S: host, host,port, tcp:host[,port], or host\instance (named instances need the
 * Browser service, which a client cannot reach here: it is refused with the reason).
 */
export function parseServer(text: string): { server: string; port?: number } | { error: string } {
  const value = text.trim().replace(/^tcp:/i, '');
  if (value === '') return { error: 'the server name is empty' };
  if (/^(lpc|np):/i.test(value)) return { error: `'${text}': only TCP is supported (shared memory and named pipes are Windows transports)` };
  const [host, port, ...rest] = value.split(',');
  if (rest.length > 0) return { error: `'${text}' is not host[,port]` };
  if (host!.includes('\\')) return { error: `'${text}': named instances are found through the SQL Server Browser; give host,port instead` };
  const server = host === '.' || host!.toLowerCase() === '(local)' ? '127.0.0.1' : host!;
  if (port === undefined) return { server };
  const n = Number(port);
  if (!Number.isInteger(n) || n < 1 || n > 65535) return { error: `'${port}' is not a port number (1-65535)` };
  return { server, port: n };
}

export function describeProfile(profile: TdsProfile): string {
  return `${profile.server}${profile.port !== undefined ? `,${profile.port}` : ''}`;
}
