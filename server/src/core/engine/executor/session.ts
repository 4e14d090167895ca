// One connection to the instance: who it is (the security context stack of EXECUTE AS), which
// database it uses, its #temp tables, SET options, transaction count and error state, and its
// storage session. Statements run through the functions of statements/*; this holds the state
// they share and the plumbing they all use (binding variables, running translated SQL).
//
// Transactions cover the catalog as well as the data. The data is the storage's transaction; a
// catalog change made inside a transaction goes to the session's staged copy of the document and
// of the table registry (the session sees it, no other does) under the instance's catalog lock,
// and COMMIT publishes it: the staged document is written inside the storage transaction (see
// transactionCommit.ts for why and how), the storage commits, then the catalog file is replaced.
// ROLLBACK, an error that ends the transaction, and closing the session drop the copy.
import type { Span } from '../ast';
import { check, suserSname, type Connection, type SessionContext } from '../../security';
import { duckdbRelation, type TableInfo } from '../translate';
import { Cancelled, ExecStop, storageStop, type WriteTarget } from './errors';
import type { Frame } from './frame';
import type { RunningRequest } from './activity';
import { internalClient, type ClientInfo } from './client';
import { FETCH_NONE, type Cursor } from './cursor';
import type { InstanceDocument } from './document';
import { effectiveGroup, type WorkloadGroupDefinition } from './resourceGovernor';
import type { Instance } from './instance';
import type { CancelSignal, SqlValue, StorageSession, StoredChunks, StoredColumns, StoredRows } from './ports';
import type { ExecResultSet, ScriptSessionSummary } from './results';
import { registerSessionFunctions, type SessionFunctions } from './sessionFunctions';
import { systemVariable } from './systemVariables';
import type { TableRegistry } from './tables';
import { commitStagedCatalog } from './transactionCommit';

/** What a transaction changed in the catalog, seen by its session alone until COMMIT. */
export interface StagedCatalog {
  document: InstanceDocument;
  tables: TableRegistry;
}

/** An error being handled by a CATCH block, for ERROR_MESSAGE() and the others. */
export interface CaughtError {
  number: number;
  severity: number;
  state: number;
  message: string;
  line: number;
  procedure: string | null;
}

/** The outermost transaction's begin and end. */
export type TransactionChange = 'begin' | 'commit' | 'rollback';

const NEVER_CANCELLED: CancelSignal = { aborted: false, addEventListener: () => undefined, removeEventListener: () => undefined };

export class ExecutorSession {
  readonly id: number;
  security: SessionContext;
  database: string;
  nocount = false;
  /** Tables with SET IDENTITY_INSERT ON, by their storage relation. */
  readonly identityInsert = new Set<string>();
  readonly tempTables = new Map<string, TableInfo>();
  transactionCount = 0;
  /** SET XACT_ABORT ON: an error ends the batch and rolls the transaction back. */
  xactAbort = false;
  /** Told when the outermost transaction begins, commits or rolls back, wherever that happens (TDS tells the driver). */
  onTransaction: ((change: TransactionChange) => void) | null = null;
  /** The catalog changes of the open transaction; null when it has made none. */
  private staged: StagedCatalog | null = null;
  /** The database the open transaction has written (the storage lets a transaction write one). */
  private writtenDatabase: string | null = null;
  rowCount = 0;
  lastError = 0;
  /** @@IDENTITY: the last identity value an INSERT of this session generated (identity.ts). */
  lastIdentity: SqlValue = null;
  /** GLOBAL cursors, by lower-case name: they last until DEALLOCATE or the end of the connection. */
  readonly cursors = new Map<string, Cursor>();
  /** @@FETCH_STATUS: how the connection's last FETCH went. */
  fetchStatus = FETCH_NONE;
  /** @@CURSOR_ROWS reads the last cursor opened on the connection. */
  lastOpenedCursor: Cursor | null = null;
  /** > 0 while statements run inside a TRY block (of this frame or a calling one). */
  tryDepth = 0;
  readonly caught: CaughtError[] = [];
  signal: CancelSignal = NEVER_CANCELLED;
  /** Script sessions started by the current run. */
  launched: ScriptSessionSummary[] = [];
  readonly functions: SessionFunctions;
  private uniqueCounter = 0;
  /** sys.dm_exec_sessions.login_time. */
  readonly loginTime: number;
  /** Where Resource Governor's classifier put the session (classifier.ts): its scripts run in the group's external pool. */
  workloadGroup: WorkloadGroupDefinition;
  /** The request running now (sys.dm_exec_requests); null between requests. */
  request: RunningRequest | null = null;
  lastRequestStart: number | null = null;
  lastRequestEnd: number | null = null;

  private constructor(
    readonly instance: Instance,
    readonly storage: StorageSession,
    connection: Connection,
    /** What the client said of itself at login. */
    readonly client: ClientInfo,
  ) {
    this.id = instance.nextSessionId();
    this.security = connection.session;
    this.database = connection.database;
    this.functions = registerSessionFunctions(this);
    instance.databasesInUse.set(this.id, this.database);
    this.loginTime = instance.ports.clock.now();
    this.workloadGroup = effectiveGroup(instance.document, null);
    instance.sessions.set(this.id, this);
  }

  static async open(instance: Instance, connection: Connection, client: ClientInfo = internalClient(instance.options.serverName)): Promise<ExecutorSession> {
    return new ExecutorSession(instance, await instance.ports.storage.openSession(), connection, client);
  }

  /** The instance document as this session sees it: its own transaction's changes included. */
  get document(): InstanceDocument {
    return this.staged?.document ?? this.instance.document;
  }

  get catalog() {
    return this.document.security;
  }

  get tables(): TableRegistry {
    return this.staged?.tables ?? this.instance.tables;
  }

  /**
   * For StatementContext.lockCatalog: waits for the instance's catalog lock and, inside a
   * transaction, starts its staged copy; the transaction keeps one hold until it ends. True when
   * the hold taken is the statement's own, to give back when it ends (outside a transaction).
   */
  async lockCatalog(): Promise<boolean> {
    const lock = this.instance.catalogLock;
    if (this.transactionCount > 0 && lock.holds(this.id)) return false;
    if (!(await lock.acquire(this.id, this.signal))) throw new Cancelled();
    if (this.transactionCount === 0) return true;
    this.staged ??= { document: this.instance.document, tables: this.instance.tables.copy() };
    this.instance.stages.add(this.staged);
    return false;
  }

  /** A statement's catalog change: staged inside a transaction, durable before it returns outside one. */
  async saveDocument(document: InstanceDocument): Promise<void> {
    if (!this.instance.catalogLock.holds(this.id)) throw new Error('a catalog change was made without the catalog lock');
    if (this.staged) this.staged.document = document;
    else await this.instance.commit(document);
  }

  /** The storage transaction will write `database` (the one a commit's catalog record goes to). */
  noteWrite(database: string): void {
    if (this.transactionCount > 0) this.writtenDatabase ??= database;
  }

  async beginTransaction(): Promise<void> {
    if (this.transactionCount === 0) {
      await this.storage.transaction('begin');
      this.writtenDatabase = null;
      this.onTransaction?.('begin');
    }
    this.transactionCount++;
  }

  /** COMMIT: the outermost one commits the data and publishes the staged catalog, both or neither. */
  async commitTransaction(at: Span): Promise<void> {
    if (this.transactionCount > 1) {
      this.transactionCount--;
      return;
    }
    const staged = this.staged;
    let written: Promise<void> | undefined;
    try {
      if (staged) ({ written } = await commitStagedCatalog(this, staged, this.writtenDatabase ?? 'master'));
      else await this.storage.transaction('commit');
    } catch (e) {
      await this.rollbackTransaction();
      throw this.failure(e, at);
    }
    this.endTransaction();
    this.onTransaction?.('commit');
    await written;
  }

  /** ROLLBACK (to the outermost BEGIN), an error that ends the transaction, or a closing session. */
  async rollbackTransaction(): Promise<void> {
    if (this.transactionCount === 0) return;
    await this.storage.transaction('rollback').catch(() => undefined);
    this.endTransaction();
    this.onTransaction?.('rollback');
  }

  private endTransaction(): void {
    this.transactionCount = 0;
    if (this.staged) this.instance.stages.delete(this.staged);
    this.staged = null;
    this.writtenDatabase = null;
    this.instance.catalogLock.release(this.id);
  }

  /**
   * Whether the storage gave up the open transaction after an error: it refuses every statement
   * of a transaction in which one failed while running (a constraint, a write conflict).
   */
  async transactionAborted(): Promise<boolean> {
    if (this.transactionCount === 0) return false;
    try {
      await this.storage.query('SELECT 1', []);
      return false;
    } catch {
      return true;
    }
  }

  /** SUSER_SNAME() of the current context: the caller a script runs for. */
  get loginName(): string {
    return suserSname(this.catalog, this.security);
  }

  /** VIEW SERVER STATE (sysadmin has it): who may watch every login's script sessions. */
  get viewsServerState(): boolean {
    return check(this.catalog, this.security, 'master', 'VIEW SERVER STATE', { class: 'SERVER' }).ok;
  }

  useDatabase(name: string): void {
    this.database = name;
    this.instance.databasesInUse.set(this.id, name);
  }

  /** A name no other object of this session has (table variables, work tables). */
  unique(stem: string): string {
    return `${stem}$${this.id}$${++this.uniqueCounter}`;
  }

  /** The values for a translation's $1..$n, from the frame's variables and the system's. */
  parameterValues(names: readonly string[], frame: Frame): SqlValue[] {
    return names.map((name) => {
      if (name.startsWith('@@')) return systemVariable(this, frame, name).value;
      return frame.variable(name)?.value ?? null;
    });
  }

  async query(sql: string, parameters: readonly SqlValue[], at: Span, maxRows?: number): Promise<StoredRows> {
    try {
      return await this.storage.query(sql, parameters, maxRows);
    } catch (e) {
      throw this.failure(e, at);
    }
  }

  /** A query's rows as they are read; an error while reading them is the statement's, as at the start. */
  async queryChunks(sql: string, parameters: readonly SqlValue[], at: Span, maxRows?: number): Promise<StoredChunks> {
    let chunks: StoredChunks;
    try {
      chunks = await this.storage.queryChunks(sql, parameters, maxRows);
    } catch (e) {
      throw this.failure(e, at);
    }
    const failure = (e: unknown) => this.failure(e, at);
    return {
      async *[Symbol.asyncIterator]() {
        try {
          yield* chunks;
        } catch (e) {
          throw failure(e);
        }
      },
      get truncated() {
        return chunks.truncated;
      },
    };
  }

  async queryColumns(sql: string, parameters: readonly SqlValue[], at: Span): Promise<StoredColumns> {
    try {
      return await this.storage.queryColumns(sql, parameters);
    } catch (e) {
      throw this.failure(e, at);
    }
  }

  async execute(sql: string, parameters: readonly SqlValue[], at: Span, target?: WriteTarget): Promise<number> {
    return this.writing(target, at, () => this.storage.run(sql, parameters));
  }

  /** A write whose RETURNING rows are wanted (OUTPUT): as execute, with the rows it returned. */
  executeReturning(sql: string, parameters: readonly SqlValue[], at: Span, target?: WriteTarget): Promise<StoredRows> {
    return this.writing(target, at, () => this.storage.query(sql, parameters));
  }

  /** A write to `target`: the database it is in noted for the transaction, a storage error decoded as the write's. */
  private async writing<T>(target: WriteTarget | undefined, at: Span, write: () => Promise<T>): Promise<T> {
    // A #temp table's target is named tempdb for messages; the storage does not count it as a database written.
    if (target && target.database !== 'tempdb') this.noteWrite(target.database);
    try {
      return await write();
    } catch (e) {
      throw this.failure(e, at, target);
    }
  }

  /**
   * Work of several storage statements that must happen whole or not at all: one storage
   * transaction, unless one is open. A storage error is decoded as a write to `target`'s.
   */
  async allOrNothing<T>(work: () => Promise<T>, at: Span, target?: WriteTarget): Promise<T> {
    const own = this.transactionCount === 0;
    try {
      if (own) await this.storage.transaction('begin');
      const result = await work();
      if (own) await this.storage.transaction('commit');
      return result;
    } catch (e) {
      if (own) await this.storage.transaction('rollback').catch(() => undefined);
      throw e instanceof ExecStop || e instanceof Cancelled ? e : this.failure(e, at, target);
    }
  }

  /** A new work table's name for withStagedRows, and the relation SQL reads it by. */
  stagingTable(): { name: string; relation: string } {
    const name = this.unique('sqlml$staged');
    return { name, relation: duckdbRelation({ kind: 'temp', name }) };
  }

  /**
   * Runs `use` over the rows staged in the work table (columns c1…cN, read in the order staged by
   * a plain scan), then drops the table: how INSERT ... EXEC and WITH RESULT SETS take a result set
   * (given whole, so that a script's output is staged from its columns) or rows.
   */
  async withStagedRows<T>(table: { name: string; relation: string }, rows: ExecResultSet | readonly (readonly SqlValue[])[], width: number, at: Span, use: () => Promise<T>, target?: WriteTarget): Promise<T> {
    const { name, relation } = table;
    try {
      try {
        // A script's output is staged from its columns: its rows are never built.
        if ('columnar' in rows && rows.columnar) await this.storage.stageColumns(name, rows.columnar);
        else await this.storage.stageRows(name, width, 'rows' in rows ? rows.rows : rows);
      } catch (e) {
        throw this.failure(e, at, target);
      }
      return await use();
    } finally {
      await this.storage.run(`DROP TABLE IF EXISTS ${relation}`).catch(() => undefined);
    }
  }

  /** Statements that must all happen or none (a table and its metadata): one storage transaction. */
  async atomically(statements: readonly string[], at: Span, database?: string, target?: WriteTarget): Promise<void> {
    if (database) this.noteWrite(database);
    await this.allOrNothing(async () => {
      for (const sql of statements) await this.storage.run(sql);
    }, at, target);
  }

  failure(e: unknown, at: Span, target?: WriteTarget): ExecStop | Cancelled {
    return this.signal.aborted ? new Cancelled() : storageStop(e, at, target);
  }

  /** A session that goes away with a transaction open rolls it back, catalog changes included. */
  async close(): Promise<void> {
    this.instance.databasesInUse.delete(this.id);
    this.instance.sessions.delete(this.id);
    await this.rollbackTransaction();
    this.instance.catalogLock.releaseAll(this.id);
    await this.storage.close();
  }
}
