// The instance daemon: owns the instance folder, listens on Unix sockets whose file permissions
// tell who is calling (the kernel vouches for OS logins: only that user, and root, can open the
// socket in a 0700 folder they own), and serves the engine over JSON-RPC.
import { chmodSync, chownSync, existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import { AbstractMessageWriter, createMessageConnection, ErrorCodes, ResponseError, type Message, type MessageConnection, type MessageWriter } from 'vscode-jsonrpc/node';
import { passwdEntries } from '../osUsers';
import { startTdsEndpoint, type TdsEndpoint, type TdsSettings } from '../tds/tdsEndpoint';
import { BINARY_LENGTH_HEADER, outgoingSection } from './binarySection';
import { BoundedMessageReader } from './boundedMessageReader';
import type { DaemonLimits } from './daemonLimits';
import type { EngineSession, InstanceEngine } from './engine';
import { osLoginSocket, type InstanceLayout } from './layout';
import { acquireOwnerLock, type OwnerLock } from './ownerLock';
import type { SessionListener, SessionRecord } from '../../core/launcher/sessions';
import { sessionVisible, workerCallerSeenBy } from '../../core/launcher/visibility';
import {
  Cancel,
  CancelSession,
  CatalogChangedNotification,
  Hello,
  Pools,
  PROTOCOL_VERSION,
  Run,
  RunMessageNotification,
  SessionChangedNotification,
  Sessions,
  Shutdown,
  Status,
  WatchCatalog,
  WatchSessions,
  type HelloParams,
  type LauncherView,
} from './protocol';
import { helloParams, invalidParams, runParams, textParam } from './requestParams';

export interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

export interface DaemonOptions {
  layout: InstanceLayout;
  /** Opened once this daemon holds the instance: DuckDB files must never have two owners. */
  openEngine(): Promise<{ engine: InstanceEngine; scripts: ScriptsView }>;
  owner: OsUser;
  /** Stop after this long without connections, TDS ones included (LocalDB-style auto-started instances); 0 = never. */
  idleStopMs: number;
  /** The TDS endpoint (instance.json's "tds"); absent: none. */
  tds?: TdsSettings;
  /** What one caller may cost: message sizes, connections, time to log in and to send a message. */
  limits: DaemonLimits;
  log(line: string): void;
}

/** What the daemon shows of the launcher: pools, sessions and their changes. */
export interface ScriptsView {
  view(): LauncherView;
  sessions(): SessionRecord[];
  subscribe(listener: SessionListener): () => void;
  cancel(sessionId: string): boolean;
}

export interface RunningDaemon {
  /** Resolves when the daemon has stopped, whoever stopped it. */
  stopped: Promise<void>;
  stop(reason: string): Promise<void>;
}

export class DaemonError extends Error {}

/** JSON-RPC error codes of our own (the -32xxx range is the protocol's). */
const NOT_LOGGED_IN = 1;
const LOGIN_FAILED = 2;
const NOT_ALLOWED = 3;
const TOO_MANY_RUNS = 4;

/**
 * Writes the connection's messages, but none once the socket is ending after a refusal: a write
 * after end makes Node destroy the socket, and the refusal still queued on it with it. The check
 * is made as the bytes are written, and a message's header and body go out in the same turn of
 * the event loop: vscode-jsonrpc's own writer encodes asynchronously and writes the header and
 * the body apart, so a refusal could come after its check (the peer then saw the connection
 * close with no reason, about once in 30,000 refusals) or between the two. (Not
 * SocketMessageWriter either: disposing that one destroys the socket too.)
 */
class RefusalSafeWriter extends AbstractMessageWriter implements MessageWriter {
  private errors = 0;

  constructor(private readonly socket: Socket) {
    super();
    socket.once('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    if (this.socket.writableEnded || this.socket.destroyed) return Promise.resolve();
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    // A response's typed columns follow its JSON as they are, when the client asked for that.
    const section = outgoingSection(message) ?? [];
    const sectionLength = section.reduce((sum, part) => sum + part.length, 0);
    const header = `Content-Length: ${body.length}\r\n${sectionLength > 0 ? `${BINARY_LENGTH_HEADER}: ${sectionLength}\r\n` : ''}\r\n`;
    return new Promise((resolve, reject) => {
      const written = (err: Error | null | undefined) => {
        if (!err) return resolve();
        this.fireError(err, message, ++this.errors);
        reject(err);
      };
      this.socket.cork();
      this.socket.write(header, 'ascii');
      this.socket.write(body, section.length === 0 ? written : undefined);
      section.forEach((part, k) => this.socket.write(part, k === section.length - 1 ? written : undefined));
      this.socket.uncork();
    });
  }

  end(): void {
    // The daemon ends the socket itself (refuse, stop).
  }
}

/** Refusals logged per minute at most: a caller who keeps being refused must not fill the disk. */
const REFUSALS_LOGGED_PER_MINUTE = 20;

export async function serveInstance(options: DaemonOptions): Promise<RunningDaemon> {
  const { layout, owner, log, limits } = options;
  const locked = await acquireOwnerLock(layout.root, layout.lockFile);
  if (!locked.ok) throw new DaemonError(`the instance at ${layout.root} is already served by process ${locked.pid ?? '(unknown)'}`);
  const lock: OwnerLock = locked.lock;
  let engine: InstanceEngine;
  let scripts: ScriptsView;
  try {
    ({ engine, scripts } = await options.openEngine());
  } catch (err) {
    lock.release();
    throw new DaemonError(`cannot open the instance at ${layout.root}: ${(err as Error).message}`);
  }
  const startedAt = new Date().toISOString();
  const servers = new Map<string, Server>(); // socket path -> server
  const connections = new Map<MessageConnection, Socket>();
  const perUser = new Map<string, number>(); // OS user whose socket was used -> connections
  let refusalsThisMinute = 0;
  let refusalMinute = 0;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let tds: TdsEndpoint | null = null;
  /** Open TDS connections: clients as much as the socket's (a pyodbc session must not see the instance stop under it). */
  let tdsConnections = 0;
  let stopping: Promise<void> | undefined;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));

  const armIdleTimer = () => {
    clearTimeout(idleTimer);
    if (options.idleStopMs > 0 && connections.size === 0 && tdsConnections === 0) {
      idleTimer = setTimeout(() => void stop(`idle for ${Math.round(options.idleStopMs / 1000)} s`), options.idleStopMs);
    }
  };

  async function listen(path: string, user: OsUser): Promise<void> {
    // We hold the lock, so a socket file left here is from a daemon that died. The folders above
    // a user's own (run/, run/os/) only let others pass through, to their own folder.
    mkdirSync(dirname(dirname(path)), { recursive: true, mode: 0o711 });
    chmodSync(dirname(dirname(path)), 0o711);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    chmodSync(dirname(path), 0o700);
    if (process.getuid?.() === 0) chownSync(dirname(path), user.uid, user.gid);
    if (existsSync(path)) unlinkSync(path);
    const server = createServer((socket) => accept(socket, user));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    chmodSync(path, 0o600);
    if (process.getuid?.() === 0) chownSync(path, user.uid, user.gid);
    servers.set(path, server);
  }

  /** Offers a socket to each OS login the catalog has (only a root daemon can hand them out). */
  async function syncLoginSockets(): Promise<void> {
    if (process.getuid?.() !== 0) return;
    for (const name of engine.osLogins()) {
      if (name === owner.name) continue;
      const user = lookupOsUser(name);
      const path = osLoginSocket(layout, name);
      if (user && !servers.has(path)) await listen(path, user).catch((err: Error) => log(`cannot offer a socket to ${name}: ${err.message}`));
    }
  }

  /**
   * Tells the peer why it is being disconnected (an error answering no request, as JSON-RPC
   * answers what it cannot parse), logs it, and closes the socket once that is sent, or after a
   * second if the peer does not read.
   */
  function refuse(socket: Socket, user: OsUser, code: number, message: string): void {
    const minute = Math.floor(Date.now() / 60_000);
    if (minute !== refusalMinute) {
      if (refusalsThisMinute > REFUSALS_LOGGED_PER_MINUTE) log(`${refusalsThisMinute - REFUSALS_LOGGED_PER_MINUTE} more refusals were not logged`);
      refusalMinute = minute;
      refusalsThisMinute = 0;
    }
    if (++refusalsThisMinute <= REFUSALS_LOGGED_PER_MINUTE) log(`refused a connection through ${user.name}'s socket: ${message}`);
    const body = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message: `The instance closed the connection: ${message}.` } });
    socket.end(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    setTimeout(() => socket.destroy(), 1000).unref();
  }

  function accept(socket: Socket, user: OsUser): void {
    socket.on('error', () => socket.destroy());
    const mine = perUser.get(user.name) ?? 0;
    if (connections.size >= limits.maxConnections || mine >= limits.maxConnectionsPerUser) {
      const which = connections.size >= limits.maxConnections ? `${limits.maxConnections} connections, the most it takes` : `${mine} connections through this socket, the most one user may have`;
      refuse(socket, user, ErrorCodes.ServerNotInitialized, `it has ${which}`);
      return;
    }
    perUser.set(user.name, mine + 1);
    let session: EngineSession | undefined;
    let login: string | undefined;
    /** Whether the client's Hello said it reads a response's binary section. */
    let binaryColumns = false;
    const reader = new BoundedMessageReader(socket, {
      maxMessageBytes: () => (session ? limits.maxMessageBytes : limits.maxMessageBytesBeforeLogin),
      messageTimeoutMs: limits.messageTimeoutMs,
      responses: false,
      binarySections: false,
      onViolation: (code, message) => {
        refuse(socket, user, code, message);
        close();
      },
    });
    const connection = createMessageConnection(reader, new RefusalSafeWriter(socket));
    connections.set(connection, socket);
    clearTimeout(idleTimer);
    const runs = new Map<string, AbortController>();
    const inFlight = new Set<Promise<unknown>>();
    let closed = false;
    // A session is closed only once its runs have ended: closing it under a running statement
    // (a client that left mid-run) crashed the daemon with SIGSEGV inside DuckDB.
    const closeAfterRuns = async (ending: EngineSession | undefined): Promise<void> => {
      if (!ending) return;
      for (const run of runs.values()) run.abort();
      await Promise.allSettled([...inFlight]);
      await ending.close().catch((err: Error) => log(`closing a session: ${err.message}`));
    };
    const loginTimer = setTimeout(() => {
      refuse(socket, user, ErrorCodes.ServerNotInitialized, `no login within ${limits.loginTimeoutMs / 1000} s`);
      close();
    }, limits.loginTimeoutMs);
    // A notification to a peer that has gone fails; that must not become an unhandled rejection
    // (which ends the process) nor break the run that produced it.
    const notify = (send: () => Promise<void>): void => {
      try {
        send().catch(() => undefined);
      } catch {
        /* the connection is closed */
      }
    };

    // Hellos one at a time, and none completing on a closed connection: otherwise two pipelined
    // Hellos, or a peer gone while its Hello was opening a session, left engine sessions open.
    let hellos: Promise<unknown> = Promise.resolve();
    connection.onRequest(Hello, (raw) => {
      const params = helloParams(raw);
      if (!params) return invalidParams(Hello.method, '{ client: string, sqlLogin?: { name: string, password: string }, binaryColumns?: boolean }');
      const answer = hellos.then(() => hello(params));
      hellos = answer.catch(() => undefined);
      return answer;
    });
    async function hello(params: HelloParams) {
      const identity = params.sqlLogin ? { kind: 'sql' as const, login: params.sqlLogin.name, password: params.sqlLogin.password } : { kind: 'os' as const, osUser: user.name };
      const outcome = await engine.login(identity);
      if (!outcome.ok) return new ResponseError(LOGIN_FAILED, outcome.message.text, outcome.message);
      const previous = session;
      session = undefined;
      await closeAfterRuns(previous);
      // A socket's client runs on this machine; its Hello names the program (sqlml run, the editor…).
      const opened = await engine.openSession(outcome.login, { programName: params.client, hostName: hostname(), interfaceName: 'sqlml', processId: null });
      if (closed) {
        await opened.close();
        return new ResponseError(NOT_LOGGED_IN, 'The connection closed during the login.');
      }
      session = opened;
      login = outcome.login;
      binaryColumns = params.binaryColumns === true;
      clearTimeout(loginTimer);
      return { instance: layout.name, version: PROTOCOL_VERSION, login, authentication: identity.kind };
    }

    // A connection is one session, and a session runs one batch at a time, as SQL Server's does:
    // runs sent without waiting for the last one's answer wait their turn. (Run at once, two runs
    // on one session crossed: a PRINT lost its text and a SELECT returned no rows.)
    let lastRun: Promise<unknown> = Promise.resolve();
    connection.onRequest(Run, async (raw) => {
      const current = session;
      if (!current) return new ResponseError(NOT_LOGGED_IN, 'Say hello first: the connection has no login.');
      const params = runParams(raw);
      if (!params) return invalidParams(Run.method, '{ runId: string, text: string, database?: string, asLogin?: string }');
      if (inFlight.size > limits.maxRunsWaiting) {
        return new ResponseError(TOO_MANY_RUNS, `This connection already has ${limits.maxRunsWaiting} runs waiting behind the one it is running (it runs one at a time): wait for their answers, or open another connection.`);
      }
      const controller = new AbortController();
      runs.set(params.runId, controller);
      const running = lastRun.then(() =>
        current.run({
          text: params.text,
          database: params.database,
          asLogin: params.asLogin,
          signal: controller.signal,
          binaryColumns,
          onMessage: (message) => notify(() => connection.sendNotification(RunMessageNotification, { runId: params.runId, message })),
        }),
      );
      lastRun = running.catch(() => undefined);
      inFlight.add(running);
      try {
        return await running;
      } finally {
        inFlight.delete(running);
        runs.delete(params.runId);
        await syncLoginSockets();
      }
    });

    connection.onRequest(Cancel, (raw) => {
      const runId = textParam(raw, 'runId');
      if (runId === undefined) return invalidParams(Cancel.method, '{ runId: string }');
      const run = runs.get(runId);
      run?.abort();
      return { cancelled: !!run };
    });

    connection.onRequest(Status, () => ({
      name: layout.name,
      path: layout.root,
      pid: process.pid,
      startedAt,
      owner: owner.name,
      connections: connections.size,
      tds: tds?.status() ?? null,
      ...engine.describe(),
    }));

    // A login with VIEW SERVER STATE (sysadmin has it) sees every session, as it would see every
    // row of sys.dm_external_script_requests; other logins see their own, and of the busy workers
    // not whom they serve (core/launcher/visibility.ts). Asked afresh each time, so a GRANT or DENY
    // counts at once.
    const visible = (record: SessionRecord) => !!session && !!login && sessionVisible(record, login, session.viewsServerState());
    const poolsSeen = (view: LauncherView, viewer: string, all: boolean): LauncherView => ({
      ...view,
      pools: view.pools.map((pool) => ({ ...pool, workers: pool.workers.map((w) => ({ ...w, caller: workerCallerSeenBy(w.caller, viewer, all) })) })),
    });
    let unwatch: (() => void) | undefined;
    let unwatchCatalog: (() => void) | undefined;

    connection.onRequest(Pools, () =>
      session && login ? poolsSeen(scripts.view(), login, session.viewsServerState()) : new ResponseError(NOT_LOGGED_IN, 'Say hello first: the connection has no login.'),
    );
    connection.onRequest(Sessions, () => (session ? scripts.sessions().filter(visible) : new ResponseError(NOT_LOGGED_IN, 'Say hello first: the connection has no login.')));
    connection.onRequest(WatchSessions, () => {
      if (!session) return new ResponseError(NOT_LOGGED_IN, 'Say hello first: the connection has no login.');
      unwatch ??= scripts.subscribe((event) => {
        if (event.type === 'evicted') notify(() => connection.sendNotification(SessionChangedNotification, { evicted: event.id }));
        else if (visible(event.session)) notify(() => connection.sendNotification(SessionChangedNotification, { session: event.session }));
      });
      return undefined;
    });
    // Every login may follow the changes: the notification says only that something changed, and
    // what changed is read afresh through the caller's own permissions.
    connection.onRequest(WatchCatalog, () => {
      if (!session) return new ResponseError(NOT_LOGGED_IN, 'Say hello first: the connection has no login.');
      unwatchCatalog ??= engine.onCatalogChanged((commitId) => notify(() => connection.sendNotification(CatalogChangedNotification, { commitId })));
      return undefined;
    });
    connection.onRequest(CancelSession, (raw) => {
      const id = textParam(raw, 'id');
      if (id === undefined) return invalidParams(CancelSession.method, '{ id: string }');
      const target = scripts.sessions().find((s) => s.id === id);
      if (!session || !target || !visible(target)) return { cancelled: false };
      return { cancelled: scripts.cancel(id) };
    });

    connection.onRequest(Shutdown, () => {
      if (user.name !== owner.name) return new ResponseError(NOT_ALLOWED, `Only ${owner.name}, who owns the instance, can stop it.`);
      setImmediate(() => void stop(`stopped by ${login ?? user.name}`));
      return undefined;
    });

    function close(): void {
      closed = true;
      if (!connections.delete(connection)) return;
      clearTimeout(loginTimer);
      perUser.set(user.name, (perUser.get(user.name) ?? 1) - 1);
      unwatch?.();
      unwatchCatalog?.();
      void closeAfterRuns(session);
      connection.dispose();
      armIdleTimer();
    }
    connection.onClose(close);
    socket.on('close', close);
    connection.listen();
  }

  function stop(reason: string): Promise<void> {
    stopping ??= (async () => {
      log(`stopping: ${reason}`);
      clearTimeout(idleTimer);
      for (const server of servers.values()) server.close();
      // Ending each socket (after what is queued on it) tells every client at once that we are gone;
      // those still open once the engine is closed (a peer that does not read) are cut.
      const sockets = [...connections.values()];
      for (const [connection, socket] of [...connections]) {
        connection.dispose();
        socket.end();
      }
      connections.clear();
      await tds?.close();
      await engine.close().catch((err: Error) => log(`engine close: ${err.message}`));
      for (const socket of sockets) socket.destroy();
      for (const path of servers.keys()) {
        try {
          unlinkSync(path);
        } catch {
          /* gone already */
        }
      }
      lock.release();
      resolveStopped();
    })();
    return stopping;
  }

  try {
    mkdirSync(layout.runDir, { recursive: true, mode: 0o711 });
    await listen(layout.ownerSocket, owner);
    await syncLoginSockets();
  } catch (err) {
    await stop(`could not listen: ${(err as Error).message}`);
    throw new DaemonError(`cannot listen on ${layout.ownerSocket}: ${(err as Error).message}`);
  }
  try {
    const onConnections = (open: number) => {
      tdsConnections = open;
      if (open > 0) clearTimeout(idleTimer);
      else if (!stopping) armIdleTimer();
    };
    if (options.tds) tds = await startTdsEndpoint({ engine, layout, settings: options.tds, log, onConnections });
    engine.listensOn(tds?.status().port ?? null);
  } catch (err) {
    await stop(`no TDS endpoint: ${(err as Error).message}`);
    throw new DaemonError((err as Error).message);
  }
  log(`serving ${layout.root} as pid ${process.pid}`);
  armIdleTimer();
  return { stopped, stop };
}

/** An OS user's ids, from /etc/passwd. */
export function lookupOsUser(name: string): OsUser | undefined {
  const entry = passwdEntries().get(name);
  return entry && { name, uid: entry.uid, gid: entry.gid };
}

export function currentOsUser(): OsUser {
  const info = userInfo();
  return { name: info.username, uid: info.uid, gid: info.gid };
}
