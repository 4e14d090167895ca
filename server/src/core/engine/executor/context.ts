// What every statement handler gets: the session, the frame it runs in, where its output goes,
// and the shared steps of running translated SQL: turning a translation into SQL or an error,
// filling the catalog views it reads, evaluating values, reporting rows and messages.
import type { Expression, Span } from '../ast';
import { check, type OwnershipChainLink, type SecurableName } from '../../security';
import { createTableFromColumns, duckdbRelation, stagedColumn, translateCondition, translateValue, type Translation } from '../translate';
import type { SqlType } from '../translate/types';
import { Cancelled, refuse, translationStop } from './errors';
import type { Frame } from './frame';
import { checkReads } from './permissions';
import type { SqlValue, StoredRows } from './ports';
import { withColumnarRows } from '../../launcher/columnValues';
import type { ExecColumn, ExecMessage } from './results';
import { statementPorts, type StatementPorts } from './schemaLookup';
import type { ExecutorSession } from './session';
import type { Sink } from './sink';
import { plural } from '../../text/plural';
import { convertsUnchanged, fittedToLength } from './values';

export type Flow = { kind: 'next' } | { kind: 'break' } | { kind: 'continue' } | { kind: 'return'; value: SqlValue };

export const NEXT: Flow = { kind: 'next' };

export class StatementContext {
  /** Holds of the catalog lock taken by the statement running now, given back when it ends. */
  private catalogHolds = 0;

  constructor(
    readonly session: ExecutorSession,
    readonly frame: Frame,
    readonly sink: Sink,
  ) {}

  /**
   * Called by a statement that changes the catalog before it reads what it computes the change
   * from: waits for the catalog lock, which it keeps until it ends (inside a transaction, until
   * the transaction ends).
   */
  async lockCatalog(): Promise<void> {
    if (await this.session.lockCatalog()) this.catalogHolds++;
  }

  /** After every statement: gives back the catalog lock holds it took. */
  statementEnded(): void {
    for (; this.catalogHolds > 0; this.catalogHolds--) this.session.instance.catalogLock.release(this.session.id);
  }

  /** The translator's ports for one statement (a fresh set: each records the views it touched). */
  ports(): StatementPorts {
    return statementPorts(this.session, this.frame);
  }

  /** A translation's value, or its error as the statement's failure. */
  translated<T>(translation: Translation<T>): T {
    if (!translation.ok) throw translationStop(translation.error);
    return translation.value;
  }

  /** Copies the catalog views a statement reads into their session tables, checking DMV permissions. */
  async fillViews(used: StatementPorts, at: Span): Promise<void> {
    for (const use of used.views.values()) {
      if (use.view.permission) this.check(use.view.permission, { class: 'SERVER' }, at, 'master');
      const rows = use.view.rows(this.session, use.database);
      const [create] = createTableFromColumns(use.table.location, use.table.columns);
      const replace = create!.replace(/^CREATE TEMP TABLE/, 'CREATE OR REPLACE TEMP TABLE');
      await this.session.storage.run(replace);
      if (rows.length === 0) continue;
      const width = use.table.columns.length;
      const staging = this.session.stagingTable();
      const sources = Array.from({ length: width }, (_, k) => stagedColumn(k)).join(', ');
      const fill = `INSERT INTO ${duckdbRelation(use.table.location)} SELECT ${sources} FROM ${staging.relation}`;
      await this.session.withStagedRows(staging, rows, width, at, () => this.session.execute(fill, [], at));
    }
  }

  /**
   * A permission check for the current security context in the current database (or the one
   * given), with the frame's ownership chain; a refusal ends the statement with SQL Server's error.
   */
  check(permission: string, securable: SecurableName, at: Span, database = this.session.database, chain?: OwnershipChainLink | null): void {
    const verdict = this.verdict(permission, securable, database, chain);
    if (!verdict.ok) refuse(verdict.error, at);
  }

  /** Whether the check would pass. */
  allowed(permission: string, securable: SecurableName, database = this.session.database): boolean {
    return this.verdict(permission, securable, database).ok;
  }

  /** `chain`: the ownership chain of a view or function being read; by default the frame's (a procedure's). */
  private verdict(permission: string, securable: SecurableName, database: string, chainOf?: OwnershipChainLink | null) {
    const chain = chainOf === undefined ? this.frame.procedure?.chain : chainOf ?? undefined;
    return check(this.session.catalog, this.session.security, database, permission, securable, chain ? { ownershipChain: chain } : {});
  }

  /**
   * The value of an expression (constants, variables, functions), converted to `target` if given
   * as an assignment converts it (to a variable, a parameter): text too long for it is cut.
   */
  async evaluate(expr: Expression, target?: SqlType): Promise<{ value: SqlValue; type: SqlType }> {
    const asIs = this.variableAsIs(expr, target);
    if (asIs) return asIs;
    const used = this.ports();
    const plan = this.translated(translateValue(expr, used.ports, target));
    checkReads(this, expr);
    await this.fillViews(used, expr);
    const result = await this.session.query(plan.sql, this.session.parameterValues(plan.parameters, this.frame), expr);
    const value = result.rows[0]?.[0] ?? null;
    return { value: target ? fittedToLength(value, target) : value, type: plan.type };
  }

  /** A variable whose value is already of `target`'s type: no query to the storage to convert it. */
  private variableAsIs(expr: Expression, target?: SqlType): { value: SqlValue; type: SqlType } | null {
    if (expr.kind !== 'variable' || expr.system) return null;
    const variable = this.frame.variable(expr.name);
    if (!variable || (target && !convertsUnchanged(variable.type, target, variable.value))) return null;
    return { value: variable.value, type: target ?? variable.type };
  }

  async condition(expr: Expression): Promise<boolean> {
    const used = this.ports();
    const plan = this.translated(translateCondition(expr, used.ports));
    checkReads(this, expr);
    await this.fillViews(used, expr);
    const result = await this.session.query(plan.sql, this.session.parameterValues(plan.parameters, this.frame), expr);
    return result.rows[0]?.[0] === true;
  }

  message(kind: ExecMessage['kind'], number: number | null, severity: number | null, state: number | null, text: string, at: Span, extra: Partial<ExecMessage> = {}): void {
    this.sink.message({ kind, number, severity, state, text, ...this.frame.place(at.start), ...extra });
  }

  /** An informational message as SQL Server sends it (PRINT, sp_configure's notices): severity 0. */
  info(text: string, at: Span, number = 0): void {
    this.message('info', number, 0, 1, text, at);
  }

  /** "(n rows affected)", unless SET NOCOUNT ON. */
  rowsAffected(count: number, at: Span): void {
    this.session.rowCount = count;
    if (!this.session.nocount) this.message('info', null, 0, null, `(${plural(count, 'row')} affected)`, at, { rowCount: count });
  }

  /**
   * Sends a result set, cut at the instance's row limit with a notice: bare rows, or a query's (kept
   * column by column when the storage read them so). `counted`: followed by "(n rows affected)"
   * (not for OUTPUT's rows: its statement says how many it changed).
   */
  resultSet(columns: ExecColumn[], stored: SqlValue[][] | StoredRows, at: Span, counted = true): void {
    const max = this.session.instance.options.maxRows;
    // `rows` is read only where there are no columns: on a storage result it builds every row.
    const columnar = Array.isArray(stored) ? undefined : stored.columnar;
    const rows = () => (Array.isArray(stored) ? stored : stored.rows);
    const count = columnar?.rowCount ?? rows().length;
    const cut = (!Array.isArray(stored) && stored.truncated) || count > max;
    if (count > max) this.sink.resultSet({ columns, rows: rows().slice(0, max) });
    else this.sink.resultSet(columnar ? withColumnarRows({ columns }, columnar) : { columns, rows: rows() });
    if (cut) this.cutNotice(max, at);
    if (counted) this.rowsAffected(Math.min(count, max), at);
  }

  /** A SELECT's rows for the client: streamed where the sink takes a stream, else read whole. */
  async queryResultSet(columns: ExecColumn[], sql: string, parameters: readonly SqlValue[], at: Span): Promise<void> {
    const max = this.session.instance.options.maxRows;
    const stream = this.sink.resultSetStream?.bind(this.sink);
    if (!stream) {
      this.resultSet(columns, await this.session.query(sql, parameters, at, max), at);
      return;
    }
    const chunks = await this.session.queryChunks(sql, parameters, at, max);
    let sent = 0;
    await stream(
      columns,
      (async function* () {
        for await (const chunk of chunks) {
          sent += chunk.rowCount;
          yield chunk;
        }
      })(),
    );
    if (chunks.truncated) this.cutNotice(max, at);
    this.rowsAffected(sent, at);
  }

  private cutNotice(max: number, at: Span): void {
    this.message('info', null, 0, null, `The result set was cut at ${max} rows (the instance's row limit).`, at);
  }

  /** Stops the run when the client cancelled it. */
  checkCancelled(): void {
    if (this.session.signal.aborted) throw new Cancelled();
  }
}
