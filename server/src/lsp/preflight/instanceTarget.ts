// The instance the pre-flight asks: the embedded default unless sqlml.instance.path names
// another, connected as the OS login or as the SQL login of sqlml.instance.login (its password
// from sqlml/setCredentials). Everything it asks is plain T-SQL through InstanceClient.run.
import { DEFAULT_WORKER_GROUP, type TsqlRunner } from '../../core/preflight';
import { poolGroupName } from '../../core/launcher/pools';
import { InstanceClient } from '../../node/instance/instanceClient';
import { readInstanceConfig } from '../../node/instance/instanceConfig';
import { instanceLayout } from '../../node/instance/layout';
import { describeProfile, type TdsProfile } from '../../node/remote/profile';
import { TdsConnection } from '../../node/remote/tdsConnection';

export interface InstanceTarget {
  /** The instance folder; undefined: the embedded default instance. */
  path: string | undefined;
  /** A SQL login and its password; undefined: the OS login the socket vouches for. */
  sqlLogin: { name: string; password: string } | undefined;
  /** A SQL Server reached over TDS (a connection profile); path is then unused. */
  tds?: TdsProfile;
}

/** An open connection the pre-flight asks through. */
export interface PreflightConnection {
  runner: TsqlRunner;
  /** The login the instance knows this connection as. */
  login: string;
  /** Where the instance is, for messages. */
  describe: string;
  /** The OS groups of the instance's workers (what the loopback login must be for). */
  workerGroups: string[];
  close(): void;
}

export interface OpenOptions {
  /** Start the instance when it is not running (never in an untrusted workspace: lsp/workspaceTrust.ts). */
  autoStart: boolean;
  /** Called after each statement that changed the instance's catalog (configuration, security): the answers are stale. */
  catalogChanged?(): void;
}

export type OpenConnection = (target: InstanceTarget, options: OpenOptions) => Promise<PreflightConnection>;

/** Where the target instance lives, for messages, without connecting. */
export function describeTarget(target: InstanceTarget): string {
  if (target.tds) return describeProfile(target.tds);
  try {
    return instanceLayout({ path: target.path }).root;
  } catch {
    return target.path ?? 'the default instance';
  }
}

/** Connects through InstanceClient, starting the instance on first use as LocalDB does when allowed to. */
export const openInstanceConnection: OpenConnection = async (target, options) => {
  if (target.tds) return openTdsConnection(target.tds, target.sqlLogin?.password ?? '');
  const layout = instanceLayout({ path: target.path });
  const client = await InstanceClient.connect(layout, { autoStart: options.autoStart, clientName: 'sqlml language server (pre-flight)', sqlLogin: target.sqlLogin });
  const { catalogChanged } = options;
  if (catalogChanged) {
    try {
      await client.watchCatalog(() => catalogChanged());
    } catch (err) {
      client.close();
      throw err;
    }
  }
  return {
    runner: { run: (text, options) => client.run(text, options.asLogin !== undefined ? { asLogin: options.asLogin } : {}) },
    login: client.hello.login,
    describe: layout.root,
    workerGroups: workerGroupsOf(layout),
    close: () => client.close(),
  };
};

/**
 * A SQL Server over `mssql`. It sends no catalog notifications (live notifications are the embedded
 * instance's): the answers are asked again when the document changes or on SQL ML: Check.
 */
async function openTdsConnection(profile: TdsProfile, password: string): Promise<PreflightConnection> {
  const c = await TdsConnection.open(profile, { password, appName: 'sqlml language server (pre-flight)' });
  return {
    runner: c.runner,
    login: c.login,
    describe: c.describe,
    // SQL Server's launchpad group; sqlml's embedded instance (reached over TDS too) names its own.
    workerGroups: ['SQLRUserGroup', DEFAULT_WORKER_GROUP],
    close: () => void c.close(),
  };
}

/** The worker group the instance's launcher was created with (<prefix>users), else sqlml's default. */
function workerGroupsOf(layout: ReturnType<typeof instanceLayout>): string[] {
  try {
    const prefix = readInstanceConfig(layout).launcher?.prefix;
    if (typeof prefix === 'string' && prefix !== '') return [poolGroupName(prefix)];
  } catch {
    // Not readable by this user, or not an embedded instance: the default name.
  }
  return [DEFAULT_WORKER_GROUP];
}
