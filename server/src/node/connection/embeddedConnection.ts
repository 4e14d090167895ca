// The embedded instance's own socket behind the InstanceConnection interface: a thin wrapper of
// InstanceClient. Its protocol streams messages as they come; result sets arrive with the run's
// outcome, and are handed to onResultSet/onRow then.
import { InstanceClient, type ConnectOptions } from '../instance/instanceClient';
import type { InstanceLayout } from '../instance/layout';
import type { RunOutcome } from '../instance/protocol';
import type { InstanceConnection, PoolsView, RunOptions, SessionsView } from './instanceConnection';

export class EmbeddedConnection implements InstanceConnection {
  readonly kind = 'embedded';
  readonly features = { sessionFolders: true, isolationPosture: true, liveNotifications: true };
  readonly runner = { run: (text: string, options: { asLogin?: string }) => this.run(text, options.asLogin !== undefined ? { asLogin: options.asLogin } : {}) };

  constructor(
    /** The wrapped client, for what only the embedded instance has (watchSessions, watchCatalog, status). */
    readonly client: InstanceClient,
    readonly describe: string,
  ) {}

  static async open(layout: InstanceLayout, options: ConnectOptions): Promise<EmbeddedConnection> {
    return new EmbeddedConnection(await InstanceClient.connect(layout, options), layout.root);
  }

  get login(): string {
    return this.client.hello.login;
  }

  async run(text: string, options: RunOptions = {}): Promise<RunOutcome> {
    const outcome = await this.client.run(text, {
      ...(options.database !== undefined ? { database: options.database } : {}),
      ...(options.asLogin !== undefined ? { asLogin: options.asLogin } : {}),
      ...(options.onMessage ? { onMessage: options.onMessage } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (options.onResultSet || options.onRow) {
      outcome.batches.forEach((batch, index) => {
        for (const set of batch.resultSets) {
          options.onResultSet?.(index, set.columns);
          for (const row of set.rows) options.onRow?.(row);
        }
      });
    }
    return outcome;
  }

  async sessions(): Promise<SessionsView> {
    return { source: 'embedded', sessions: await this.client.sessions() };
  }

  async pools(): Promise<PoolsView> {
    return { source: 'embedded', view: await this.client.pools() };
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
