// The server's own connection to the instance, for the Pools and Sessions views and the status
// bar: connected on demand (never starting the instance), following the instance's session
// changes and passing them on to the client, and noticing through the file system (inotify, not
// polling) when a stopped instance starts again.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import type { Connection, NotificationType } from 'vscode-languageserver';
import { InstanceClient, InstanceUnavailable, socketFor } from '../../node/instance/instanceClient';
import { readInstanceConfig } from '../../node/instance/instanceConfig';
import { instanceLayout, type InstanceLayout } from '../../node/instance/layout';
import { describeProfile, type TdsProfile } from '../../node/remote/profile';
import {
  InstanceStateNotification,
  PoolsChangedNotification,
  SessionChangedNotification,
  type InstanceState,
  type InstanceStatusKind,
  type PoolsResult,
  type SessionChange,
  type SessionInfo,
} from '../../protocol';
import { sameTarget, type EditorTarget } from '../editorLogin';
import { ServerViews } from './serverViews';

export type Connect = (layout: InstanceLayout, options: Parameters<typeof InstanceClient.connect>[1]) => Promise<InstanceClient>;

export interface LinkOptions {
  target(): EditorTarget;
  connect?: Connect;
  /** How long pool refreshes wait after a session change, to send one for a burst. */
  poolsDelayMs?: number;
  /** The link reached the instance (started, created, or first seen running): what was learnt of it before may be stale. */
  reached?(): void;
}

const CLIENT_NAME = 'sqlml language server (views)';

export class InstanceLink {
  private client: InstanceClient | null = null;
  /** With a connection profile: the SQL Server's views, polled (there is no embedded client then). */
  private server: ServerViews | null = null;
  private linked: EditorTarget | null = null;
  private connecting: { target: EditorTarget; promise: Promise<InstanceClient | null> } | null = null;
  private state: InstanceState;
  private watchers: FSWatcher[] = [];
  private watchTimer: ReturnType<typeof setTimeout> | undefined;
  private poolsTimer: ReturnType<typeof setTimeout> | undefined;
  private lastAttempt = 0;
  private disposed = false;
  /** Someone asked for the instance: from then on the link follows the settings. */
  private wanted = false;
  private readonly connectTo: Connect;

  constructor(
    private readonly connection: Connection,
    private readonly options: LinkOptions,
  ) {
    this.connectTo = options.connect ?? ((layout, o) => InstanceClient.connect(layout, o));
    this.state = this.offlineState('stopped');
  }

  get current(): InstanceState {
    return this.state;
  }

  /** The connected client, connecting now if needed (without starting the instance); null when it can't. */
  async ensure(): Promise<InstanceClient | null> {
    this.wanted = true;
    const target = this.options.target();
    if (this.linked && sameTarget(this.linked, target) && (this.client || this.server)) return this.client;
    if (this.connecting) {
      // A connect for an older target (another password, say) is waited out, then redone.
      if (sameTarget(this.connecting.target, target)) return this.connecting.promise;
      await this.connecting.promise.catch(() => null);
      return this.ensure();
    }
    const promise = this.open(target).finally(() => {
      if (this.connecting?.promise === promise) this.connecting = null;
    });
    this.connecting = { target, promise };
    return promise;
  }

  /** The settings or credentials changed: reconnect when they name another instance or login. */
  retarget(): void {
    if (!this.wanted) return;
    const target = this.options.target();
    if (this.linked && sameTarget(this.linked, target)) return;
    this.drop();
    void this.ensure();
  }

  /** Something (a run, the start command) may have started the instance: connect if not connected. */
  poke(): void {
    if (!this.client) void this.ensure();
  }

  async pools(): Promise<PoolsResult> {
    const client = await this.ensure();
    if (this.server) return this.serverPools();
    if (!client) return { state: this.state, view: null };
    try {
      return { state: this.state, view: await client.pools() };
    } catch (err) {
      return { state: this.failed(err), view: null };
    }
  }

  /** The views' connection, to ask the instance or the profile's SQL Server a question in T-SQL. */
  async asker(): Promise<Pick<InstanceClient, 'run'> | null> {
    const client = await this.ensure();
    return client ?? this.server?.connection ?? null;
  }

  async sessions(): Promise<SessionInfo[]> {
    const client = await this.ensure();
    if (!client) return [];
    return client.sessions().catch(() => []);
  }

  /** The pools again, pushed to the client (soon, once for a burst of session changes). */
  schedulePools(delayMs = this.options.poolsDelayMs ?? 100): void {
    clearTimeout(this.poolsTimer);
    this.poolsTimer = setTimeout(() => {
      if (!this.client) return;
      void this.pools().then((result) => this.send(PoolsChangedNotification, result));
    }, delayMs);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.poolsTimer);
    clearTimeout(this.watchTimer);
    this.unwatch();
    this.client?.close();
    this.client = null;
    this.server?.close();
    this.server = null;
  }

  private async open(target: EditorTarget): Promise<InstanceClient | null> {
    this.lastAttempt = Date.now();
    if (target.tds) return this.openServer(target, target.tds);
    const layout = this.layoutOf(target);
    if (!layout) return null;
    if (target.needsPassword !== undefined) {
      this.setState(this.offlineState('needsPassword', `the password of login '${target.needsPassword}' is needed (SQL ML: Select Login)`));
      return null;
    }
    if (!existsSync(layout.configFile)) {
      this.setState(this.offlineState('missing', `there is no instance at ${layout.root}`));
      this.watchFor(layout);
      return null;
    }
    let client: InstanceClient;
    try {
      client = await this.connectTo(layout, { autoStart: false, clientName: CLIENT_NAME, ...(target.sqlLogin ? { sqlLogin: target.sqlLogin } : {}) });
    } catch (err) {
      if (this.disposed || !sameTarget(target, this.options.target())) return null; // stale: the newer target reports
      this.failed(err);
      this.watchFor(layout);
      return null;
    }
    if (this.disposed || !sameTarget(target, this.options.target())) {
      client.close(); // the settings changed meanwhile; whoever changed them connects again
      return this.disposed ? null : this.ensure();
    }
    this.unwatch();
    this.client = client;
    this.linked = target;
    client.onClose(() => {
      if (this.client !== client) return;
      this.client = null;
      this.linked = null;
      this.setState(this.offlineState('stopped', `the instance at ${layout.root} stopped`));
      this.send(SessionChangedNotification, { reset: [] } satisfies SessionChange);
      this.send(PoolsChangedNotification, { state: this.state, view: null });
      this.watchFor(layout);
    });
    let isolation: string | null = null;
    try {
      isolation = (await client.status()).isolation;
    } catch {
      isolation = this.configuredIsolation(layout);
    }
    this.setState({
      status: 'connected',
      path: layout.root,
      name: layout.name,
      isDefault: target.path === undefined,
      login: client.hello.login,
      authentication: client.hello.authentication,
      isolation,
      unisolated: isolation === 'none',
      serverIsRoot: process.getuid?.() === 0,
    });
    this.options.reached?.();
    await client
      .watchSessions((change) => {
        if (this.client !== client) return;
        this.send(SessionChangedNotification, 'evicted' in change ? { evicted: change.evicted } : { session: change.session });
        this.schedulePools();
      })
      .catch(() => undefined);
    const sessions = await client.sessions().catch(() => []);
    if (this.disposed) return null;
    this.send(SessionChangedNotification, { reset: sessions } satisfies SessionChange);
    this.schedulePools(0);
    return client;
  }

  /** A connection profile's SQL Server: its state, and its views read from its DMVs. */
  private async openServer(target: EditorTarget, profile: TdsProfile): Promise<null> {
    const where = describeProfile(profile);
    const offline = (status: InstanceStatusKind, message: string): InstanceState => ({ ...this.offlineState(status, message), path: where, name: where, isDefault: false, isolation: null, unisolated: false });
    if (target.needsPassword !== undefined) {
      this.setState(offline('needsPassword', `the password of login '${target.needsPassword}' is needed (SQL ML: Select Login)`));
      return null;
    }
    let views: ServerViews;
    try {
      views = await ServerViews.open(profile, target.sqlLogin?.password ?? '', {
        onView: () => {
          if (this.server === views) this.send(PoolsChangedNotification, this.serverPools());
        },
        onLost: (message) => {
          if (this.server !== views) return;
          this.drop();
          this.setState(offline('unavailable', message));
          this.send(PoolsChangedNotification, { state: this.state, view: null });
        },
      });
    } catch (err) {
      if (this.disposed || !sameTarget(target, this.options.target())) return null;
      this.setState(offline('unavailable', err instanceof Error ? err.message : String(err)));
      return null;
    }
    if (this.disposed || !sameTarget(target, this.options.target())) {
      views.close(); // the settings changed meanwhile; whoever changed them connects again
      return null;
    }
    this.server = views;
    this.linked = target;
    this.setState({ status: 'connected', path: where, name: where, isDefault: false, login: views.login, authentication: 'sql', isolation: null, unisolated: false, serverIsRoot: process.getuid?.() === 0 });
    this.options.reached?.();
    this.send(SessionChangedNotification, { reset: [] } satisfies SessionChange);
    this.send(PoolsChangedNotification, this.serverPools());
    return null;
  }

  private serverPools(): PoolsResult {
    const view = this.server?.last;
    return { state: this.state, view: null, ...(view ? { server: view } : {}) };
  }

  private layoutOf(target: EditorTarget): InstanceLayout | null {
    try {
      return instanceLayout({ path: target.path });
    } catch (err) {
      this.setState({ ...this.offlineState('unavailable', (err as Error).message), path: target.path ?? '' });
      return null;
    }
  }

  private failed(err: unknown): InstanceState {
    const message = err instanceof Error ? err.message : String(err);
    const status: InstanceStatusKind = err instanceof InstanceUnavailable && /is not running/.test(message) ? 'stopped' : 'unavailable';
    this.setState(this.offlineState(status, message));
    return this.state;
  }

  /** The state while not connected, from the settings and whatever the instance folder tells. */
  private offlineState(status: InstanceStatusKind, message?: string): InstanceState {
    const target = this.options.target();
    let layout: InstanceLayout | null = null;
    try {
      layout = instanceLayout({ path: target.path });
    } catch {
      // reported by the caller
    }
    const isolation = layout ? this.configuredIsolation(layout) : null;
    return {
      status,
      path: layout?.root ?? target.path ?? '',
      name: layout?.name ?? 'instance',
      isDefault: target.path === undefined,
      login: target.needsPassword ?? target.sqlLogin?.name ?? safeUserName(),
      authentication: null,
      isolation,
      unisolated: isolation === 'none',
      serverIsRoot: process.getuid?.() === 0,
      ...(message ? { message } : {}),
    };
  }

  private configuredIsolation(layout: InstanceLayout): string | null {
    try {
      return readInstanceConfig(layout).launcher.mode;
    } catch {
      return null;
    }
  }

  private setState(state: InstanceState): void {
    const changed = JSON.stringify(state) !== JSON.stringify(this.state);
    this.state = state;
    if (changed) this.send(InstanceStateNotification, state);
  }

  private drop(): void {
    const client = this.client;
    this.client = null;
    this.linked = null;
    client?.close();
    this.server?.close();
    this.server = null;
    this.unwatch();
  }

  /** Waits, without polling, for the instance's folder or socket to change, then connects again. */
  private watchFor(layout: InstanceLayout): void {
    this.unwatch();
    if (this.disposed) return;
    const folders = [layout.root, dirname(socketFor(layout)), dirname(layout.root)].filter((f, i, all) => all.indexOf(f) === i && existsSync(f));
    for (const folder of folders) {
      try {
        const watcher = watch(folder, { persistent: false }, () => this.changed());
        watcher.on('error', () => undefined);
        this.watchers.push(watcher);
      } catch {
        // not ours to watch: the next request connects again
      }
    }
  }

  private changed(): void {
    if (this.client || this.disposed) return;
    clearTimeout(this.watchTimer);
    const wait = Math.max(300, 2000 - (Date.now() - this.lastAttempt));
    this.watchTimer = setTimeout(() => {
      if (!this.client && !this.connecting) void this.ensure();
    }, wait);
  }

  private unwatch(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }

  private send<P>(type: NotificationType<P>, params: P): void {
    void this.connection.sendNotification(type, params as never).catch(() => undefined);
  }
}

function safeUserName(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}
