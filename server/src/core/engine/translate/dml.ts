// INSERT, UPDATE, DELETE and TRUNCATE (MERGE is merge.ts). Stored values convert to the column types with SQL
// Server's errors (Msg 245, 2628, ...). UPDATE/DELETE ... FROM with the target among the FROM
// tables become DuckDB's UPDATE ... FROM / DELETE ... USING, the joins' ON conditions moved to
// WHERE (inner joins only).
import type {
  DeleteStatement,
  ExecuteStatement,
  ExecuteStringStatement,
  Expression,
  Identifier,
  InsertStatement,
  ObjectName,
  Span,
  TableSource,
  UpdateAssignment,
  UpdateStatement,
  VariableRef,
} from '../ast';
import { Context, type Typed } from './context';
import { storeValue } from './conversions';
import { stop, unsupported } from './errors';
import { ExpressionTranslator } from './expressions';
import { tableName, translateFrom, writtenName } from './from';
import { duckdbRelation, quoteIdentifier, sameName, stagedColumn } from './names';
import type { ColumnInfo, TableInfo } from './ports';
import { DEFAULT_MAXRECURSION, translateQuery, withCommonTables } from './query';
import { targetCte, translateCteDelete, translateCteUpdate } from './cteTarget';
import { refuseOutputOfExecute, translateOutput, type OutputPlan } from './output';
import { Scope, type Source } from './scope';
import { duckdbType, type SqlType } from './types';

export type InsertPlan =
  | { kind: 'sql'; sql: string; output: OutputPlan | null }
  /** INSERT ... EXEC: the executor runs the procedure, then inserts its rows with insertStagedSql. */
  | { kind: 'execute'; execute: ExecuteStatement | ExecuteStringStatement; target: TableInfo; columns: ColumnInfo[] };

/** The table a DML statement writes, by name or table variable. */
export function targetTable(target: ObjectName | VariableRef, ctx: Context): TableInfo {
  if (target.kind === 'variable') {
    const info = ctx.ports.schema.tableVariable(target.name);
    return info ?? stop(1087, 15, 2, `Must declare the table variable "${target.name}".`, target);
  }
  // A CTE's name hides a table's; UPDATE and DELETE of their own statement's CTE are cteTarget.ts's.
  if (!target.schema && !target.database && ctx.findCte(target.name.name)) unsupported('UPDATE or DELETE of a common table expression', target);
  const info = ctx.ports.schema.resolveTable(tableName(target));
  return info ?? stop(208, 16, 1, `Invalid object name '${writtenName(target)}'.`, target);
}

function findColumn(table: TableInfo, id: Identifier): ColumnInfo {
  const column = table.columns.find((c) => c.name.toLowerCase() === id.name.toLowerCase());
  return column ?? stop(207, 16, 1, `Invalid column name '${id.name}'.`, id);
}

/** The columns an INSERT fills: those listed, or every column but the identity. */
export function insertColumns(table: TableInfo, listed: Identifier[], ctx: Context): ColumnInfo[] {
  if (listed.length === 0) return table.columns.filter((c) => !c.identity);
  const seen = new Set<string>();
  return listed.map((id) => {
    const column = findColumn(table, id);
    assignedOnce(column, id, seen);
    if (column.identity && !ctx.ports.schema.identityInsert(table.location)) {
      stop(544, 16, 1, `Cannot insert explicit value for identity column in table '${table.location.name}' when IDENTITY_INSERT is set to OFF.`, id);
    }
    return column;
  });
}

/** Msg 109/110/120/121/213: the values don't match the columns. */
export function checkCount(values: number, columns: number, listed: boolean, query: boolean, at: Span): void {
  if (values === columns) return;
  if (!listed) stop(213, 16, 1, 'Column name or number of supplied values does not match table definition.', at);
  if (query) {
    const fewer = values < columns;
    stop(fewer ? 120 : 121, 15, 1, `The select list for the INSERT statement contains ${fewer ? 'fewer' : 'more'} items than the insert list. The number of SELECT values must match the number of INSERT columns.`, at);
  }
  if (values > columns) stop(110, 15, 1, 'There are fewer columns in the INSERT statement than values specified in the VALUES clause. The number of values in the VALUES clause must match the number of columns specified in the INSERT statement.', at);
  stop(109, 15, 1, 'There are more columns in the INSERT statement than values specified in the VALUES clause. The number of values in the VALUES clause must match the number of columns specified in the INSERT statement.', at);
}

function insertPrefix(table: TableInfo, columns: ColumnInfo[]): string {
  return `INSERT INTO ${duckdbRelation(table.location)} (${columns.map((c) => quoteIdentifier(c.name)).join(', ')})`;
}

export function translateInsert(stmt: InsertStatement, ctx: Context): InsertPlan {
  const table = targetTable(stmt.target, ctx);
  const columns = insertColumns(table, stmt.columns, ctx);
  const listed = stmt.columns.length > 0;
  const source = stmt.source;
  if (source.kind === 'execute') {
    refuseOutputOfExecute(stmt.output);
    return { kind: 'execute', execute: source.statement, target: table, columns };
  }
  const output = translateOutput(stmt.output, table, 'inserted', 'INSERT', ctx);
  const sql = (insert: string) => ({ kind: 'sql' as const, sql: insert + (output?.returning ?? ''), output });
  switch (source.kind) {
    case 'defaultValues':
      return sql(`INSERT INTO ${duckdbRelation(table.location)} DEFAULT VALUES`);
    case 'values': {
      const t = new ExpressionTranslator(ctx, new Scope([], null));
      const rows = source.rows.map((row) => {
        checkCount(row.length, columns.length, listed, false, source);
        const values = row.map((v, k) => (v.kind === 'default' ? 'DEFAULT' : storeValue(t.value(v), columns[k]!, table.location, v).sql));
        return `(${values.join(', ')})`;
      });
      return sql(`${insertPrefix(table, columns)} VALUES ${rows.join(', ')}`);
    }
    case 'query': {
      const result = translateQuery(source.query, ctx, null, 'insert');
      checkCount(result.columns.length, columns.length, listed, true, source);
      const names = result.columns.map((_, k) => `c${k + 1}`);
      const values = result.columns.map((c, k) => storeValue({ sql: `"s".${quoteIdentifier(names[k]!)}`, type: c.type }, columns[k]!, table.location, source).sql);
      return sql(`${insertPrefix(table, columns)} SELECT ${values.join(', ')} FROM (${result.sql}) AS "s"(${names.map(quoteIdentifier).join(', ')})`);
    }
  }
}

/**
 * INSERT ... EXEC: the INSERT of a result set's rows staged in `staged` (columns c1..cN, in
 * result-set column order, read in the order they were sent), converted from `sourceTypes` (the
 * procedure's result set) to the target columns.
 */
export function insertStagedSql(target: TableInfo, columns: ColumnInfo[], sourceTypes: SqlType[], listed: boolean, staged: string, at: Span): string {
  checkCount(sourceTypes.length, columns.length, listed, true, at);
  const values = sourceTypes.map((type, k) => storeValue({ sql: `CAST("s".${stagedColumn(k)} AS ${duckdbType(type)})`, type }, columns[k]!, target.location, at).sql);
  return `${insertPrefix(target, columns)} SELECT ${values.join(', ')} FROM ${staged} AS "s"`;
}

/** The target of UPDATE/DELETE, and what else FROM joins it with. */
interface DmlSources {
  table: TableInfo;
  /** The target's alias in the translated SQL. */
  exposed: string;
  /** The other sources (DuckDB's FROM / USING) and the join conditions moved to WHERE. */
  others: string;
  scope: Scope;
  conditions: string[];
}

function dmlSources(target: ObjectName | VariableRef, from: TableSource[], ctx: Context): DmlSources {
  const direct = (): DmlSources => {
    const table = targetTable(target, ctx);
    const exposed = target.kind === 'variable' ? target.name : target.name.name;
    const self: Source = { exposed, at: target, table: null, columns: table.columns };
    const rest = translateFrom(from, ctx, null);
    return { table, exposed, others: rest.sql, scope: new Scope([self, ...rest.sources], null), conditions: [] };
  };
  const flat = flattenInnerJoins(from);
  const index = flat.tables.findIndex((s) => sameTable(s, target));
  if (index < 0) return direct();
  if (!flat.innerOnly) unsupported('UPDATE or DELETE of a table joined with an outer join or APPLY', target);
  const targetSource = flat.tables[index]!;
  if (targetSource.kind !== 'table' && targetSource.kind !== 'tableVariable') unsupported('UPDATE or DELETE through a derived table', target);
  const mine = translateFrom([targetSource], ctx, null);
  const rest = translateFrom(flat.tables.filter((_, k) => k !== index), ctx, null);
  const scope = new Scope([...mine.sources, ...rest.sources], null);
  const t = new ExpressionTranslator(ctx, scope);
  const conditions = flat.conditions.map((c) => ctx.within('on', () => t.condition(c)).sql);
  const table = targetSource.kind === 'table' ? targetTable(targetSource.name, ctx) : targetTable(targetSource.variable, ctx);
  return { table, exposed: mine.sources[0]!.exposed, others: rest.sql, scope, conditions };
}

/** Does a FROM item stand for the UPDATE/DELETE target (by alias or by table name)? */
function sameTable(source: TableSource, target: ObjectName | VariableRef): boolean {
  if (target.kind === 'variable') return source.kind === 'tableVariable' && sameName(source.variable.name, target.name) && !source.alias;
  if (source.kind === 'table' || source.kind === 'tableVariable') {
    if (source.alias) return !target.schema && sameName(source.alias.name, target.name.name);
    if (source.kind === 'table') return sameName(source.name.name.name, target.name.name);
  }
  return false;
}

/** FROM items with inner joins taken apart into tables and ON conditions. */
function flattenInnerJoins(items: TableSource[]): { tables: TableSource[]; conditions: Expression[]; innerOnly: boolean } {
  const tables: TableSource[] = [];
  const conditions: Expression[] = [];
  let innerOnly = true;
  const visit = (s: TableSource): void => {
    if (s.kind !== 'join') {
      tables.push(s);
      return;
    }
    if (s.type !== 'INNER' && s.type !== 'CROSS') innerOnly = false;
    visit(s.left);
    visit(s.right);
    if (s.on) conditions.push(s.on);
  };
  items.forEach(visit);
  return { tables, conditions, innerOnly };
}

/** A translated UPDATE or DELETE, with its OUTPUT clause's columns when it has one. */
export interface ChangePlan {
  sql: string;
  output: OutputPlan | null;
  /** Written through a common table expression: the table under it. */
  base?: TableInfo;
}

export function translateUpdate(stmt: UpdateStatement, ctx: Context): ChangePlan {
  const cte = targetCte(stmt);
  if (cte) {
    const change = translateCteUpdate(stmt, cte, ctx);
    return { sql: change.sql, output: null, base: change.table };
  }
  return withCommonTables(stmt.ctes, ctx, DEFAULT_MAXRECURSION, (withSql) => {
    const target = dmlSources(stmt.target, stmt.from, ctx);
    const t = new ExpressionTranslator(ctx, target.scope);
    const sets = setClauses(stmt.assignments, target.table, t);
    let sql = `${withSql}UPDATE ${duckdbRelation(target.table.location)} AS ${quoteIdentifier(target.exposed)} SET ${sets.join(', ')}`;
    if (target.others) sql += ` FROM ${target.others}`;
    const output = translateOutput(stmt.output, target.table, 'inserted', 'UPDATE', ctx);
    return { sql: sql + whereSql(stmt.where, target, t, ctx) + (output?.returning ?? ''), output };
  });
}

/** A column an UPDATE assigns (written `at`): never the identity, never twice in one SET (`seen`: those assigned before). */
export function checkAssigned(column: ColumnInfo, at: Identifier, seen: Set<string>): void {
  if (column.identity) stop(8102, 16, 1, `Cannot update identity column '${column.name}'.`, at);
  assignedOnce(column, at, seen);
}

/** A column named once in an UPDATE's SET or an INSERT's column list (Msg 264); `seen` keeps those named before. */
function assignedOnce(column: ColumnInfo, at: Identifier, seen: Set<string>): void {
  const key = column.name.toLowerCase();
  if (seen.has(key)) stop(264, 16, 1, `The column name '${column.name}' is specified more than once in the SET clause or column list of an INSERT. A column cannot be assigned more than one value in the same clause. Modify the clause to make sure that a column is updated only once. If this statement updates or inserts columns into a view, column aliasing can conceal the duplication in your code.`, at);
  seen.add(key);
}

/** UPDATE's (and MERGE's) `column = value` items, each value stored as the column's type; a column once, never the identity. */
export function setClauses(assignments: readonly UpdateAssignment[], table: TableInfo, t: ExpressionTranslator): string[] {
  const seen = new Set<string>();
  return assignments.map((a) => {
    if (a.target.kind === 'variable') return unsupported('Assigning variables in UPDATE', a.target);
    const name = a.target.parts[a.target.parts.length - 1]!;
    const column = findColumn(table, name);
    checkAssigned(column, name, seen);
    if (a.value.kind === 'default') return `${quoteIdentifier(column.name)} = DEFAULT`;
    const expr: Expression = a.op === '=' ? a.value : { kind: 'binaryOp', op: a.op[0] as '+', left: a.target, right: a.value, start: a.start, end: a.end };
    const value: Typed = t.value(expr);
    return `${quoteIdentifier(column.name)} = ${storeValue(value, column, table.location, a).sql}`;
  });
}

export function translateDelete(stmt: DeleteStatement, ctx: Context): ChangePlan {
  const cte = targetCte(stmt);
  if (cte) {
    const change = translateCteDelete(stmt, cte, ctx);
    return { sql: change.sql, output: null, base: change.table };
  }
  return withCommonTables(stmt.ctes, ctx, DEFAULT_MAXRECURSION, (withSql) => {
    const target = dmlSources(stmt.target, stmt.from, ctx);
    const t = new ExpressionTranslator(ctx, target.scope);
    let sql = `${withSql}DELETE FROM ${duckdbRelation(target.table.location)} AS ${quoteIdentifier(target.exposed)}`;
    if (target.others) sql += ` USING ${target.others}`;
    const output = translateOutput(stmt.output, target.table, 'deleted', 'DELETE', ctx);
    return { sql: sql + whereSql(stmt.where, target, t, ctx) + (output?.returning ?? ''), output };
  });
}

function whereSql(where: Expression | null, target: DmlSources, t: ExpressionTranslator, ctx: Context): string {
  const conditions = [...target.conditions, ...(where ? [ctx.within('where', () => t.condition(where)).sql] : [])];
  return conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
}

export function translateTruncate(table: ObjectName, ctx: Context): string {
  return `DELETE FROM ${duckdbRelation(targetTable(table, ctx).location)}`;
}
