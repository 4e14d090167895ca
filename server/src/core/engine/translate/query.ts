// Queries: CTEs, set operations, and each SELECT with its select list (star expansion, result
// names and T-SQL types), WHERE, GROUP BY (with SQL Server's rule that every other column be
// aggregated), HAVING, ORDER BY (ordinals, aliases, case-insensitive strings), TOP (LIMIT;
// PERCENT and WITH TIES through QUALIFY) and OFFSET/FETCH.
import type { CommonTableExpression, Expression, OrderItem, Query, QueryBody, Select, SelectItem, Span, VariableRef } from '../ast';
import { findNode } from './astNodes';
import { Context, type CteInfo, type Typed } from './context';
import { convert } from './conversions';
import { stop, unsupported } from './errors';
import { collation, ExpressionTranslator } from './expressions';
import { forJsonQuery } from './forJson';
import { forXmlQuery } from './forXml';
import { translateFrom } from './from';
import { quoteIdentifier } from './names';
import { claimRecursiveReference, levelColumn, SelfReference, translateRecursiveCte } from './recursiveCte';
import { Scope } from './scope';
import { BIGINT, commonType, FLOAT, INT, type SqlType } from './types';

export interface ResultColumn {
  /** '' for an unnamed expression, as SQL Server reports it. */
  name: string;
  type: SqlType;
  /** A bare NULL (reported as int): combined with another query it takes the other's type. */
  untyped?: boolean;
}

export interface TranslatedQuery {
  sql: string;
  columns: ResultColumn[];
  /** SELECT @a = ..., @b = ...: the variable each column is assigned to (from the last row). */
  assignments: string[] | null;
}

/** Where a query stands: the statement itself, the source of an INSERT, or nested in another query. */
export type QueryMode = 'top' | 'insert' | 'subquery' | 'derived' | 'cte';

/** SQL Server's limit on a recursive CTE's levels when no OPTION (MAXRECURSION n) sets one. */
export const DEFAULT_MAXRECURSION = 100;

export function translateQuery(q: Query, ctx: Context, outer: Scope | null, mode: QueryMode): TranslatedQuery {
  return withCommonTables(q.ctes, ctx, q.maxRecursion ?? DEFAULT_MAXRECURSION, (withSql) => {
    const body =
      q.body.kind === 'select'
        ? translateSelect(q.body, ctx, outer, { mode, orderBy: q.orderBy, offset: q.offset, fetch: q.fetch, allowInto: mode === 'top' })
        : translateCombined(q, ctx, outer, mode);
    const hasTop = q.body.kind === 'select' && q.body.top !== null;
    const nested = mode === 'subquery' || mode === 'derived' || mode === 'cte';
    if (nested && q.orderBy.length && !hasTop && !q.offset && !q.forXml && !q.forJson) {
      const message = 'The ORDER BY clause is invalid in views, inline functions, derived tables, subqueries, and common table expressions, unless TOP, OFFSET or FOR XML is also specified.';
      stop(1033, 15, 1, message, q.orderBy[0]!);
    }
    if (q.forXml) {
      if (body.assignments) stop(6819, 16, 1, 'The FOR XML clause is not allowed in a ASSIGNMENT statement.', q.forXml);
      return { ...forXmlQuery({ sql: withSql + body.sql, columns: body.columns }, q.forXml, mode === 'top'), assignments: null };
    }
    if (q.forJson) {
      if (body.assignments) stop(13602, 16, 1, 'The FOR JSON clause is not allowed in a ASSIGNMENT statement.', q.forJson);
      return { ...forJsonQuery({ sql: withSql + body.sql, columns: body.columns }, q.forJson, mode === 'top'), assignments: null };
    }
    return { ...body, sql: withSql + body.sql };
  });
}

/**
 * A WITH clause's CTEs (a query's, or an UPDATE's or DELETE's) in scope while `translate` runs; it
 * gets their DuckDB WITH clause ('' for none) to put before its SQL.
 */
export function withCommonTables<T>(ctes: readonly CommonTableExpression[], ctx: Context, maxRecursion: number, translate: (withSql: string) => T): T {
  if (ctes.length === 0) return translate('');
  ctx.ctes.push(new Map());
  try {
    const translated = ctes.map((c) => translateCte(c, ctx, maxRecursion));
    return translate(`WITH ${translated.some((c) => c.recursive) ? 'RECURSIVE ' : ''}${translated.map((c) => c.sql).join(', ')} `);
  } finally {
    ctx.ctes.pop();
  }
}

/** A subquery's SQL and, unless under EXISTS, its one column's type (Msg 116 otherwise). */
export function translateSubquery(q: Query, ctx: Context, scope: Scope, kind: 'scalar' | 'in' | 'exists'): { sql: string; type: SqlType } {
  const result = ctx.within('other', () => translateQuery(q, ctx, scope, 'subquery'), true);
  if (kind !== 'exists' && result.columns.length !== 1) {
    stop(116, 16, 1, 'Only one expression can be specified in the select list when the subquery is not introduced with EXISTS.', q);
  }
  return { sql: result.sql, type: result.columns[0]?.type ?? INT };
}

/** The columns a derived table, CTE or SELECT INTO gets: named, and each name once. */
export function namedColumns(result: TranslatedQuery, names: string[] | null, owner: string, at: Span): ResultColumn[] {
  if (names && names.length !== result.columns.length) {
    const more = result.columns.length > names.length;
    stop(more ? 8158 : 8159, 16, 1, `'${owner}' has ${more ? 'more' : 'fewer'} columns than were specified in the column list.`, at);
  }
  const columns = result.columns.map((c, k) => ({ name: names ? names[k]! : c.name, type: c.type }));
  const seen = new Set<string>();
  columns.forEach((c, k) => {
    if (c.name === '') stop(8155, 16, 2, `No column name was specified for column ${k + 1} of '${owner}'.`, at);
    const key = c.name.toLowerCase();
    if (seen.has(key)) stop(8156, 16, 1, `The column '${c.name}' was specified multiple times for '${owner}'.`, at);
    seen.add(key);
  });
  return columns;
}

function translateCte(c: CommonTableExpression, ctx: Context, maxRecursion: number): { sql: string; recursive: boolean } {
  const scope = ctx.ctes[ctx.ctes.length - 1]!;
  const key = c.name.name.toLowerCase();
  if (scope.has(key)) stop(252, 16, 1, `Common table expression defined with duplicate name '${c.name.name}'.`, c.name);
  const info: CteInfo = { name: c.name.name, columns: [], defining: true };
  scope.set(key, info);
  const names = c.columns.length ? c.columns.map((n) => n.name) : null;
  let result: TranslatedQuery;
  try {
    result = translateQuery(c.query, ctx, null, 'cte');
  } catch (e) {
    // The query read the CTE itself: translated again as an anchor and a recursive member.
    if (!(e instanceof SelfReference) || e.cte !== info) throw e;
    const hooks = {
      translate: (member: Query) => translateQuery(member, ctx, null, 'cte'),
      columnsOf: (anchor: TranslatedQuery) => namedColumns(anchor, names, c.name.name, c),
      conformed,
    };
    return { sql: translateRecursiveCte(c, ctx, info, maxRecursion, hooks), recursive: true };
  }
  const columns = namedColumns(result, names, c.name.name, c);
  info.columns = columns.map((col) => ({ ...col, nullable: true, identity: false }));
  info.defining = false;
  return { sql: `${quoteIdentifier(c.name.name)}(${columns.map((col) => quoteIdentifier(col.name)).join(', ')}) AS (${result.sql})`, recursive: false };
}

/** UNION / EXCEPT / INTERSECT, and parenthesised bodies, with the query's ORDER BY and OFFSET. */
function translateCombined(q: Query, ctx: Context, outer: Scope | null, mode: QueryMode): TranslatedQuery {
  const body = translateBody(q.body, ctx, outer, mode);
  let sql = body.sql;
  if (q.orderBy.length) {
    // Only result columns can be ordered by here (Msg 104), so ordinals say it exactly.
    const keys = q.orderBy.map((o) => `${outputOrdinal(o, body.columns, true)}${o.descending ? ' DESC' : ''}`);
    sql += ` ORDER BY ${keys.join(', ')}`;
  }
  sql += offsetClause(q.offset, q.fetch, ctx);
  return { ...body, sql };
}

function translateBody(body: QueryBody, ctx: Context, outer: Scope | null, mode: QueryMode): TranslatedQuery {
  switch (body.kind) {
    case 'select':
      return translateSelect(body, ctx, outer, { mode, orderBy: [], offset: null, fetch: null, allowInto: false });
    case 'parenthesized': {
      const inner = translateQuery(body.query, ctx, outer, mode === 'top' || mode === 'insert' ? 'subquery' : mode);
      return { ...inner, sql: `(${inner.sql})` };
    }
    default: {
      const left = translateBody(body.left, ctx, outer, mode);
      const right = translateBody(body.right, ctx, outer, mode);
      if (left.assignments || right.assignments) {
        stop(141, 15, 1, 'A SELECT statement that assigns a value to a variable must not be combined with data-retrieval operations.', body);
      }
      if (left.columns.length !== right.columns.length) {
        stop(205, 16, 1, 'All queries combined using a UNION, INTERSECT or EXCEPT operator must have an equal number of expressions in their target lists.', body);
      }
      // SELECT 0x01 UNION ALL SELECT NULL is varbinary: a bare NULL has no type of its own to clash with.
      const types = left.columns.map((c, k) => {
        const other = right.columns[k]!;
        return c.untyped ? other.type : other.untyped ? c.type : commonType(c.type, other.type);
      });
      const columns = left.columns.map((c, k): ResultColumn => (c.untyped && right.columns[k]!.untyped ? { name: c.name, type: INT, untyped: true } : { name: c.name, type: types[k]! }));
      const sql = `(${conformed(left, types, body)}) ${body.op} (${conformed(right, types, body)})`;
      return { sql, columns, assignments: null };
    }
  }
}

/**
 * A side of a set operation converted to the combined column types, when they differ. `carried`
 * names columns the side's SQL has after its result columns (a recursive member's level), kept as
 * they are.
 */
export function conformed(side: TranslatedQuery, types: SqlType[], at: Span, carried: string[] = []): string {
  const names = side.columns.map((_, k) => `c${k + 1}`);
  const converted = side.columns.map((c, k) => convert({ sql: `"s".${quoteIdentifier(names[k]!)}`, type: c.type, nullLiteral: c.untyped }, types[k]!, 'implicit', at).sql);
  if (converted.every((sql, k) => sql === `"s".${quoteIdentifier(names[k]!)}`)) return side.sql;
  const kept = carried.map((c) => `"s".${c}`);
  return `SELECT ${[...converted, ...kept].join(', ')} FROM (${side.sql}) AS "s"(${[...names.map(quoteIdentifier), ...carried].join(', ')})`;
}

/** ORDER BY n or ORDER BY name, against the result columns. */
function outputOrdinal(o: OrderItem, columns: ResultColumn[], required: boolean): number | null {
  const e = o.expr;
  if (e.kind === 'number' && e.type === 'int') {
    const n = Number(e.text);
    if (n < 1 || n > columns.length) stop(108, 16, 1, `The ORDER BY position number ${n} is out of range of the number of items in the select list.`, e);
    return n;
  }
  if (e.kind === 'column' && e.parts.length === 1) {
    const name = e.parts[0]!.name.toLowerCase();
    const matches = columns.flatMap((c, k) => (c.name.toLowerCase() === name ? [k + 1] : []));
    if (matches.length > 1) stop(209, 16, 1, `Ambiguous column name '${e.parts[0]!.name}'.`, e);
    if (matches.length === 1) return matches[0]!;
  }
  if (required) stop(104, 16, 1, 'ORDER BY items must appear in the select list if the statement contains a UNION, INTERSECT or EXCEPT operator.', e);
  return null;
}

/** OFFSET n ROWS FETCH NEXT m ROWS ONLY: constants or variables. */
function offsetClause(offset: Expression | null, fetch: Expression | null, ctx: Context): string {
  if (!offset) return '';
  const constant = new ExpressionTranslator(ctx, new Scope([], null));
  const rows = (e: Expression) => ctx.within('other', () => convert(constant.value(e), BIGINT, 'implicit', e).sql);
  return `${fetch ? ` LIMIT ${rows(fetch)}` : ''} OFFSET ${rows(offset)}`;
}

interface SelectClauses {
  mode: QueryMode;
  orderBy: OrderItem[];
  offset: Expression | null;
  fetch: Expression | null;
  allowInto: boolean;
}

interface Item {
  sql: string;
  column: ResultColumn;
  typed: Typed;
  assignTo: string | null;
}

function translateSelect(s: Select, ctx: Context, outer: Scope | null, clauses: SelectClauses): TranslatedQuery {
  if (s.into && !clauses.allowInto) stop(156, 15, 1, "Incorrect syntax near the keyword 'INTO'.", s.into);
  const from = translateFrom(s.from, ctx, outer);
  const recursion = claimRecursiveReference(ctx, s, clauses.mode === 'cte');
  const scope = new Scope(from.sources, outer);
  const t = new ExpressionTranslator(ctx, scope);
  const where = s.where ? ctx.within('where', () => t.condition(s.where!)) : null;
  const keys = ctx.within('groupBy', () => s.groupBy.map((e) => t.value(e)));

  return ctx.within('select', () => {
    ctx.groupKeys = new Set(keys.map((k) => k.sql));
    const items = s.items.flatMap((item) => selectItem(item, s, t, clauses.mode));
    ctx.clause = 'having';
    const having = s.having ? t.condition(s.having) : null;
    ctx.clause = 'orderBy';
    const order = clauses.orderBy.map((o) => orderKey(o, items, s, t));
    const grouped = s.groupBy.length > 0 || items.some((i) => i.typed.aggregate) || !!having?.aggregate || order.some((o) => o.typed?.aggregate);
    if (grouped) {
      checkGrouped(items.map((i) => i.typed), 'select list');
      checkGrouped([having], 'HAVING clause');
      checkGrouped(order.map((o) => o.typed), 'ORDER BY clause');
    }
    const assignments = items.some((i) => i.assignTo) ? items.map((i) => i.assignTo!) : null;

    // The recursive member of a recursive CTE adds each row's level (recursiveCte.ts), never shown.
    const level = recursion ? [levelColumn(recursion, grouped, s)] : [];
    let sql = `SELECT ${s.distinct ? 'DISTINCT ' : ''}${[...items.map((i) => i.sql), ...level].join(', ')}`;
    if (from.sql) sql += ` FROM ${from.sql}`;
    if (where) sql += ` WHERE ${where.sql}`;
    if (keys.length) sql += ` GROUP BY ${groupingSql(s, keys.map((k) => k.sql))}`;
    if (having) sql += ` HAVING ${having.sql}`;
    sql += topQualify(s, order, ctx, clauses);
    if (order.length) sql += ` ORDER BY ${order.map((o) => o.sql).join(', ')}`;
    sql += topLimit(s, ctx, clauses);
    return { sql, columns: items.map((i) => i.column), assignments };
  });
}

function selectItem(item: SelectItem, s: Select, t: ExpressionTranslator, mode: QueryMode): Item[] {
  if (item.kind === 'assignment') {
    if (mode !== 'top') stop(102, 15, 1, "Incorrect syntax near '='.", item);
    const type = t.ctx.ports.variables.variableType(item.variable.name);
    if (!type) return stop(137, 15, 1, `Must declare the scalar variable "${item.variable.name}".`, item.variable);
    if (s.from.length && mentions(item.expr, item.variable.name)) {
      unsupported('Accumulating a variable over the rows of a SELECT (SELECT @v = @v + ... FROM)', item);
    }
    const expr: Expression = item.op === '=' ? item.expr : { kind: 'binaryOp', op: item.op[0] as '+', left: item.variable, right: item.expr, start: item.start, end: item.end };
    const typed = t.value(expr);
    const value = convert(typed, type, 'implicit', item);
    return [{ sql: value.sql, column: { name: '', type }, typed, assignTo: item.variable.name }];
  }
  const e = item.expr;
  if (e.kind === 'star') {
    if (s.from.length === 0) stop(263, 16, 1, 'Must specify table to select from.', e);
    return t.scope.starSources(e.qualifier, e).flatMap((source) =>
      source.columns.map((c) => {
        const sql = `${Scope.alias(source)}.${quoteIdentifier(c.name)}`;
        const loose = t.ctx.groupKeys?.has(sql) ? null : { text: `${source.exposed}.${c.name}`, span: e };
        return { sql, column: { name: c.name, type: c.type }, typed: { sql, type: c.type, loose }, assignTo: null };
      }),
    );
  }
  const typed = t.value(e);
  const name = item.alias?.name ?? (e.kind === 'column' ? e.parts[e.parts.length - 1]!.name : '');
  const sql = name ? `${typed.sql} AS ${quoteIdentifier(name)}` : typed.sql;
  return [{ sql, column: typed.nullLiteral ? { name, type: INT, untyped: true } : { name, type: typed.type }, typed, assignTo: null }];
}

/** Does the expression read the variable? */
function mentions(e: Expression, variable: string): boolean {
  const name = variable.toLowerCase();
  return findNode(e, (n) => n.kind === 'variable' && (n as VariableRef).name.toLowerCase() === name) !== undefined;
}

interface OrderKey {
  /** The ORDER BY term. */
  sql: string;
  /** The same key as an expression, for the window of TOP PERCENT / WITH TIES. */
  expression: string;
  typed: Typed | null;
}

function orderKey(o: OrderItem, items: Item[], s: Select, t: ExpressionTranslator): OrderKey {
  const direction = o.descending ? ' DESC' : '';
  const ordinal = outputOrdinal(o, items.map((i) => i.column), false);
  if (ordinal !== null) {
    const item = items[ordinal - 1]!;
    return { sql: `${ordinal}${direction}`, expression: `${item.typed.sql}${direction}`, typed: null };
  }
  const typed = t.value(o.expr);
  if (s.distinct && !items.some((i) => i.typed.sql === typed.sql)) {
    stop(145, 15, 1, 'ORDER BY items must appear in the select list if SELECT DISTINCT is specified.', o);
  }
  const key = `${typed.sql}${collation(typed.type)}${direction}`;
  return { sql: key, expression: key, typed };
}

/** Msg 8120: a column neither grouped nor aggregated. */
/** The GROUP BY keys, as ROLLUP, CUBE or GROUPING SETS over them when the query asks for those (DuckDB has the same three). */
function groupingSql(s: Select, keys: string[]): string {
  const grouping = s.grouping;
  if (!grouping) return keys.join(', ');
  if (grouping.kind !== 'GROUPING SETS') return `${grouping.kind} (${keys.join(', ')})`;
  return `GROUPING SETS (${grouping.sets.map((set) => `(${set.map((k) => keys[k]!).join(', ')})`).join(', ')})`;
}

function checkGrouped(values: (Typed | null | undefined)[], where: string): void {
  for (const v of values) {
    if (v?.loose) {
      const message = `Column '${v.loose.text}' is invalid in the ${where} because it is not contained in either an aggregate function or the GROUP BY clause.`;
      stop(8120, 16, 1, message, v.loose.span);
    }
  }
}

/** TOP's row count: a constant or variable expression (no columns). */
function topCount(s: Select, ctx: Context, type: SqlType): string {
  const constant = new ExpressionTranslator(ctx, new Scope([], null));
  return ctx.within('other', () => convert(constant.value(s.top!.count), type, 'implicit', s.top!.count).sql);
}

/** TOP n PERCENT and TOP n WITH TIES keep rows by rank, which DuckDB's LIMIT can't express. */
function topQualify(s: Select, order: OrderKey[], ctx: Context, clauses: SelectClauses): string {
  const top = s.top;
  if (!top) return '';
  if (clauses.offset) stop(10741, 15, 1, 'A TOP can not be used in the same query or sub-query as a OFFSET.', top);
  if (top.withTies && order.length === 0) stop(1062, 16, 1, 'The TOP N WITH TIES clause is not allowed without a corresponding ORDER BY clause.', top);
  if (!top.percent && !top.withTies) return '';
  if (s.distinct) unsupported('TOP PERCENT or WITH TIES together with DISTINCT', top);
  const window = `OVER (${order.length ? `ORDER BY ${order.map((o) => o.expression).join(', ')}` : ''})`;
  const rank = `${top.withTies ? 'rank()' : 'row_number()'} ${window}`;
  // SQL Server rounds a percentage of rows up.
  const limit = top.percent ? `ceil(count(*) OVER () * ${topCount(s, ctx, FLOAT)} / 100.0)` : topCount(s, ctx, BIGINT);
  return ` QUALIFY ${rank} <= ${limit}`;
}

function topLimit(s: Select, ctx: Context, clauses: SelectClauses): string {
  if (s.top && !s.top.percent && !s.top.withTies) return ` LIMIT ${topCount(s, ctx, BIGINT)}`;
  return offsetClause(clauses.offset, clauses.fetch, ctx);
}
