// The instance daemon: owns the instance folder, listens on Unix sockets whose file permissions
// tell who is calling (the kernel vouches for OS logins: only that user, and root, can open the
// socket in a 0700 folder they own), and serves the engine over JSON-RPC.
import { chmodSync, chownSync, existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { createMessageConnection, ResponseError, SocketMessageReader, SocketMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { passwdEntries } from '../osUsers';
import type { EngineSession, InstanceEngine } from './engine';
import { osLoginSocket, type InstanceLayout } from './layout';
import { acquireOwnerLock, type OwnerLock } from './ownerLock';
import type { SessionListener, SessionRecord } from '../../core/launcher/sessions';
import {
  Cancel,
  CancelSession,
  Hello,
  Pools,
  PROTOCOL_VERSION,
  Run,
  RunMessageNotification,
  SessionChangedNotification,
  Sessions,
  Shutdown,
  Status,
  WatchSessions,
  type LauncherView,
} from './protocol';

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
  /** Stop after this long without connections (LocalDB-style auto-started instances); 0 = never. */
  idleStopMs: number;
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

export async function serveInstance(options: DaemonOptions): Promise<RunningDaemon> {
  const { layout, owner, log } = options;
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
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let stopping: Promise<void> | undefined;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));

  const armIdleTimer = () => {
    clearTimeout(idleTimer);
    if (options.idleStopMs > 0 && connections.size === 0) {
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

  function accept(socket: Socket, user: OsUser): void {
    const connection = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
    connections.set(connection, socket);
    clearTimeout(idleTimer);
    let session: EngineSession | undefined;
    let login: string | undefined;
    const runs = new Map<string, AbortController>();

    connection.onRequest(Hello, async (params) => {
      const identity = params.sqlLogin ? { kind: 'sql' as const, login: params.sqlLogin.name, password: params.sqlLogin.password } : { kind: 'os' as const, osUser: user.name };
      const outcome = await engine.login(identity);
      if (!outcome.ok) return new ResponseError(LOGIN_FAILED, outcome.message.text, outcome.message);
      login = outcome.login;
      await session?.close();
      session = await engine.openSession(login);
      return { instance: layout.name, version: PROTOCOL_VERSION, login, authentication: identity.kind };
    });

    connection.onRequest(Run, async (params) => {
      if (!session) return new ResponseError(NOT_LOGGED_IN, 'Say hello first: the connection has no login.');
      const controller = new AbortController();
      runs.set(params.runId, controller);
      try {
        return await session.run({
          text: params.text,
          database: params.database,
          asLogin: params.asLogin,
          signal: controller.signal,
          onMessage: (message) => void connection.sendNotification(RunMessageNotification, { runId: params.runId, message }),
        });
      } finally {
        runs.delete(params.runId);
        await syncLoginSockets();
      }
    });

    connection.onRequest(Cancel, (params) => {
      const run = runs.get(params.runId);
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
      ...engine.describe(),
    }));

    // A login with VIEW SERVER STATE (sysadmin has it) sees every session, as it would see every
    // row of sys.dm_external_script_requests; other logins see their own. Asked afresh each time, so
    // a GRANT or DENY counts at once.
    const visible = (record: SessionRecord) => record.caller === login || session?.viewsServerState() === true;
    let unwatch: (() => void) | undefined;

    connection.onRequest(Pools, () => (session ? scripts.view() : new ResponseError(NOT_LOGGED_IN, 'Say hello first: the connection has no login.')));
    connection.onRequest(Sessions, () => (session ? scripts.sessions().filter(visible) : new ResponseError(NOT_LOGGED_IN, 'Say hello first: the connection has no login.')));
    connection.onRequest(WatchSessions, () => {
      if (!session) return new ResponseError(NOT_LOGGED_IN, 'Say hello first: the connection has no login.');
      unwatch ??= scripts.subscribe((event) => {
        if (event.type === 'evicted') void connection.sendNotification(SessionChangedNotification, { evicted: event.id });
        else if (visible(event.session)) void connection.sendNotification(SessionChangedNotification, { session: event.session });
      });
      return undefined;
    });
    connection.onRequest(CancelSession, ({ id }) => {
      const target = scripts.sessions().find((s) => s.id === id);
      if (!session || !target || !visible(target)) return { cancelled: false };
      return { cancelled: scripts.cancel(id) };
    });

    connection.onRequest(Shutdown, () => {
      if (user.name !== owner.name) return new ResponseError(NOT_ALLOWED, `Only ${owner.name}, who owns the instance, can stop it.`);
      setImmediate(() => void stop(`stopped by ${login ?? user.name}`));
      return undefined;
    });

    const close = () => {
      if (!connections.delete(connection)) return;
      unwatch?.();
      for (const run of runs.values()) run.abort();
      void session?.close();
      connection.dispose();
      armIdleTimer();
    };
    connection.onClose(close);
    socket.on('close', close);
    socket.on('error', () => socket.destroy());
    connection.listen();
  }

  function stop(reason: string): Promise<void> {
    stopping ??= (async () => {
      log(`stopping: ${reason}`);
      clearTimeout(idleTimer);
      for (const server of servers.values()) server.close();
      // Ending each socket (after what is queued on it) tells every client at once that we are gone.
      for (const [connection, socket] of [...connections]) {
        connection.dispose();
        socket.end();
      }
      connections.clear();
      await engine.close().catch((err: Error) => log(`engine close: ${err.message}`));
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
