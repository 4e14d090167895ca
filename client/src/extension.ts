// The VS Code side of sqlml. Activated by the first .sql file, sqlml command or sqlml view, it
// starts the language server and sets up the status bar item, the commands, the Pools and Sessions
// views and the results panel; deactivation stops the server cleanly (shutdown, exit).
import { EventEmitter, workspace, type ExtensionContext, type TextDocumentContentProvider, type Uri } from 'vscode';
import { SessionOutputRequest, type InstanceState, type PoolsResult, type RunScriptResult, type SessionInfo } from '../../server/src/protocol';
import { registerCommands } from './commands';
import type { CommandContext } from './commands/context';
import { SESSION_OUTPUT_SCHEME } from './commands/sessions';
import { CredentialStore } from './credentials';
import { DatabaseStatusBar } from './databaseStatusBar';
import { DocumentDatabases } from './documentDatabases';
import { InstanceStore } from './instanceStore';
import { ResultsPanels, type ShownResults } from './results/panel';
import { RunOutput } from './runOutput';
import { RunningRuns } from './runningRuns';
import { ServerLink } from './serverLink';
import { InstanceStatusBar } from './statusBar';
import type { ViewNode } from './views/node';
import { SqlmlViews } from './views/views';

/** What the extension exports: enough for extension-host tests to see what the user sees. */
export interface SqlmlApi {
  /** Resolves once the language server runs. */
  ready: Promise<void>;
  state(): InstanceState | undefined;
  pools(): PoolsResult | undefined;
  sessions(): readonly SessionInfo[];
  /** The rows of the Pools and Sessions views now. */
  poolRows(): readonly ViewNode[];
  sessionRows(): readonly ViewNode[];
  /** What the results panel of a document shows, every row included. */
  results(document: Uri): ShownResults | undefined;
  onDidRun: EventEmitter<RunScriptResult>['event'];
}

let server: ServerLink | undefined;

export function activate(context: ExtensionContext): SqlmlApi {
  server = new ServerLink(context);
  const store = new InstanceStore(server);
  const output = new RunOutput();
  const results = new ResultsPanels(server, context.extensionUri);
  const credentials = new CredentialStore(context.secrets, server);
  const didRun = new EventEmitter<RunScriptResult>();
  const databases = new DocumentDatabases();
  const ctx: CommandContext = { extension: context, server, store, output, results, credentials, didRun, runs: new RunningRuns(), databases };
  const views = new SqlmlViews(store);
  const link = server;
  const sessionOutput: TextDocumentContentProvider = {
    provideTextDocumentContent: async (uri) => (await link.request(SessionOutputRequest, { id: uri.query })).text,
  };
  context.subscriptions.push(
    server,
    store,
    output,
    results,
    credentials,
    didRun,
    views,
    new InstanceStatusBar(store),
    new DatabaseStatusBar(databases),
    workspace.registerTextDocumentContentProvider(SESSION_OUTPUT_SCHEME, sessionOutput),
    ...registerCommands(ctx),
  );
  const ready = server.start().then(
    () => undefined,
    (err: unknown) => {
      link.log.error(`the sqlml language server did not start: ${err instanceof Error ? err.message : String(err)}`);
      link.log.show(true);
    },
  );
  return {
    ready,
    state: () => store.state,
    pools: () => store.pools,
    sessions: () => store.sessions,
    poolRows: () => views.pools.nodes,
    sessionRows: () => views.sessions.nodes,
    results: (document) => results.shown(document),
    onDidRun: didRun.event,
  };
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}
