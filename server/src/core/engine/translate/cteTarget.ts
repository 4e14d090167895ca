// UPDATE and DELETE of a common table expression, as SQL Server writes through one to the table
// under it: `WITH ranked AS (SELECT ..., ROW_NUMBER() OVER (...) AS rn FROM dbo.t) DELETE FROM
// ranked WHERE rn > 1`, the usual way of removing duplicates. The CTE must read one table (its
// joins, unions, grouping or DISTINCT would leave no row of one table to write). The CTE's query
// is run with each row's storage rowid beside it, the statement's WHERE chooses among its rows, and
// the table's rows with those rowids are deleted, or updated with values computed over the CTE's
// columns. An UPDATE's column must be one of the table's, carried through the CTE unchanged.
import type { CommonTableExpression, DeleteStatement, Expression, Identifier, Query, SelectItem, Span, UpdateStatement } from '../ast';
import { identifier } from './astNodes';
import type { Context } from './context';
import { storeValue } from './conversions';
import { checkAssigned } from './dml';
import { stop, unsupported } from './errors';
import { tableName } from './from';
import { duckdbRelation, quoteIdentifier, sameName } from './names';
import type { ColumnInfo, Ports, TableInfo, TableLocation } from './ports';
import { translateQuery } from './query';

/** The column the CTE's rows carry their table row's rowid in (DuckDB's pseudo-column, read as a column named rowid). */
const ROWID = 'sqlml$rowid';
const ROWID_COLUMN: ColumnInfo = { name: 'rowid', type: { name: 'bigint' }, nullable: false, identity: false };

/** The statement's own CTE its target names, or null when it writes a table. */
export function targetCte(stmt: UpdateStatement | DeleteStatement): CommonTableExpression | null {
  const target = stmt.target;
  if (target.kind === 'variable' || target.schema || target.database) return null;
  return stmt.ctes.find((c) => sameName(c.name.name, target.name.name)) ?? null;
}

export interface CteChange {
  sql: string;
  /** The table written. */
  table: TableInfo;
}

export function translateCteDelete(stmt: DeleteStatement, cte: CommonTableExpression, ctx: Context): CteChange {
  if (stmt.output) unsupported('OUTPUT of a DELETE through a common table expression', stmt.output);
  if (stmt.from.length > 0) unsupported('DELETE through a common table expression joined in FROM', stmt.from[0]!);
  const { table, chosen } = chosenRows(stmt, cte, [], ctx);
  return { table, sql: `DELETE FROM ${duckdbRelation(table.location)} WHERE rowid IN (SELECT ${quoteIdentifier(ROWID)} FROM (${chosen.sql}) AS "chosen")` };
}

export function translateCteUpdate(stmt: UpdateStatement, cte: CommonTableExpression, ctx: Context): CteChange {
  if (stmt.output) unsupported('OUTPUT of an UPDATE through a common table expression', stmt.output);
  if (stmt.from.length > 0) unsupported('UPDATE through a common table expression joined in FROM', stmt.from[0]!);
  const names: Identifier[] = [];
  const values: SelectItem[] = stmt.assignments.map((a, k) => {
    if (a.target.kind === 'variable') return unsupported('Assigning variables in UPDATE', a.target);
    names.push(a.target.parts[a.target.parts.length - 1]!);
    if (a.value.kind === 'default') return unsupported('DEFAULT in an UPDATE through a common table expression', a.value);
    const expr: Expression = a.op === '=' ? a.value : { kind: 'binaryOp', op: a.op[0] as '+', left: a.target, right: a.value, start: a.start, end: a.end };
    return { kind: 'expression', expr, alias: identifier(`v${k + 1}`, a), start: a.start, end: a.end };
  });
  const { table, chosen } = chosenRows(stmt, cte, values, ctx);
  const seen = new Set<string>();
  const sets = stmt.assignments.map((a, k) => {
    const name = names[k]!;
    const column = underlyingColumn(cte, table, name.name, stmt.target.kind === 'variable' ? '' : stmt.target.name.name, name);
    checkAssigned(column, name, seen);
    const value = storeValue({ sql: `"chosen".${quoteIdentifier(`v${k + 1}`)}`, type: chosen.columns[k + 1]!.type }, column, table.location, a);
    return `${quoteIdentifier(column.name)} = ${value.sql}`;
  });
  const target = quoteIdentifier('sqlml$target');
  return {
    table,
    sql: `UPDATE ${duckdbRelation(table.location)} AS ${target} SET ${sets.join(', ')} FROM (${chosen.sql}) AS "chosen" WHERE ${target}.rowid = "chosen".${quoteIdentifier(ROWID)}`,
  };
}

/**
 * The CTE's rows the statement's WHERE chooses, as a query of their rowids and then `values`
 * (computed over the CTE's columns), with the table the CTE reads.
 */
function chosenRows(stmt: UpdateStatement | DeleteStatement, cte: CommonTableExpression, values: SelectItem[], ctx: Context) {
  const body = cte.query.body;
  if (body.kind !== 'select' || body.distinct || body.groupBy.length > 0 || body.having || body.from.length !== 1 || cte.query.forXml || cte.query.forJson) {
    return unsupported('UPDATE or DELETE of a common table expression that does not read exactly one table (with no DISTINCT, GROUP BY or set operator)', stmt.target);
  }
  const source = body.from[0]!;
  if (source.kind !== 'table' && source.kind !== 'tableVariable') return unsupported('UPDATE or DELETE of a common table expression over a join, a derived table or a function', source);
  if (source.kind === 'table' && !source.name.schema && !source.name.database && ctx.findCte(source.name.name.name) !== undefined) {
    return unsupported('UPDATE or DELETE of a common table expression over another one', source);
  }
  const table = source.kind === 'table' ? ctx.ports.schema.resolveTable(tableName(source.name)) : ctx.ports.schema.tableVariable(source.variable.name);
  if (!table) return stop(208, 16, 1, `Invalid object name '${source.kind === 'table' ? source.name.name.name : source.variable.name}'.`, source);
  if (table.columns.some((c) => sameName(c.name, 'rowid'))) return unsupported('UPDATE or DELETE through a common table expression of a table with a column named rowid', source);
  // Its * would name the rowid too, one more column than the list names.
  if (cte.columns.length > 0 && body.items.some((i) => i.kind === 'expression' && i.expr.kind === 'star')) {
    return unsupported('UPDATE or DELETE through a common table expression with a column list and *', cte.name);
  }
  const qualifier = source.alias ?? (source.kind === 'table' ? source.name.name : identifier(source.variable.name, source));
  const span: Span = { start: stmt.target.start, end: stmt.target.end };
  const rowid: SelectItem = { kind: 'expression', expr: { kind: 'column', parts: [qualifier, identifier('rowid', span)], ...span }, alias: identifier(ROWID, span), ...span };
  const carrying: CommonTableExpression = {
    ...cte,
    columns: cte.columns.length > 0 ? [...cte.columns, identifier(ROWID, span)] : [],
    query: { ...cte.query, body: { ...body, items: [...body.items, rowid] } },
  };
  const named: Identifier = stmt.target.kind === 'variable' ? identifier(stmt.target.name, span) : stmt.target.name;
  const chooser: Query = {
    kind: 'query',
    ctes: stmt.ctes.map((c) => (c === cte ? carrying : c)),
    body: {
      kind: 'select',
      distinct: false,
      top: null,
      items: [{ kind: 'expression', expr: { kind: 'column', parts: [identifier(ROWID, span)], ...span }, alias: null, ...span }, ...values],
      into: null,
      from: [{ kind: 'table', name: { kind: 'objectName', server: null, database: null, schema: null, name: named, ...span }, alias: null, sample: null, ...span }],
      where: stmt.where,
      groupBy: [],
      having: null,
      ...span,
    },
    orderBy: [],
    offset: null,
    fetch: null,
    ...span,
  };
  // The table resolves with its rowid as one more column, inside this statement only.
  const chosen = withRowid(ctx, table.location, () => translateQuery(chooser, ctx, null, 'subquery'));
  return { table, chosen };
}

/** Runs `inner` with `location`'s table showing DuckDB's rowid pseudo-column as a column. */
function withRowid<T>(ctx: Context, location: TableLocation, inner: () => T): T {
  const ports = ctx.ports;
  const sameTable = (t: TableInfo | null) => t !== null && duckdbRelation(t.location) === duckdbRelation(location);
  const widened = (t: TableInfo | null) => (sameTable(t) ? { ...t!, columns: [...t!.columns, ROWID_COLUMN] } : t);
  const schema: Ports['schema'] = Object.create(ports.schema);
  schema.resolveTable = (name) => widened(ports.schema.resolveTable(name));
  schema.tableVariable = (name) => widened(ports.schema.tableVariable(name));
  ctx.ports = { ...ports, schema };
  try {
    return inner();
  } finally {
    ctx.ports = ports;
  }
}

/** The table's column a CTE column is: the same column read unchanged (by `*` or by name, aliased or not); else Msg 4406. */
function underlyingColumn(cte: CommonTableExpression, table: TableInfo, name: string, cteName: string, at: Span): ColumnInfo {
  const body = cte.query.body as Extract<Query['body'], { kind: 'select' }>;
  const listed = cte.columns.findIndex((c) => sameName(c.name, name));
  let position = 0;
  for (const item of body.items) {
    if (item.kind !== 'expression') continue;
    const e = item.expr;
    if (e.kind === 'star') {
      for (const c of table.columns) {
        if (listed >= 0 ? position === listed : sameName(c.name, name)) return c;
        position++;
      }
      continue;
    }
    const own = item.alias?.name ?? (e.kind === 'column' ? e.parts[e.parts.length - 1]!.name : '');
    if (listed >= 0 ? position === listed : sameName(own, name)) {
      const column = e.kind === 'column' ? table.columns.find((c) => sameName(c.name, e.parts[e.parts.length - 1]!.name)) : undefined;
      return column ?? stop(4406, 16, 1, `Update or insert of view or function '${cteName}' failed because it contains a derived or constant field.`, at);
    }
    position++;
  }
  return stop(207, 16, 1, `Invalid column name '${name}'.`, at);
}
