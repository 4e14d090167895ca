// The instance the editor uses and the login it connects as: sqlml.instance.path, and
// sqlml.instance.login with the password the editor handed over through sqlml/setCredentials.
// One holder, so that the pre-flight, the runs and the views always see the instance as the same
// login; whoever needs to follow a change of password subscribes.
import type { PreflightSettings } from './settings';
import type { InstanceTarget } from './preflight/instanceTarget';
import { findProfile } from './connectionProfiles';

export interface Credentials {
  login: string;
  password: string;
}

export type EditorTarget = InstanceTarget & {
  /** sqlml.instance.login names a SQL login whose password the editor has not given. */
  needsPassword?: string;
};

export class EditorLogin {
  private credentials: Credentials | null = null;
  private readonly listeners = new Set<() => void>();

  /** The password the editor gave (an empty login: back to the OS login); listeners are told. */
  set(login: string, password: string): void {
    const name = login.trim();
    this.credentials = name !== '' ? { login: name, password } : null;
    for (const listener of this.listeners) listener();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Where to connect and as whom, for these settings. */
  target(settings: Pick<PreflightSettings, 'instancePath' | 'login' | 'connections' | 'connection'>): EditorTarget {
    const profile = findProfile(settings.connections ?? [], settings.connection);
    const given = this.credentials;
    if (profile?.authenticationType === 'SqlLogin' && profile.user) {
      // A SQL Server over TDS: the profile's login, its password from the environment variable the profile names, else from the editor.
      const { profileName: _n, instancePath: _p, passwordEnvironmentVariable: variable, ...tds } = profile;
      const fromEnv = variable !== undefined ? process.env[variable] : undefined;
      const password = fromEnv ?? (given && given.login.toLowerCase() === profile.user.toLowerCase() ? given.password : undefined);
      if (password === undefined) return { path: undefined, tds, sqlLogin: undefined, needsPassword: profile.user };
      return { path: undefined, tds, sqlLogin: { name: profile.user, password } };
    }
    const path = profile?.instancePath ?? settings.instancePath;
    if (settings.login && (!given || given.login.toLowerCase() !== settings.login.toLowerCase())) {
      return { path, sqlLogin: undefined, needsPassword: settings.login };
    }
    // The setting's login with its password, or (no setting) whatever login the editor gave.
    return { path, sqlLogin: given ? { name: given.login, password: given.password } : undefined };
  }
}

/** The instance and login a target names (not the password): what cached answers are kept by. */
export function targetKey(t: EditorTarget): string {
  const where = t.tds ? `tds:${t.tds.server},${t.tds.port ?? 1433},${t.tds.database ?? ''},${t.tds.encrypt},${t.tds.trustServerCertificate}` : (t.path ?? '');
  return `${where}\u0000${(t.sqlLogin?.name ?? t.needsPassword ?? '').toLowerCase()}`;
}

/** Two targets reach the same instance as the same login with the same password. */
export function sameTarget(a: EditorTarget, b: EditorTarget): boolean {
  return targetKey(a) === targetKey(b) && (a.needsPassword ?? '') === (b.needsPassword ?? '') && (a.sqlLogin?.password ?? '') === (b.sqlLogin?.password ?? '');
}
