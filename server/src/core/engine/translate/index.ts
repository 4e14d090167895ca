// The translator's API: statements and expressions of the AST to DuckDB SQL, given the ports.
// Every result is a value: the SQL (variables as $1..$n parameters, named in `parameters`) with
// what the executor needs to report (result columns with T-SQL types), or SQL Server's error,
// positioned in the parsed text.
import type {
  AlterTableAction,
  DataType,
  OutputClause,
  DeleteStatement,
  Expression,
  InsertStatement,
  MergeStatement,
  ObjectName,
  QueryBody,
  SelectStatement,
  Span,
  TableDefinition,
  TruncateStatement,
  UpdateStatement,
} from '../ast';
import { sqlError, type SqlError } from '../parser/errors';
import { Context } from './context';
import { convert } from './conversions';
import { translateAddColumns, translateAlterColumn, type AlteredTable } from './alterTable';
import { createTableFromColumns, dropTableStatements, translateTableDefinition, type TableDdl } from './ddl';
import { insertColumns, insertStagedSql, targetTable, translateDelete, translateInsert, translateTruncate, translateUpdate, type ChangePlan, type InsertPlan } from './dml';
import type { OutputPlan } from './output';
import { stop, TranslateStop } from './errors';
import { ExpressionTranslator } from './expressions';
import { translateMerge, type MergePlan } from './merge';
import type { ColumnInfo, Ports, TableInfo, TableLocation } from './ports';
import { translateQuery, type ResultColumn } from './query';
import { Scope } from './scope';
import { sqlTypeOf, type SqlType } from './types';
import { functionColumns, viewColumns } from './userFunctions';
import type { UserFunctionInfo, ViewInfo } from './ports';

export type Translation<T> = { ok: true; value: T } | { ok: false; error: SqlError };

/** DuckDB SQL with `$n` placeholders; `parameters[n - 1]` names the variable bound to `$n`. */
export interface ParameterizedSql {
  sql: string;
  parameters: string[];
}

export type SelectPlan =
  /** A result set. */
  | (ParameterizedSql & { kind: 'rows'; columns: ResultColumn[] })
  /** SELECT @a = ..., @b = ...: each column goes to its variable, from the last row (no row: unchanged). */
  | (ParameterizedSql & { kind: 'assign'; assignments: { variable: string; type: SqlType }[] })
  /** SELECT ... INTO t: create `target` (createTableFromColumns) and INSERT INTO it this query's rows. */
  | (ParameterizedSql & { kind: 'into'; target: ObjectName; columns: ColumnInfo[] });

function run<T>(inner: () => T, at: Span): Translation<T> {
  try {
    return { ok: true, value: inner() };
  } catch (e) {
    if (e instanceof TranslateStop) return { ok: false, error: e.error };
    // A translator bug must not crash the instance; it surfaces as SQL Server's internal error.
    const detail = e instanceof Error ? e.message : String(e);
    const message = `Internal Query Processor Error: The query processor encountered an unexpected error during execution (${detail}).`;
    return { ok: false, error: sqlError(8630, 16, 1, message, at.start, at.end) };
  }
}

export function translateSelect(stmt: SelectStatement, ports: Ports): Translation<SelectPlan> {
  return run(() => {
    const ctx = new Context(ports);
    const result = translateQuery(stmt.query, ctx, null, 'top');
    const base = { sql: result.sql, parameters: ctx.parameters };
    if (result.assignments) {
      const assignments = result.assignments.map((variable, k) => ({ variable, type: result.columns[k]!.type }));
      return { ...base, kind: 'assign' as const, assignments };
    }
    const into = firstSelect(stmt.query.body).into;
    if (into) return { ...base, kind: 'into' as const, target: into, columns: intoColumns(result.columns, into) };
    return { ...base, kind: 'rows' as const, columns: result.columns };
  }, stmt);
}

/** The columns SELECT ... INTO creates: each named, each name once. */
function intoColumns(columns: ResultColumn[], into: ObjectName): ColumnInfo[] {
  const seen = new Set<string>();
  return columns.map((c) => {
    if (c.name === '') {
      const message = 'An object or column name is missing or empty. For SELECT INTO statements, verify each column has a name. For other statements, look for empty alias names. Aliases defined as "" or [] are not allowed. Change the alias to a valid name.';
      stop(1038, 15, 5, message, into);
    }
    if (seen.has(c.name.toLowerCase())) {
      stop(2705, 16, 3, `Column names in each table must be unique. Column name '${c.name}' in table '${into.name.name}' is specified more than once.`, into);
    }
    seen.add(c.name.toLowerCase());
    // A collation written on the selected value becomes the new column's own.
    const type = c.type.collation ? { ...c.type, collation: { ...c.type.collation, explicit: false } } : c.type;
    return { ...c, type, nullable: true, identity: false };
  });
}

function firstSelect(body: QueryBody): { into: ObjectName | null } {
  if (body.kind === 'select') return body;
  if (body.kind === 'parenthesized') return firstSelect(body.query.body);
  return firstSelect(body.left);
}

/**
 * A value the executor needs (SET, DECLARE ... =, PRINT, RETURN, IF's operands): `SELECT <value>`,
 * converted to `target` when given (assignment to a variable of that type).
 */
export function translateValue(expr: Expression, ports: Ports, target?: SqlType): Translation<ParameterizedSql & { type: SqlType }> {
  return run(() => {
    const ctx = new Context(ports);
    const t = new ExpressionTranslator(ctx, new Scope([], null));
    let value = t.value(expr);
    if (target) value = convert(value, target, 'implicit', expr);
    return { sql: `SELECT ${value.sql}`, parameters: ctx.parameters, type: value.nullLiteral ? target ?? value.type : value.type };
  }, expr);
}

/** An IF or WHILE condition: `SELECT <boolean>`, false when the condition is unknown (NULL). */
export function translateCondition(expr: Expression, ports: Ports): Translation<ParameterizedSql> {
  return run(() => {
    const ctx = new Context(ports);
    const condition = new ExpressionTranslator(ctx, new Scope([], null)).condition(expr);
    return { sql: `SELECT coalesce(${condition.sql}, false)`, parameters: ctx.parameters };
  }, expr);
}

export function translateInsertStatement(stmt: InsertStatement, ports: Ports): Translation<(InsertPlan & { parameters: string[] })> {
  return run(() => {
    const ctx = new Context(ports);
    const plan = translateInsert(stmt, ctx);
    return { ...plan, parameters: ctx.parameters };
  }, stmt);
}

/** INSERT ... EXEC's INSERT of the rows staged in `staged` (see insertStagedSql). */
export function translateInsertStaged(plan: Extract<InsertPlan, { kind: 'execute' }>, sourceTypes: SqlType[], staged: string, stmt: InsertStatement): Translation<string> {
  return run(() => insertStagedSql(plan.target, plan.columns, sourceTypes, stmt.columns.length > 0, staged, stmt.source), stmt);
}

export function translateUpdateStatement(stmt: UpdateStatement, ports: Ports): Translation<ChangePlan & ParameterizedSql> {
  return run(() => {
    const ctx = new Context(ports);
    return { ...translateUpdate(stmt, ctx), parameters: ctx.parameters };
  }, stmt);
}

export function translateDeleteStatement(stmt: DeleteStatement, ports: Ports): Translation<ChangePlan & ParameterizedSql> {
  return run(() => {
    const ctx = new Context(ports);
    return { ...translateDelete(stmt, ctx), parameters: ctx.parameters };
  }, stmt);
}

/** OUTPUT ... INTO: the INSERT of the output's rows, staged in `staged` (columns c1..cN of `sourceTypes`), into its target. */
export function translateOutputInto(into: NonNullable<OutputClause['into']>, sourceTypes: SqlType[], staged: string, ports: Ports): Translation<string> {
  return run(() => {
    const ctx = new Context(ports);
    const table = targetTable(into.target, ctx);
    return insertStagedSql(table, insertColumns(table, into.columns, ctx), sourceTypes, into.columns.length > 0, staged, into);
  }, into);
}

export function translateMergeStatement(stmt: MergeStatement, ports: Ports): Translation<MergePlan & { parameters: string[] }> {
  return run(() => {
    const ctx = new Context(ports);
    return { ...translateMerge(stmt, ctx), parameters: ctx.parameters };
  }, stmt);
}

export function translateTruncateStatement(stmt: TruncateStatement, ports: Ports): Translation<string> {
  return run(() => translateTruncate(stmt.table, new Context(ports)), stmt);
}

/** CREATE TABLE or DECLARE @t TABLE at `location` (the executor resolves the name and checks permissions). */
export function translateCreateTable(definition: TableDefinition, location: TableLocation, ports: Ports): Translation<TableDdl> {
  return run(() => translateTableDefinition(definition, location, ports), definition);
}

/** ALTER TABLE ... ADD: the columns added to `table` (the executor has resolved it and checked ALTER). */
export function translateAlterTableAdd(action: Extract<AlterTableAction, { kind: 'addColumns' }>, table: TableInfo, ports: Ports): Translation<AlteredTable> {
  return run(() => translateAddColumns(action, table, ports), action);
}

/** ALTER TABLE ... ALTER COLUMN of `column`, one of `table`'s. */
export function translateAlterTableColumn(action: Extract<AlterTableAction, { kind: 'alterColumn' }>, table: TableInfo, column: ColumnInfo): Translation<AlteredTable> {
  return run(() => translateAlterColumn(table, column, action), action);
}

/** CREATE VIEW's check of the definition: the view's columns, or the error in it. */
export function translateViewDefinition(view: ViewInfo, at: Span): Translation<ResultColumn[]> {
  return run(() => viewColumns(view, new Context(view.ports), at), at);
}

/** CREATE FUNCTION's check of the definition: an inline function's columns (none for a scalar one). */
export function translateFunctionDefinition(fn: UserFunctionInfo, at: Span): Translation<ResultColumn[]> {
  return run(() => functionColumns(fn, new Context(fn.ports), at), at);
}

/** The T-SQL type a data type names in a declaration (DECLARE, parameters, columns) or a CAST. */
export function resolveDataType(dt: DataType, context: 'declaration' | 'cast'): Translation<SqlType> {
  const type = sqlTypeOf(dt, context);
  return 'number' in type ? { ok: false, error: type } : { ok: true, value: type };
}

export { createTableFromColumns, dropTableStatements };
export { decodeRaisedError } from './errors';
export { duckdbRelation, identitySequence, quoteIdentifier, quoteString, stagedColumn } from './names';
export { duckdbType, formatSqlType, type SqlType } from './types';
export type { ColumnInfo, FunctionInfo, KeyConstraint, ModuleInfo, Ports, SchemaLookup, TableFunctionInfo, TableInfo, TableLocation, TableName, UserFunctionInfo, UserFunctionParameter, VariableLookup, ViewInfo } from './ports';
export type { AlteredTable, ChangePlan, InsertPlan, OutputPlan, ResultColumn, TableDdl };
