// What running T-SQL produces, batch by batch: result sets with T-SQL column types, and messages
// in SQL Server's shape (number, severity, state, text) with the line they are about.
import { valueAt, type Columnar } from '../../launcher/columnValues';
import type { SqlValue } from './ports';

/** How many rows a result set holds, without building them from its columns (one helper for the executor's and the clients'). */
export { rowCountOf } from '../../results/encodedResultSets';

export interface ExecColumn {
  /** '' for an unnamed column, as SQL Server sends it. */
  name: string;
  /** The T-SQL type name: 'int', 'nvarchar(50)', 'float', 'varbinary(max)'. */
  type: string;
}

export interface ExecResultSet {
  columns: ExecColumn[];
  rows: SqlValue[][];
  /** The same rows column by column, when a script sent them so: staging reads these, never building rows. */
  readonly columnar?: Columnar;
}

/** Whether column k holds a NULL, without building the rows from columns. */
export function columnHasNull(resultSet: ExecResultSet, k: number): boolean {
  const columnar = resultSet.columnar;
  if (!columnar) return resultSet.rows.some((row) => row[k] === null || row[k] === undefined);
  const column = columnar.values[k]!;
  for (let r = 0; r < columnar.rowCount; r++) if (valueAt(column, r) === null) return true;
  return false;
}

export interface ExecMessage {
  kind: 'info' | 'error';
  /** SQL Server's message number; 0 for PRINT; null for the engine's own notices. */
  number: number | null;
  severity: number | null;
  state: number | null;
  text: string;
  /** 0-based line in the submitted text: the statement's (or, inside a procedure, the EXEC's). */
  line: number | null;
  /** Set when the message comes from inside a stored procedure ("Procedure p, Line n"). */
  procedure?: string;
  /** 1-based line inside the procedure's definition, as SQL Server numbers it. */
  procedureLine?: number;
  /** A script error's line in the R/Python script (1-based), as the runtime reported it. */
  scriptLine?: number;
  /**
   * Offset in the submitted text where the @script literal's content starts (after N'), so the
   * editor can map scriptLine back to a .sql line; absent when @script is not a literal there.
   */
  scriptOffset?: number;
  /** How many of the batch's result sets came before this message, so clients can interleave them. */
  afterResultSets?: number;
  /** On "(n rows affected)": n, which TDS sends in a DONE token instead of a message. */
  rowCount?: number;
}

export interface BatchResult {
  /** 0-based line where the batch starts in the submitted text. */
  line: number;
  resultSets: ExecResultSet[];
  messages: ExecMessage[];
}

/** A launcher session a run started (sp_execute_external_script), for the Sessions view. */
export interface ScriptSessionSummary {
  id: string;
  caller: string;
  worker: string | null;
  language: string;
  state: string;
  durationMs: number | null;
}

export interface RunResult {
  batches: BatchResult[];
  sessions: ScriptSessionSummary[];
}
