// The instance the pre-flight asks: the embedded default unless sqlml.instance.path names
// another, connected as the OS login or as the SQL login of sqlml.instance.login (its password
// from sqlml/setCredentials). Everything it asks is plain T-SQL through InstanceClient.run.
import { DEFAULT_WORKER_GROUP, type TsqlRunner } from '../../core/preflight';
import { poolGroupName } from '../../core/launcher/pools';
import { InstanceClient } from '../../node/instance/instanceClient';
import { readInstanceConfig } from '../../node/instance/instanceConfig';
import { instanceLayout } from '../../node/instance/layout';

export interface InstanceTarget {
  /** The instance folder; undefined: the embedded default instance. */
  path: string | undefined;
  /** A SQL login and its password; undefined: the OS login the socket vouches for. */
  sqlLogin: { name: string; password: string } | undefined;
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
}

export type OpenConnection = (target: InstanceTarget, options: OpenOptions) => Promise<PreflightConnection>;

/** Where the target instance lives, for messages, without connecting. */
export function describeTarget(target: InstanceTarget): string {
  try {
    return instanceLayout({ path: target.path }).root;
  } catch {
    return target.path ?? 'the default instance';
  }
}

/** Connects through InstanceClient, starting the instance on first use as LocalDB does when allowed to. */
export const openInstanceConnection: OpenConnection = async (target, options) => {
  const layout = instanceLayout({ path: target.path });
  const client = await InstanceClient.connect(layout, { autoStart: options.autoStart, clientName: 'sqlml language server (pre-flight)', sqlLogin: target.sqlLogin });
  return {
    runner: { run: (text, options) => client.run(text, options.asLogin !== undefined ? { asLogin: options.asLogin } : {}) },
    login: client.hello.login,
    describe: layout.root,
    workerGroups: workerGroupsOf(layout),
    close: () => client.close(),
  };
};

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
