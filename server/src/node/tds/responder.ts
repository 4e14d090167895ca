// Turns what a request produces (result sets, messages, USE) into TDS tokens in SQL Server's
// order: COLMETADATA and rows, then the statement's DONE (DONEINPROC inside a procedure or an RPC)
// with its row count; PRINT and script output as INFO, errors as ERROR with their procedure and
// line; USE as ENVCHANGE plus "Changed database context"; a transaction's begin, commit and
// rollback as ENVCHANGE with its descriptor. A statement's DONE is held until what follows is known:
// DONE_MORE when anything does, and in a batch the last statement's DONE is the response's final
// one, as SQL Server sends it (one DONE for `SELECT 1`, not two). The executor hands over events
// synchronously; they queue here and are written by one pump that waits for the socket, encoding
// rows a slice at a time. A SELECT's rows come as a stream: the pump reads them from the storage
// as it sends them, and the statement waits until it has.
import { sqlTypeFromText } from '../../core/engine/executor/sqlTypes';
import type { SqlValue } from '../../core/engine/executor/ports';
import { valueAt, type Columnar } from '../../core/launcher/columnValues';
import type { ExecColumn, ExecMessage, ExecResultSet, TransactionChange } from '../../core/engine/executor';
import { wireType, type WireType } from '../../core/tds/columnTypes';
import type { TransactionDescriptors } from '../../core/tds/transactionManager';
import { CurCmd, Done, EnvChange, Token, writeColMetadata, writeDone, writeEnvChange, writeMessage, writeRow, type WireMessage } from '../../core/tds/tokens';
import type { ResponseWriter } from './responseWriter';

type Event =
  | { kind: 'resultSet'; resultSet: ExecResultSet }
  | { kind: 'stream'; columns: ExecColumn[]; chunks: AsyncIterable<Columnar>; sent(error?: unknown): void }
  | { kind: 'message'; message: ExecMessage }
  | { kind: 'database'; name: string }
  | { kind: 'transaction'; change: TransactionChange };

/** Rows encoded between two chances for the socket to drain. */
const ROWS_PER_SLICE = 512;
/** Msg 50000 labels the instance's own unnumbered errors (as the executor's README says). */
const OWN_ERROR = 50000;

export interface ResponderOptions {
  serverName: string;
  /** An RPC: intermediate DONEs are DONEINPROC, as inside a procedure. */
  procedureCall: boolean;
  /** The database before the request (ENVCHANGE carries the old name too). */
  database: string;
  /** True once the client sent an attention: rows still queued are not worth sending. */
  cancelled(): boolean;
  /** The connection's transaction descriptors (they outlive a request). */
  transactions: TransactionDescriptors;
}

export class Responder {
  private readonly queue: Event[] = [];
  private wake: (() => void) | null = null;
  private finished = false;
  /** A result set was sent and its DONE is not yet: its row count may follow as a message. */
  private pendingDone = false;
  /** The last statement's DONE, not written yet: MORE or final depends on what comes next. */
  private held: { token: number; status: number; curCmd: number; rowCount: number } | null = null;
  errors = 0;
  private database: string;
  readonly pumped: Promise<void>;

  constructor(
    private readonly writer: ResponseWriter,
    private readonly options: ResponderOptions,
  ) {
    this.database = options.database;
    this.pumped = this.pump();
  }

  resultSet(resultSet: ExecResultSet): void {
    this.enqueue({ kind: 'resultSet', resultSet });
  }

  /**
   * A query's rows, sent chunk by chunk as the storage reads them: the client has the first rows
   * while the query still runs. Resolves once all are sent, or an attention stopped them; rejects
   * with the storage's error when reading fails part way (the statement reports it after the rows
   * sent, as SQL Server does).
   */
  resultSetStream(columns: ExecColumn[], chunks: AsyncIterable<Columnar>): Promise<void> {
    return new Promise((resolve, reject) => this.enqueue({ kind: 'stream', columns, chunks, sent: (error) => (error === undefined ? resolve() : reject(error)) }));
  }

  message(message: ExecMessage): void {
    this.enqueue({ kind: 'message', message });
  }

  databaseChanged(name: string): void {
    this.enqueue({ kind: 'database', name });
  }

  transaction(change: TransactionChange): void {
    this.enqueue({ kind: 'transaction', change });
  }

  /**
   * No more events: resolves once everything queued is written. In an RPC the statements' DONEs
   * are all written (DONEPROC follows); in a batch the last one waits for end().
   */
  async finish(): Promise<void> {
    this.finished = true;
    this.wake?.();
    await this.pumped;
    this.closeResultSet();
    if (this.options.procedureCall) this.release();
  }

  /**
   * The batch's final DONE: the last statement's own DONE without MORE (with ERROR when an error
   * was sent), or a bare DONE when the last thing sent was not a statement's end.
   */
  end(status: number): void {
    const last = this.held;
    if (last && last.token === Token.DONE) {
      this.held = null;
      writeDone(this.writer.tokens, last.token, last.status | (status & ~Done.MORE), last.curCmd, last.rowCount);
      return;
    }
    this.release();
    writeDone(this.writer.tokens, Token.DONE, status, CurCmd.NONE, 0);
  }

  private enqueue(event: Event): void {
    this.queue.push(event);
    this.wake?.();
  }

  private async pump(): Promise<void> {
    for (;;) {
      const event = this.queue.shift();
      if (!event) {
        if (this.finished) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      if (event.kind === 'resultSet') await this.sendResultSet(event.resultSet);
      else if (event.kind === 'stream') await this.sendStream(event);
      else if (event.kind === 'message') this.sendMessage(event.message);
      else if (event.kind === 'database') this.sendDatabase(event.name);
      else {
        this.closeResultSet();
        this.release();
        this.options.transactions.write(this.writer.tokens, event.change);
      }
      await this.writer.flushSome();
    }
  }

  private doneToken(procedure: string | undefined): number {
    return this.options.procedureCall || procedure !== undefined ? Token.DONEINPROC : Token.DONE;
  }

  private closeResultSet(): void {
    if (!this.pendingDone) return;
    this.pendingDone = false;
    this.hold(this.doneToken(undefined), 0, CurCmd.SELECT, 0);
  }

  private hold(token: number, status: number, curCmd: number, rowCount: number): void {
    this.release();
    this.held = { token, status, curCmd, rowCount };
  }

  /** Something follows the held DONE: it goes out with MORE. */
  private release(): void {
    const held = this.held;
    if (!held) return;
    this.held = null;
    writeDone(this.writer.tokens, held.token, held.status | Done.MORE, held.curCmd, held.rowCount);
  }

  private async sendResultSet(resultSet: ExecResultSet): Promise<void> {
    const types = this.startResultSet(resultSet.columns);
    await this.sendRows(types, resultSet.columnar ?? resultSet.rows);
    this.pendingDone = true;
  }

  private async sendStream(event: Extract<Event, { kind: 'stream' }>): Promise<void> {
    const types = this.startResultSet(event.columns);
    try {
      for await (const chunk of event.chunks) {
        await this.sendRows(types, chunk);
        if (this.options.cancelled()) break;
      }
    } catch (error) {
      this.pendingDone = true;
      event.sent(error ?? new Error('reading the rows failed'));
      return;
    }
    this.pendingDone = true;
    event.sent();
  }

  /** COLMETADATA, after the DONE of whatever came before; the columns' wire types. */
  private startResultSet(columns: readonly ExecColumn[]): WireType[] {
    this.closeResultSet();
    this.release();
    const wire = columns.map((c) => ({ name: c.name, type: wireType(sqlTypeFromText(c.type)) }));
    writeColMetadata(this.writer.tokens, wire);
    return wire.map((c) => c.type);
  }

  /**
   * Rows a slice at a time, letting the socket drain in between. Rows held column by column (a
   * query's, a script's) are encoded from the columns through one reused row: a million-row
   * result never becomes a million arrays on its way out.
   */
  private async sendRows(types: readonly WireType[], source: Columnar | readonly SqlValue[][]): Promise<void> {
    const w = this.writer.tokens;
    const rows = Array.isArray(source) ? (source as readonly SqlValue[][]) : null;
    const columnar = rows ? null : (source as Columnar);
    const count = columnar?.rowCount ?? rows!.length;
    const row: SqlValue[] = new Array<SqlValue>(types.length).fill(null);
    for (let start = 0; start < count; start += ROWS_PER_SLICE) {
      if (this.options.cancelled()) break;
      const end = Math.min(count, start + ROWS_PER_SLICE);
      if (rows) for (let k = start; k < end; k++) writeRow(w, types, rows[k]!);
      else
        for (let k = start; k < end; k++) {
          for (let c = 0; c < row.length; c++) row[c] = valueAt(columnar!.values[c]!, k);
          writeRow(w, types, row);
        }
      await this.writer.flushSome();
    }
  }

  private sendMessage(m: ExecMessage): void {
    if (m.rowCount !== undefined) {
      // "(n rows affected)": the count belongs in the DONE of the statement that produced it.
      const afterSelect = this.pendingDone;
      this.pendingDone = false;
      this.hold(this.doneToken(m.procedure), Done.COUNT, afterSelect ? CurCmd.SELECT : CurCmd.NONE, m.rowCount);
      return;
    }
    const error = m.kind === 'error';
    // The executor's "cancelled" notice: after an attention the DONE with DONE_ATTN says it.
    if (error && m.number === null && this.options.cancelled()) return;
    this.closeResultSet();
    this.release();
    if (error) this.errors++;
    writeMessage(this.writer.tokens, this.wireMessage(m, error));
  }

  private wireMessage(m: ExecMessage, error: boolean): WireMessage {
    return {
      error,
      number: m.number ?? (error ? OWN_ERROR : 0),
      state: m.state ?? 1,
      severity: m.severity ?? (error ? 16 : 0),
      text: m.text,
      serverName: this.options.serverName,
      procedure: m.procedure ?? '',
      line: m.procedureLine ?? (m.line ?? 0) + 1,
    };
  }

  private sendDatabase(name: string): void {
    this.closeResultSet();
    this.release();
    writeDatabaseChange(this.writer.tokens, name, this.database, this.options.serverName);
    this.database = name;
  }
}

/** ENVCHANGE (database) and SQL Server's message 5701 that comes with it. */
export function writeDatabaseChange(w: ResponseWriter['tokens'], name: string, old: string, serverName: string): void {
  writeEnvChange(w, EnvChange.DATABASE, name, old);
  writeMessage(w, { error: false, number: 5701, state: 2, severity: 0, text: `Changed database context to '${name}'.`, serverName, procedure: '', line: 1 });
}
