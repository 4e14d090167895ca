// Where a statement's output goes: to the client (the batch being run), or captured by INSERT ...
// EXEC, which takes a procedure's result sets for itself and lets its messages through.
import type { Columnar } from '../../launcher/columnValues';
import type { ExecColumn, ExecMessage, ExecResultSet } from './results';

export interface Sink {
  resultSet(resultSet: ExecResultSet): void;
  /**
   * A sink that sends rows as they come (TDS) takes a query's result set this way: it reads the
   * chunks as it sends them and resolves once it has read them all, or stopped at a cancel. The
   * statement waits for it; without it the rows are read whole and given to resultSet.
   */
  resultSetStream?(columns: ExecColumn[], chunks: AsyncIterable<Columnar>): Promise<void>;
  message(message: ExecMessage): void;
  /** USE changed the session's database (TDS tells the client with an ENVCHANGE). */
  databaseChanged?(database: string): void;
}

/** Keeps result sets for the caller; messages still reach the client. */
export class CapturingSink implements Sink {
  readonly captured: ExecResultSet[] = [];

  /**
   * `countsRows`: the capture is WITH RESULT SETS', whose rows still reach the client, so an
   * external script still reports "(n rows affected)"; INSERT ... EXEC counts what it inserts itself.
   */
  constructor(
    private readonly outer: Sink,
    readonly countsRows = false,
  ) {}

  resultSet(resultSet: ExecResultSet): void {
    this.captured.push(resultSet);
  }

  message(message: ExecMessage): void {
    this.outer.message(message);
  }

  databaseChanged(database: string): void {
    this.outer.databaseChanged?.(database);
  }
}
