// What a statement gets back from the launcher.
import type { Columnar } from './columnValues';
import type { LauncherError } from './errors';
import type { LauncherMessage } from './messages';
import type { SqlValue } from './request';
import type { IsolationMode, SessionState } from './sessions';

export interface ResultColumn {
  name: string;
  /** The SQL type the value maps back to: 'float', 'int', 'bigint', 'bit', 'nvarchar(max)', … */
  type: string;
}

export interface ResultSet {
  columns: ResultColumn[];
  rows: SqlValue[][];
  /** The same rows column by column, when they came so (columnValues.ts withColumnarRows). */
  readonly columnar?: Columnar;
}

export interface SessionSummary {
  id: string;
  caller: string;
  pool: string;
  worker: string | null;
  mode: IsolationMode;
  state: SessionState;
  exitCode: number | null;
  durationMs: number;
}

export interface LaunchResult {
  session: SessionSummary;
  resultSets: ResultSet[];
  /** OUTPUT parameters by name without '@'. */
  outputParams: Record<string, SqlValue>;
  messages: LauncherMessage[];
}

/** A request refused before any session existed (invalid, unknown pool, launcher not serving). */
export type LaunchOutcome = { ok: true; result: LaunchResult } | { ok: false; error: LauncherError };
