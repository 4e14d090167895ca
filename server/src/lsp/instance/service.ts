// The language server's side of running and watching: the custom requests of protocol.ts for the
// instance, runs, pools and sessions, answered through the instance client. lsp/server.ts creates
// it, tells it when the settings change, and disposes it on shutdown.
import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CancelRunRequest,
  CancelSessionRequest,
  DatabasesRequest,
  InstanceListRequest,
  InstanceStartRequest,
  InstanceStateRequest,
  InstanceStopRequest,
  PoolsRequest,
  ProvisionWorkersRequest,
  RunScriptRequest,
  SessionOutputRequest,
  SessionsRequest,
  type DatabasesResult,
} from '../../protocol';
import type { ServerSettings } from '../settings';
import { InstanceAdmin } from './admin';
import { InstanceLink, type Connect } from './link';
import { RunService } from './runs';
import type { EditorLogin } from '../editorLogin';
import type { WorkspaceTrust } from '../workspaceTrust';

export interface InstanceServiceOptions {
  settings(): ServerSettings;
  /** The instance and login the editor uses (shared with the pre-flight, which takes the password). */
  login: EditorLogin;
  documents: TextDocuments<TextDocument>;
  /** Running, starting, creating and provisioning wait for it. */
  trust: WorkspaceTrust;
  /** How to connect to an instance (tests may wrap it). */
  connect?: Connect;
  /** An instance a run starts stops after this idle time (default 300 s, as `sqlml run`). */
  idleStopSeconds?: number;
  /** The instance was reached after being stopped, missing or unknown (started or created): the pre-flight asks again. */
  instanceReached?(): void;
  /**
   * Settles once the workspace's settings have been read. A request that arrives earlier (Run Script
   * right after the editor opens) would otherwise run on the default instance, not sqlml.instance.path.
   */
  settingsLoaded?: Promise<void>;
}

export interface InstanceService {
  /** The settings changed (another instance or login, perhaps). */
  settingsChanged(): void;
  dispose(): void;
}

export function createInstanceService(connection: Connection, options: InstanceServiceOptions): InstanceService {
  const target = () => options.login.target(options.settings().preflight);
  const trusted = () => options.trust.isTrusted;
  const link = new InstanceLink(connection, { target, ...(options.connect ? { connect: options.connect } : {}), ...(options.instanceReached ? { reached: options.instanceReached } : {}) });
  const runs = new RunService(connection, {
    target,
    documentText: (uri) => options.documents.get(uri)?.getText(),
    idleStopSeconds: () => options.idleStopSeconds ?? 300,
    trusted,
    ...(options.connect ? { connect: options.connect } : {}),
    connected: () => link.poke(),
    ended: () => link.schedulePools(),
  });
  const admin = new InstanceAdmin({ target, link, trusted, ...(options.connect ? { connect: options.connect } : {}) });

  const settingsLoaded = options.settingsLoaded ?? Promise.resolve();
  // Every request reads the target from the settings, so none is answered before they are loaded.
  const afterSettings =
    <A extends unknown[], R>(handler: (...args: A) => R) =>
    async (...args: A): Promise<Awaited<R>> => {
      await settingsLoaded;
      return await handler(...args);
    };
  connection.onRequest(InstanceStateRequest, afterSettings(async (params) => {
    if (params?.connect) await link.ensure();
    return link.current;
  }));
  connection.onRequest(InstanceListRequest, afterSettings(() => admin.list()));
  connection.onRequest(InstanceStartRequest, afterSettings((params) => admin.start(params?.create === true)));
  connection.onRequest(InstanceStopRequest, afterSettings(() => admin.stop()));
  connection.onRequest(ProvisionWorkersRequest, afterSettings(() => admin.provision()));
  connection.onRequest(PoolsRequest, afterSettings(() => link.pools()));
  connection.onRequest(SessionsRequest, afterSettings(async () => {
    const sessions = await link.sessions();
    return { state: link.current, sessions };
  }));
  connection.onRequest(CancelSessionRequest, afterSettings(async ({ id }) => {
    const client = await link.ensure();
    if (!client) return { cancelled: false, message: link.current.message ?? 'the instance is not connected' };
    try {
      const { cancelled } = await client.cancelSession(id);
      return cancelled ? { cancelled } : { cancelled, message: `session ${id} is not running (or not yours to cancel)` };
    } catch (err) {
      return { cancelled: false, message: err instanceof Error ? err.message : String(err) };
    }
  }));
  connection.onRequest(SessionOutputRequest, afterSettings(({ id }) => runs.output(id)));
  connection.onRequest(RunScriptRequest, afterSettings((params) => runs.run(params)));
  connection.onRequest(CancelRunRequest, afterSettings(({ runId }) => ({ cancelled: runs.cancel(runId) })));
  connection.onRequest(DatabasesRequest, afterSettings(() => listDatabases(link)));

  const unsubscribe = options.login.onChange(() => link.retarget());

  return {
    settingsChanged: () => link.retarget(),
    dispose: () => {
      unsubscribe();
      runs.dispose();
      link.dispose();
    },
  };
}

/** The databases the login sees, in SQL Server's order (master first), through the views' connection. */
async function listDatabases(link: InstanceLink): Promise<DatabasesResult> {
  const client = await link.asker();
  if (!client) return { databases: [], message: link.current.message ?? `the instance is ${link.current.status}` };
  try {
    const outcome = await client.run('SELECT name FROM sys.databases ORDER BY database_id;');
    const error = outcome.batches.flatMap((b) => b.messages).find((m) => m.kind === 'error');
    if (error) return { databases: [], message: error.text };
    const rows = outcome.batches.flatMap((b) => b.resultSets.flatMap((r) => r.rows));
    return { databases: rows.map((row) => String(row[0])) };
  } catch (err) {
    return { databases: [], message: err instanceof Error ? err.message : String(err) };
  }
}
