// The engine the instance daemon serves: the executor (core) on DuckDB files, the durable catalog,
// OS accounts and password hashes, with the external scripts port given by the caller (the
// launcher). Logins are authenticated here; each connection gets an executor session.
import { availableParallelism, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  authenticateSqlLogin,
  connectWithOsIdentity,
  connectWithSqlLogin,
  DEFAULT_LOCKOUT_POLICY,
  executeAsLogin,
  sqlLoginPasswordHash,
  type Connection,
  type LockoutPolicy,
  type Outcome,
} from '../../core/security';
import { openScope } from '../../core/security/evaluate';
import { classifySession, ExecutorSession, Instance, runOneBatch, runProcedureRequest, runScript, type ClientInfo, type ExternalScripts, type HostFacts, type InstanceDocument } from '../../core/engine/executor';
import { JsonCatalogStore } from './catalogStore';
import { FolderLibraryInstaller } from './libraryInstaller';
import { DuckdbStorage } from './duckdbStorage';
import type { ConnectionIdentity, EngineSession, InstanceEngine, LoginOutcome, RunOptions } from './engine';
import { instanceLayout } from './layout';
import { groupsOfUser, membersOfGroup, systemOsAccounts } from './osAccounts';
import { decoyPasswordHash, hashPassword as scryptHash, verifyPassword as scryptVerify } from './passwords';
import type { EncodedRunOutcome, WireMessage } from './protocol';
import { BinarySectionBuilder } from './binarySection';
import { encodeRunOutcome } from './wireResultSets';

export interface SqlEngineOptions {
  /** The instance folder: data/<db>.duckdb and catalog.json live under it. */
  folder: string;
  /** The OS user who created the instance: its sysadmin. */
  owner: string;
  scripts: ExternalScripts;
  hashPassword?(password: string): Promise<string>;
  verifyPassword?(password: string, hash: string): Promise<boolean>;
  /** Rows one result set returns at most (default 100000); the rest is cut with a message. */
  maxRows?: number;
  /** @@SERVERNAME; the instance's name by default. */
  serverName?: string;
  /** When wrong passwords lock a SQL login (the instance config's loginPolicy); DEFAULT_LOCKOUT_POLICY by default. */
  lockout?: LockoutPolicy;
}

export interface SqlEngine extends InstanceEngine {
  /** The shared executor state, for views and tests. */
  readonly instance: Instance;
}

export const DEFAULT_MAX_ROWS = 100_000;

function loginFailure(message: { number: number; level: number; state: number; text: string }): LoginOutcome {
  return { ok: false, message: { kind: 'error', number: message.number, severity: message.level, state: message.state, text: message.text, line: null } };
}

export async function createSqlEngine(options: SqlEngineOptions): Promise<SqlEngine> {
  const layout = instanceLayout({ path: options.folder });
  const verify = options.verifyPassword ?? scryptVerify;
  const lockout = options.lockout ?? DEFAULT_LOCKOUT_POLICY;
  // Made now, so that the first attempt for a missing login does not pay for it.
  const decoy = decoyPasswordHash();
  const storage = await DuckdbStorage.open(layout.dataDir);
  // The TDS port is known only once the daemon's endpoint listens (listensOn).
  const host: HostFacts = {
    cpuCount: availableParallelism(),
    physicalMemoryKb: Math.floor(totalmem() / 1024),
    tcpPort: null,
    residentMemoryKb: () => Math.round(process.memoryUsage.rss() / 1024),
  };
  let instance: Instance;
  try {
    instance = await Instance.open(
      {
        storage,
        scripts: options.scripts,
        store: new JsonCatalogStore(layout.catalogFile),
        libraries: new FolderLibraryInstaller(join(layout.root, 'external-libraries')),
        os: systemOsAccounts,
        passwords: { hash: options.hashPassword ?? scryptHash, verify },
        clock: {
          now: () => Date.now(),
          sleep: (ms, signal) =>
            new Promise<void>((resolve) => {
              const done = () => {
                clearTimeout(timer);
                signal.removeEventListener('abort', done);
                resolve();
              };
              const timer = setTimeout(done, ms);
              signal.addEventListener('abort', done);
            }),
        },
      },
      {
        owner: options.owner,
        maxRows: options.maxRows ?? DEFAULT_MAX_ROWS,
        serverName: options.serverName ?? layout.name,
        lockout,
        host,
      },
    );
  } catch (err) {
    await storage.close();
    throw err;
  }
  // The external pools a RECONFIGURE put into effect before a restart are in effect again (the
  // launcher starts with them on first use), as SQL Server applies its stored configuration at start.
  await options.scripts.applyPools(instance.document.pools);

  /** How each authenticated login connects again when the daemon opens its session. */
  const reconnect = new Map<string, () => Outcome<Connection>>();
  const workerGroups = () => new Set(options.scripts.workerGroups().map((g) => g.toLowerCase()));

  async function login(identity: ConnectionIdentity): Promise<LoginOutcome> {
    if (identity.kind === 'os') {
      const connect = () => connectWithOsIdentity(instance.catalog, { user: identity.osUser, groups: groupsOfUser(identity.osUser) });
      const connected = connect();
      if (!connected.ok) return loginFailure(connected.error);
      reconnect.set(identity.osUser, connect);
      return { ok: true, login: identity.osUser };
    }
    // A login that does not exist costs one verification too, against the decoy hash: the answer
    // (Msg 18456) and its timing are those of a wrong password.
    const hash = sqlLoginPasswordHash(instance.catalog, identity.login);
    const matches = await verify(identity.password, hash ?? (await decoy));
    const now = instance.ports.clock.now();
    const attempt = authenticateSqlLogin(instance.catalog, identity.login, hash !== null && matches, lockout, now);
    // The failure count (or its reset) is durable before the answer: a restart forgets no lock.
    // It belongs to no transaction: update() also applies it to an open transaction's staged catalog.
    const counted = (document: InstanceDocument) => ({ ...document, security: authenticateSqlLogin(document.security, identity.login, hash !== null && matches, lockout, now).catalog });
    if (attempt.catalog !== instance.catalog) await instance.update(counted);
    const connected = attempt.outcome;
    if (!connected.ok) return loginFailure(connected.error);
    reconnect.set(identity.login, () => connectWithSqlLogin(instance.catalog, identity.login, true));
    return { ok: true, login: identity.login };
  }

  async function openSession(loginName: string, client?: ClientInfo): Promise<EngineSession> {
    const connect = reconnect.get(loginName);
    const connected = connect?.();
    if (!connected?.ok) throw new Error(`The login '${loginName}' has not authenticated, or can no longer connect.`);
    const session = await ExecutorSession.open(instance, connected.value, client);
    // Resource Governor: the classifier picks the session's workload group (and so its scripts' pool) at login.
    await classifySession(session);
    return engineSession(session);
  }

  return {
    instance,
    login,
    openSession,
    listensOn: (port) => {
      host.tcpPort = port;
    },
    osLogins: () => {
      const groups = workerGroups();
      const names = new Set<string>();
      for (const p of instance.catalog.server.principals) {
        if (p.type === 'U') names.add(p.name);
        if (p.type === 'G' && !groups.has(p.name.toLowerCase())) for (const member of membersOfGroup(p.name)) names.add(member);
      }
      names.delete(options.owner);
      return [...names];
    },
    describe: () => ({ databases: instance.catalog.databases.map((d) => d.name), isolation: options.scripts.isolation() }),
    onCatalogChanged: (listener) => instance.onCommitted(listener),
    close: () => storage.close(),
  };
}

/** The daemon's handle on an executor session: what a socket or TDS connection asks of it. */
export function engineSession(session: ExecutorSession): EngineSession {
  return {
    run: (run) => runOnSession(session, run),
    stream: async (request, events) => {
      const options = { signal: events.signal, onMessage: events.onMessage, onResultSet: events.onResultSet, onResultSetStream: events.onResultSetStream, onDatabaseChanged: events.onDatabaseChanged };
      session.onTransaction = events.onTransaction;
      try {
        if (request.kind === 'procedure') return await runProcedureRequest(session, request.request, options);
        await runOneBatch(session, request.text, options);
        return null;
      } finally {
        session.onTransaction = null;
      }
    },
    spid: session.id,
    database: () => session.database,
    use: (database) => {
      const opened = openScope(session.catalog, session.security, database);
      if (!opened.ok) return { kind: 'error', number: opened.error.number, severity: opened.error.level, state: opened.error.state, text: opened.error.text, line: null };
      session.useDatabase(opened.value.db!.name);
      return null;
    },
    viewsServerState: () => session.viewsServerState,
    close: () => session.close(),
  };
}

/** A run on a session: in the database asked for, as the login asked for (EXECUTE AS LOGIN), then back. */
async function runOnSession(session: ExecutorSession, run: RunOptions): Promise<EncodedRunOutcome> {
  const refused = (m: { number: number; level: number; state: number; text: string }): EncodedRunOutcome => {
    const message: WireMessage = { kind: 'error', number: m.number, severity: m.level, state: m.state, text: m.text, line: null };
    run.onMessage(message);
    return { batches: [{ line: 0, resultSets: [], messages: [message] }], sessions: [] };
  };
  if (run.database !== undefined) {
    const opened = openScope(session.catalog, session.security, run.database);
    if (!opened.ok) return refused(opened.error);
    session.useDatabase(opened.value.db!.name);
  }
  const before = session.security;
  if (run.asLogin !== undefined) {
    const pushed = executeAsLogin(session.catalog, session.security, session.database, run.asLogin);
    if (!pushed.ok) return refused(pushed.error);
    session.security = pushed.value;
  }
  try {
    const result = await runScript(session, run.text, { signal: run.signal, onMessage: (m) => run.onMessage(m) });
    return encodeRunOutcome(result, run.binaryColumns ? new BinarySectionBuilder() : undefined);
  } finally {
    if (run.asLogin !== undefined) session.security = before;
  }
}
