// What the daemon serves: an engine that authenticates logins and runs T-SQL for sessions. The
// daemon knows sockets and lifetimes; the engine knows SQL Server's semantics.
import type { ExecColumn, ExecResultSet, ProcedureRequest, ProcedureRequestResult, TransactionChange } from '../../core/engine/executor';
import type { Columnar } from '../../core/launcher/columnValues';
import type { EncodedRunOutcome, InstanceStatus, WireMessage } from './protocol';
import type { ClientInfo } from '../../core/engine/executor';

/** Who is on the other end of a connection, as the socket vouched for or a password claims. */
export type ConnectionIdentity = { kind: 'os'; osUser: string } | { kind: 'sql'; login: string; password: string };

export type LoginOutcome = { ok: true; login: string } | { ok: false; message: WireMessage };

export interface RunOptions {
  text: string;
  database?: string;
  asLogin?: string;
  signal: AbortSignal;
  onMessage(message: WireMessage): void;
  /** The client reads a binary section: typed columns go there instead of into base64. */
  binaryColumns?: boolean;
}

/** What a TDS request produces, as it happens, with the executor's own values (not JSON's). */
export interface StreamEvents {
  signal: AbortSignal;
  onResultSet(resultSet: ExecResultSet): void;
  /** A query's rows as they are read; resolves once they are sent (or a cancel stopped them). */
  onResultSetStream(columns: ExecColumn[], chunks: AsyncIterable<Columnar>): Promise<void>;
  onMessage(message: WireMessage): void;
  onDatabaseChanged(database: string): void;
  /** The outermost transaction began, committed or rolled back (a statement, an error, XACT_ABORT). */
  onTransaction(change: TransactionChange): void;
}

/** A batch is one batch, as SQL Server receives it: GO is not a separator there. */
export type StreamRequest = { kind: 'batch'; text: string } | { kind: 'procedure'; request: ProcedureRequest };

export interface EngineSession {
  /** A run for the socket: its result sets encoded as the socket carries them. */
  run(options: RunOptions): Promise<EncodedRunOutcome>;
  /** A batch or a procedure call (TDS's RPC), streamed; a procedure call's OUTPUT values and status. */
  stream(request: StreamRequest, events: StreamEvents): Promise<ProcedureRequestResult | null>;
  /** The session's number (@@SPID) and the database it is in. */
  readonly spid: number;
  database(): string;
  /** Moves the session to a database as USE would; the refusal when the login may not use it. */
  use(database: string): WireMessage | null;
  /** The login has VIEW SERVER STATE: it sees every login's script sessions, not only its own. */
  viewsServerState(): boolean;
  close(): Promise<void>;
}

export interface InstanceEngine {
  login(identity: ConnectionIdentity): Promise<LoginOutcome>;
  /** `client`: what the client said of itself at login (TDS LOGIN7, the socket's Hello). */
  openSession(login: string, client?: ClientInfo): Promise<EngineSession>;
  /** The TDS endpoint listens on `port` (null: it does not): sys.dm_server_registry shows it. */
  listensOn(port: number | null): void;
  /** OS logins other than the owner, whose sockets the daemon must offer (root daemons only). */
  osLogins(): string[];
  describe(): Pick<InstanceStatus, 'databases' | 'isolation'>;
  /** Follows the catalog changes statements commit (configuration, logins, users, permissions); returns the unsubscribe. */
  onCatalogChanged(listener: (commitId: number) => void): () => void;
  close(): Promise<void>;
}
