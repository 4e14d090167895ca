// One connection to the instance: who it is (the security context stack of EXECUTE AS), which
// database it uses, its #temp tables, SET options, transaction count and error state, and its
// storage session. Statements run through the functions of statements/*; this holds the state
// they share and the plumbing they all use (binding variables, running translated SQL).
import type { Span } from '../ast';
import { check, suserSname, type Connection, type SessionContext } from '../../security';
import { duckdbRelation, type TableInfo } from '../translate';
import { Cancelled, ExecStop, storageStop, type WriteTarget } from './errors';
import type { Frame } from './frame';
import type { Instance } from './instance';
import type { CancelSignal, SqlValue, StorageSession, StoredRows } from './ports';
import type { ScriptSessionSummary } from './results';
import { registerSessionFunctions, type SessionFunctions } from './sessionFunctions';
import { systemVariable } from './systemVariables';

/** An error being handled by a CATCH block, for ERROR_MESSAGE() and the others. */
export interface CaughtError {
  number: number;
  severity: number;
  state: number;
  message: string;
  line: number;
  procedure: string | null;
}

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
  rowCount = 0;
  lastError = 0;
  /** > 0 while statements run inside a TRY block (of this frame or a calling one). */
  tryDepth = 0;
  readonly caught: CaughtError[] = [];
  signal: CancelSignal = NEVER_CANCELLED;
  /** Script sessions started by the current run. */
  launched: ScriptSessionSummary[] = [];
  readonly functions: SessionFunctions;
  private uniqueCounter = 0;

  private constructor(
    readonly instance: Instance,
    readonly storage: StorageSession,
    connection: Connection,
  ) {
    this.id = instance.nextSessionId();
    this.security = connection.session;
    this.database = connection.database;
    this.functions = registerSessionFunctions(this);
    instance.databasesInUse.set(this.id, this.database);
  }

  static async open(instance: Instance, connection: Connection): Promise<ExecutorSession> {
    return new ExecutorSession(instance, await instance.ports.storage.openSession(), connection);
  }

  get catalog() {
    return this.instance.catalog;
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

  async execute(sql: string, parameters: readonly SqlValue[], at: Span, target?: WriteTarget): Promise<number> {
    try {
      return await this.storage.run(sql, parameters);
    } catch (e) {
      throw this.failure(e, at, target);
    }
  }

  /** A new work table's name for withStagedRows, and the relation SQL reads it by. */
  stagingTable(): { name: string; relation: string } {
    const name = this.unique('sqlml$staged');
    return { name, relation: duckdbRelation({ kind: 'temp', name }) };
  }

  /**
   * Runs `use` over the rows staged in the work table (columns c1…cN, read in order with ORDER BY
   * rowid), then drops the table: how INSERT ... EXEC and WITH RESULT SETS take a result set.
   */
  async withStagedRows<T>(table: { name: string; relation: string }, rows: readonly (readonly SqlValue[])[], width: number, at: Span, use: () => Promise<T>, target?: WriteTarget): Promise<T> {
    const { name, relation } = table;
    try {
      try {
        await this.storage.stageRows(name, width, rows);
      } catch (e) {
        throw this.failure(e, at, target);
      }
      return await use();
    } finally {
      await this.storage.run(`DROP TABLE IF EXISTS ${relation}`).catch(() => undefined);
    }
  }

  /** Statements that must all happen or none (a table and its metadata): one storage transaction. */
  async atomically(statements: readonly string[], at: Span): Promise<void> {
    const own = this.transactionCount === 0;
    try {
      if (own) await this.storage.transaction('begin');
      for (const sql of statements) await this.storage.run(sql);
      if (own) await this.storage.transaction('commit');
    } catch (e) {
      if (own) await this.storage.transaction('rollback').catch(() => undefined);
      throw this.failure(e, at);
    }
  }

  private failure(e: unknown, at: Span, target?: WriteTarget): ExecStop | Cancelled {
    return this.signal.aborted ? new Cancelled() : storageStop(e, at, target);
  }

  async close(): Promise<void> {
    this.instance.databasesInUse.delete(this.id);
    await this.storage.close();
  }
}
