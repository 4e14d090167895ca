// Connecting to an instance: through the owner's socket or the caller's OS-login socket, starting
// the daemon first when the instance is not running (as LocalDB does on first use).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { createMessageConnection, SocketMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { BoundedMessageReader } from './boundedMessageReader';
import { withHugePageMalloc } from '../../core/launcher/hugePageMalloc';
import { osLoginSocket, type InstanceLayout } from './layout';
import { readOwner } from './ownerLock';
import { decodeRunOutcome } from './wireResultSets';
import {
  Cancel,
  CancelSession,
  CatalogChangedNotification,
  Hello,
  Pools,
  Run,
  RunMessageNotification,
  SessionChangedNotification,
  Sessions,
  Shutdown,
  Status,
  WatchCatalog,
  WatchSessions,
  type HelloResult,
  type InstanceStatus,
  type LauncherView,
  type RunOutcome,
  type WireMessage,
  type WireSessionRecord,
} from './protocol';

export class InstanceUnavailable extends Error {}

export interface ConnectOptions {
  /** Start the daemon when nothing answers (auto-started instances stop after idleStopSeconds). */
  autoStart: boolean;
  idleStopSeconds?: number;
  sqlLogin?: { name: string; password: string };
  clientName: string;
  /** How long to wait for a starting daemon. */
  startTimeoutMs?: number;
  /** false: typed columns come as base64 inside the JSON, not in a binary section (benchmarks compare the two). */
  binaryColumns?: boolean;
}

export class InstanceClient {
  private readonly listeners = new Map<string, (m: WireMessage) => void>();
  private closed = false;

  private constructor(
    private readonly connection: MessageConnection,
    private readonly socket: Socket,
    private readonly link: RefusalWatch,
    readonly hello: HelloResult,
  ) {
    connection.onNotification(RunMessageNotification, ({ runId, message }) => this.listeners.get(runId)?.(message));
    // A lost daemon fails every request still waiting for an answer (JSON-RPC would leave them pending).
    connection.onClose(() => {
      this.closed = true;
      connection.dispose();
    });
  }

  static async connect(layout: InstanceLayout, options: ConnectOptions): Promise<InstanceClient> {
    const path = socketFor(layout);
    let socket = await tryConnect(path);
    if (socket === 'EACCES') {
      // The socket is someone else's: this OS user has no login there (a root instance makes a
      // socket for each OS login in its catalog).
      throw new InstanceUnavailable(
        `you (${userInfo().username}) have no login on the instance at ${layout.root}: its owner can run CREATE LOGIN [${userInfo().username}] FROM OS`,
      );
    }
    if (!socket && options.autoStart) {
      if (!existsSync(layout.configFile)) throw new InstanceUnavailable(`there is no instance at ${layout.root}: create it with 'sqlml instance create'`);
      startDaemon(layout, options.idleStopSeconds ?? 300);
      socket = await waitForSocket(path, options.startTimeoutMs ?? 20_000, layout);
    }
    if (!socket) throw new InstanceUnavailable(`the instance at ${layout.root} is not running (start it with 'sqlml instance start')`);
    const link = new RefusalWatch();
    const opened = socket;
    // The daemon is trusted: no size or time limit on what it sends (results can be large).
    const reader = new BoundedMessageReader(socket, {
      maxMessageBytes: () => Infinity,
      messageTimeoutMs: 0,
      responses: true,
      binarySections: true,
      onViolation: (_code, message) => {
        link.refused ??= `the instance sent ${message}`;
        opened.destroy();
      },
      onPeerError: (error) => (link.refused ??= error?.message),
    });
    const connection = createMessageConnection(reader, new SocketMessageWriter(socket));
    connection.listen();
    try {
      const hello = await link.call(connection.sendRequest(Hello, { client: options.clientName, sqlLogin: options.sqlLogin, binaryColumns: options.binaryColumns ?? true }));
      return new InstanceClient(connection, socket, link, hello);
    } catch (err) {
      connection.dispose();
      socket.destroy();
      throw err;
    }
  }

  async run(text: string, options: { database?: string; asLogin?: string; onMessage?: (m: WireMessage) => void; signal?: AbortSignal } = {}): Promise<RunOutcome> {
    const runId = randomUUID();
    if (options.onMessage) this.listeners.set(runId, options.onMessage);
    const onAbort = () => void this.connection.sendRequest(Cancel, { runId }).catch(() => undefined);
    options.signal?.addEventListener('abort', onAbort);
    try {
      return decodeRunOutcome(await this.link.call(this.connection.sendRequest(Run, { runId, text, database: options.database, asLogin: options.asLogin })));
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      this.listeners.delete(runId);
    }
  }

  // The requests are async functions: on a closed connection sendRequest throws at once, and a
  // caller's .catch() must see that as a rejection (the language server once crashed on it when
  // shutdown closed the client while a connect was still reading the sessions).
  async pools(): Promise<LauncherView> {
    return this.link.call(this.connection.sendRequest(Pools));
  }

  async sessions(): Promise<WireSessionRecord[]> {
    return this.link.call(this.connection.sendRequest(Sessions));
  }

  async cancelSession(id: string): Promise<{ cancelled: boolean }> {
    return this.link.call(this.connection.sendRequest(CancelSession, { id }));
  }

  /** Follows session changes; the listener gets each changed record, or the id of one evicted. */
  async watchSessions(listener: (change: { session: WireSessionRecord } | { evicted: string }) => void): Promise<void> {
    this.connection.onNotification(SessionChangedNotification, listener);
    await this.link.call(this.connection.sendRequest(WatchSessions));
  }

  /** Follows the catalog: the listener is called after each statement that changed it (configuration, security, objects). */
  async watchCatalog(listener: (change: { commitId: number }) => void): Promise<void> {
    this.connection.onNotification(CatalogChangedNotification, listener);
    await this.link.call(this.connection.sendRequest(WatchCatalog));
  }

  /** Called once when the connection to the instance is lost (daemon stopped or killed). */
  onClose(listener: () => void): void {
    this.connection.onClose(listener);
  }

  async status(): Promise<InstanceStatus> {
    return this.link.call(this.connection.sendRequest(Status));
  }

  /** Asks the daemon to stop; done when it answers or, having stopped first, closes the connection. */
  async shutdown(): Promise<void> {
    await this.connection.sendRequest(Shutdown).catch((err: unknown) => {
      if (!this.closed) throw err;
    });
  }

  close(): void {
    this.connection.dispose();
    this.socket.destroy();
  }
}

/**
 * Why the daemon closed the connection, when it said so (an error that answers no request): a
 * request that fails because of it fails with that reason rather than "connection disposed".
 */
class RefusalWatch {
  refused: string | undefined;

  async call<T>(request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (err) {
      if (this.refused) throw new InstanceUnavailable(this.refused);
      // The daemon went away mid-request (stopped, restarted, killed): say so, not vscode-jsonrpc's words.
      if (err instanceof Error && /connection got disposed|connection is closed|connection got closed/i.test(err.message)) {
        throw new InstanceUnavailable('the instance closed the connection before it answered: it was stopped or it ended');
      }
      throw err;
    }
  }
}

/** The owner uses the owner's socket; any other OS user the one the daemon made for their login. */
export function socketFor(layout: InstanceLayout): string {
  const me = userInfo().username;
  const own = osLoginSocket(layout, me);
  return existsSync(own) ? own : layout.ownerSocket;
}

/** The connected socket; 'EACCES' when it exists but is not ours to open; undefined when nobody listens. */
function tryConnect(path: string): Promise<Socket | 'EACCES' | undefined> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => resolve(socket));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      socket.destroy();
      resolve(err.code === 'EACCES' ? 'EACCES' : undefined);
    });
  });
}

async function waitForSocket(path: string, timeoutMs: number, layout: InstanceLayout): Promise<Socket | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const socket = await tryConnect(path);
    if (socket && socket !== 'EACCES') return socket;
    await new Promise((r) => setTimeout(r, 50));
  }
  const pid = readOwner(layout.lockFile);
  throw new InstanceUnavailable(`the instance did not start within ${timeoutMs / 1000} s${pid ? ` (pid ${pid})` : ''}; see ${layout.logFile}`);
}

/** The CLI that serves instances: the bundled one next to this code, wherever it runs from. */
export function cliEntry(): string {
  for (let dir = __dirname; dir !== '/'; dir = join(dir, '..')) {
    const candidate = join(dir, 'server', 'dist', 'cli.js');
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, 'cli.js')) && existsSync(join(dir, 'main.js'))) return join(dir, 'cli.js');
  }
  throw new InstanceUnavailable('cannot find server/dist/cli.js: run npm run build');
}

function startDaemon(layout: InstanceLayout, idleStopSeconds: number): void {
  mkdirSync(layout.root, { recursive: true, mode: 0o711 });
  const log = openSync(layout.logFile, 'a', 0o600);
  const child = spawn(process.execPath, [cliEntry(), 'instance', 'serve', '--path', layout.root, '--idle-stop', String(idleStopSeconds)], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, GLIBC_TUNABLES: withHugePageMalloc(process.env.GLIBC_TUNABLES) },
  });
  child.unref();
}
