// Where an instance lives. Like SQL Server Express LocalDB, each OS user gets instances under
// their own data folder (created on first use); root's instances are system services under
// /var/lib/sqlml. A path can be given instead of a name.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export const DEFAULT_INSTANCE = 'default';

export interface InstanceLayout {
  name: string;
  root: string;
  /** Durable settings chosen at creation (owner, isolation mode). */
  configFile: string;
  /** Logins, users, roles, permissions, configuration, resource pools, procedures. */
  catalogFile: string;
  /** One DuckDB file per database. */
  dataDir: string;
  /** Sockets. The owner's lives in run/owner (0700), other OS logins' in run/os/<user> (0700, theirs). */
  runDir: string;
  ownerSocket: string;
  lockFile: string;
  logFile: string;
}

export function instancesRoot(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? -1): string {
  if (uid === 0) return '/var/lib/sqlml/instances';
  const data = env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(data, 'sqlml', 'instances');
}

/** The layout of the instance named `name`, or the one at `path` when given. */
export function instanceLayout(options: { name?: string; path?: string } = {}): InstanceLayout {
  if (options.name !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(options.name)) {
    throw new Error(`'${options.name}' is not a valid instance name: use letters, digits, '_', '.', '-' (at most 64)`);
  }
  const root = options.path ? resolve(options.path) : join(instancesRoot(), options.name ?? DEFAULT_INSTANCE);
  const name = options.path ? root.split('/').pop() || 'instance' : (options.name ?? DEFAULT_INSTANCE);
  const runDir = join(root, 'run');
  return {
    name,
    root,
    configFile: join(root, 'instance.json'),
    catalogFile: join(root, 'catalog.json'),
    dataDir: join(root, 'data'),
    runDir,
    ownerSocket: join(runDir, 'owner', 'sqlml.sock'),
    lockFile: join(root, 'daemon.lock'),
    logFile: join(root, 'daemon.log'),
  };
}

/** The socket through which the OS user `user` (not the owner) reaches the instance. */
export function osLoginSocket(layout: InstanceLayout, user: string): string {
  return join(layout.runDir, 'os', user, 'sqlml.sock');
}
