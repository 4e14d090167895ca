// The model of one sp_execute_external_script call as the scanner found it. All ranges are
// document offsets [start, end); values are resolved as far as T-SQL allows before running.
import type { Value } from '../tsql/values';

export type Range = [number, number];

/** 'missing': `@name =` with nothing after it (already reported where it is). */
export type ArgValueKind = 'string' | 'variable' | 'number' | 'null' | 'default' | 'name' | 'binary' | 'expression' | 'missing';

export interface CallArgument {
  /** Position in the argument list, from 0. */
  index: number;
  /** The parameter name as written, with '@', or null for a positional argument. */
  name: string | null;
  nameRange: Range | null;
  valueKind: ArgValueKind;
  valueRange: Range;
  /** What the value is when the statement runs, as far as it can be known statically. */
  value: Value;
  /** For a variable argument: its name as written. */
  variable: string | null;
  output: boolean;
  range: Range;
}

export interface ResultSetColumn {
  name: string;
  type: string;
  range: Range;
}

export type ResultSetsClause =
  | { kind: 'undefined' | 'none'; range: Range }
  /** Column lists, one per result set; 'as' forms (AS OBJECT / TYPE / FOR XML) carry no columns. */
  | { kind: 'definition'; sets: ResultSetColumn[][]; range: Range };

export interface ExternalScriptCall {
  range: Range;
  /** The procedure name as written (for symbols and hover). */
  nameRange: Range;
  args: CallArgument[];
  resultSets: ResultSetsClause | null;
  /** The target of INSERT ... EXEC, when the call is the source of one. */
  insertTarget: { name: string; range: Range } | null;
  /** The enclosing CREATE PROCEDURE, if any. */
  procedure: string | null;
  /** 0 in the document itself; 1 inside dynamic SQL; 2 inside dynamic SQL in dynamic SQL... */
  depth: number;
  /** Document offset just after the last argument: where a missing argument can be inserted. */
  argsEnd: number;
}
