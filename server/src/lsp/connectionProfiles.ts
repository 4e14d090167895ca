// sqlml.connections: connection profiles as the mssql extension has them (profileName, server,
// port, database, authenticationType, user, encrypt, trustServerCertificate), and
// sqlml.instance.connection, the profile the editor uses. A profile never holds a password: it
// comes from SecretStorage (sqlml/setCredentials) or from the environment variable the profile
// names (passwordEnvironmentVariable). Malformed entries are left out, never fatal.
import type { TdsProfile } from '../node/remote/profile';

export interface ConnectionProfile extends TdsProfile {
  profileName: string;
  /** For an EmbeddedOsLogin profile: the instance folder (default: the embedded default instance). */
  instancePath?: string;
  /** The environment variable holding the password (read by the language server's process). */
  passwordEnvironmentVariable?: string;
}

export function readProfiles(raw: unknown): ConnectionProfile[] {
  if (!Array.isArray(raw)) return [];
  const out: ConnectionProfile[] = [];
  for (const entry of raw) {
    if (!entry || typeof entry !== 'object') continue;
    const o = entry as Record<string, unknown>;
    const text = (k: string) => (typeof o[k] === 'string' && (o[k] as string).trim() !== '' ? (o[k] as string).trim() : undefined);
    const auth = o.authenticationType === 'EmbeddedOsLogin' ? 'EmbeddedOsLogin' : o.authenticationType === undefined || o.authenticationType === 'SqlLogin' ? 'SqlLogin' : undefined;
    const server = text('server');
    const port = o.port === undefined ? undefined : Number(o.port);
    if (!auth || (auth === 'SqlLogin' && (!server || !text('user')))) continue;
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) continue;
    const name = text('profileName') ?? (auth === 'SqlLogin' ? `${server}${port ? `,${port}` : ''}` : 'embedded');
    const user = text('user');
    const database = text('database');
    const instancePath = text('instancePath');
    const env = text('passwordEnvironmentVariable');
    out.push({
      profileName: name,
      server: server ?? '',
      ...(port !== undefined ? { port } : {}),
      ...(database ? { database } : {}),
      authenticationType: auth,
      ...(user ? { user } : {}),
      // The mssql extension writes "Mandatory"/"Optional"/"Strict" or a boolean.
      encrypt: o.encrypt === undefined ? true : o.encrypt === true || o.encrypt === 'Mandatory' || o.encrypt === 'Strict',
      trustServerCertificate: o.trustServerCertificate === true,
      ...(instancePath ? { instancePath } : {}),
      ...(env ? { passwordEnvironmentVariable: env } : {}),
    });
  }
  return out;
}

export function findProfile(profiles: readonly ConnectionProfile[], name: string | undefined): ConnectionProfile | undefined {
  if (name === undefined) return undefined;
  return profiles.find((p) => p.profileName.toLowerCase() === name.toLowerCase());
}
