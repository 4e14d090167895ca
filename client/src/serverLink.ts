// The language client: started on first use (the first .sql file, sqlml command or view), stopped
// cleanly on deactivation, and the typed door to the server's custom requests and notifications.
import * as path from 'node:path';
import { EventEmitter, window, workspace, type Disposable, type ExtensionContext, type LogOutputChannel } from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver';
import { withHugePageMalloc } from '../../server/src/core/launcher/hugePageMalloc';
import {
  CredentialsNeededNotification,
  InstanceStateNotification,
  PoolsChangedNotification,
  RunMessageNotification,
  SessionChangedNotification,
  WorkspaceTrustNotification,
  type CredentialsNeededParams,
  type InstanceState,
  type PoolsResult,
  type RunMessage,
  type SessionChange,
  type SqlmlInitializationOptions,
} from '../../server/src/protocol';

export class ServerLink implements Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private readonly subscriptions: Disposable[] = [];
  readonly log: LogOutputChannel;

  private readonly stateEmitter = new EventEmitter<InstanceState>();
  private readonly poolsEmitter = new EventEmitter<PoolsResult>();
  private readonly sessionEmitter = new EventEmitter<SessionChange>();
  private readonly runMessageEmitter = new EventEmitter<{ runId: string; message: RunMessage }>();
  private readonly credentialsEmitter = new EventEmitter<CredentialsNeededParams>();
  private readonly runningEmitter = new EventEmitter<boolean>();
  /** The instance's state changed (connected, stopped, another login). */
  readonly onState = this.stateEmitter.event;
  readonly onPools = this.poolsEmitter.event;
  readonly onSessionChange = this.sessionEmitter.event;
  readonly onRunMessage = this.runMessageEmitter.event;
  readonly onCredentialsNeeded = this.credentialsEmitter.event;
  /** The language server started (true) or stopped (false). */
  readonly onRunning = this.runningEmitter.event;

  constructor(private readonly context: ExtensionContext) {
    this.log = window.createOutputChannel('SQL ML Language Server', { log: true });
    // The server refuses to start instances or run anything until it knows the workspace is trusted.
    this.subscriptions.push(workspace.onDidGrantWorkspaceTrust(() => void this.tellTrust()));
  }

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  /** Starts the language server once; later calls wait for the same start. */
  start(): Promise<LanguageClient> {
    if (this.client && this.client.state === State.Running) return Promise.resolve(this.client);
    return (this.starting ??= this.create().finally(() => (this.starting = undefined)));
  }

  async request<P, R>(type: RequestType<P, R, void>, params: P): Promise<R> {
    const client = await this.start();
    return client.sendRequest(type, params as never);
  }

  async request0<R>(type: RequestType0<R, void>): Promise<R> {
    const client = await this.start();
    return client.sendRequest(type);
  }

  /** Stops the server: shutdown and exit, so that it closes its instance connections. */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client && client.needsStop()) await client.stop(5000).catch(() => undefined);
  }

  dispose(): void {
    void this.stop();
    for (const d of this.subscriptions.splice(0)) d.dispose();
    for (const e of [this.stateEmitter, this.poolsEmitter, this.sessionEmitter, this.runMessageEmitter, this.credentialsEmitter, this.runningEmitter]) e.dispose();
    this.log.dispose();
  }

  private async create(): Promise<LanguageClient> {
    if (this.client) {
      if (this.client.state === State.Starting) {
        await new Promise<void>((resolve) => {
          const d = this.client!.onDidChangeState((e) => {
            if (e.newState !== State.Starting) {
              d.dispose();
              resolve();
            }
          });
        });
      }
      if (this.client.state === State.Running) return this.client;
    }
    const module = this.context.asAbsolutePath(path.join('server', 'dist', 'main.js'));
    // The server receives whole result sets: its malloc on huge pages (hugePageMalloc.ts).
    const env = { ...process.env, GLIBC_TUNABLES: withHugePageMalloc(process.env.GLIBC_TUNABLES) };
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc, options: { env } },
      debug: { module, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const initializationOptions: SqlmlInitializationOptions = { workspaceTrusted: workspace.isTrusted };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ language: 'sql' }],
      synchronize: { configurationSection: 'sqlml' },
      outputChannel: this.log,
      initializationOptions,
    };
    const client = new LanguageClient('sqlml', 'SQL ML Services', serverOptions, clientOptions);
    this.client = client;
    this.subscriptions.push(
      client.onDidChangeState((e) => this.runningEmitter.fire(e.newState === State.Running)),
      this.forward(client, InstanceStateNotification, this.stateEmitter),
      this.forward(client, PoolsChangedNotification, this.poolsEmitter),
      this.forward(client, SessionChangedNotification, this.sessionEmitter),
      this.forward(client, RunMessageNotification, this.runMessageEmitter),
      this.forward(client, CredentialsNeededNotification, this.credentialsEmitter),
    );
    await client.start();
    return client;
  }

  /** Tells a started (or starting) server the trust now; a server started later reads it at initialization. */
  private async tellTrust(): Promise<void> {
    const client = this.client;
    if (!client || client.state === State.Stopped) return;
    await client.sendNotification(WorkspaceTrustNotification, { trusted: workspace.isTrusted }).catch((err: unknown) => {
      this.log.warn(`could not tell the language server that the workspace is trusted: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  private forward<P>(client: LanguageClient, type: NotificationType<P>, emitter: EventEmitter<P>): Disposable {
    return client.onNotification(type, ((params: P) => emitter.fire(params)) as never);
  }
}
