// Recursive common table expressions: an anchor member UNION ALL a recursive member that reads
// the CTE itself, as DuckDB's WITH RECURSIVE computes them. SQL Server stops a recursion deeper
// than OPTION (MAXRECURSION n), 100 by default, with Msg 530; DuckDB has no such limit, so each
// row carries its level in a column of its own (the anchor's rows 0, each recursive step one
// more), which the recursive member checks before it makes a row past the limit. The column is
// never shown: the CTE's columns are the anchor's, and SELECT * is expanded from them.
import type { CommonTableExpression, Query, QueryBody, Select, Span } from '../ast';
import type { Context, CteInfo, Recursion } from './context';
import { raiseSql, stop, unsupported } from './errors';
import { quoteIdentifier } from './names';
import type { TranslatedQuery } from './query';
import type { SqlType } from './types';

/** Thrown where a CTE is read inside its own definition: translateCte then translates it as recursive. */
export class SelfReference {
  constructor(readonly cte: CteInfo) {}
}

export const LEVEL = quoteIdentifier('__sqlml_level');

export interface RecursiveCteHooks {
  /** A member of the CTE's UNION ALL, translated as a CTE's query. */
  translate(member: Query): TranslatedQuery;
  /** The CTE's named columns from its anchor (Msg 8155 and the like). */
  columnsOf(anchor: TranslatedQuery): { name: string; type: SqlType }[];
  /** A side of a UNION converted to the given column types, the `carried` columns after them kept (query.ts). */
  conformed(side: TranslatedQuery, types: SqlType[], at: Span, carried: string[]): string;
}

/** `name(columns, level) AS (anchor UNION ALL recursive member)`, for WITH RECURSIVE. */
export function translateRecursiveCte(c: CommonTableExpression, ctx: Context, info: CteInfo, max: number, hooks: RecursiveCteHooks): string {
  const name = c.name.name;
  const body = c.query.body;
  if (body.kind !== 'setOperation' || body.op !== 'UNION ALL') stop(252, 16, 1, `Recursive common table expression '${name}' does not contain a top-level UNION ALL operator.`, c.name);
  let anchor: TranslatedQuery;
  try {
    anchor = hooks.translate(member(body.left));
  } catch (e) {
    if (!(e instanceof SelfReference) || e.cte !== info) throw e;
    if (body.left.kind === 'setOperation') unsupported('A recursive common table expression with more than one recursive member', body.left);
    return stop(246, 16, 1, `No anchor member was specified for recursive query "${name}".`, c.name);
  }
  const columns = hooks.columnsOf(anchor);
  info.columns = columns.map((col) => ({ ...col, nullable: true, identity: false }));
  info.defining = false;
  const recursion: Recursion = { cte: info, max, reference: null, placed: false };
  const saved = ctx.recursion;
  ctx.recursion = recursion;
  let recursive: TranslatedQuery;
  try {
    recursive = hooks.translate(member(body.right));
  } finally {
    ctx.recursion = saved;
  }
  if (!recursion.placed) stop(465, 16, 1, 'Recursive references are not allowed in subqueries.', body.right);
  if (recursive.columns.length !== columns.length) {
    stop(205, 16, 1, 'All queries combined using a UNION, INTERSECT or EXCEPT operator must have an equal number of expressions in their target lists.', body);
  }
  const names = columns.map((_, k) => quoteIdentifier(`c${k + 1}`));
  const anchorSql = `SELECT ${names.join(', ')}, 0 AS ${LEVEL} FROM (${anchor.sql}) AS "anchor"(${names.join(', ')})`;
  // The recursive member's rows take the anchor's types, which are the CTE's; each keeps its level.
  const recursiveSql = hooks.conformed(recursive, columns.map((col) => col.type), body.right, [LEVEL]);
  return `${quoteIdentifier(name)}(${[...columns.map((col) => quoteIdentifier(col.name)), LEVEL].join(', ')}) AS ((${anchorSql}) UNION ALL (${recursiveSql}))`;
}

function member(body: QueryBody): Query {
  return { kind: 'query', ctes: [], body, orderBy: [], offset: null, fetch: null, start: body.start, end: body.end };
}

/** Notes the recursive member's reference to its CTE (`alias` as SQL); a second one is Msg 253. */
export function noteRecursiveReference(ctx: Context, cte: CteInfo, alias: string, at: { start: number; end: number }): void {
  const recursion = ctx.recursion;
  if (!recursion || recursion.cte !== cte) return;
  if (recursion.reference !== null) stop(253, 16, 1, `Recursive member of a common table expression '${cte.name}' has multiple recursive references.`, at);
  recursion.reference = alias;
}

/**
 * The recursion whose reference the FROM just translated holds, claimed for this SELECT (null for
 * any other SELECT). That SELECT must be the member itself, without DISTINCT or TOP, as SQL
 * Server requires.
 */
export function claimRecursiveReference(ctx: Context, s: Select, topOfMember: boolean): Recursion | null {
  const recursion = ctx.recursion;
  if (!recursion || recursion.reference === null || recursion.placed) return null;
  const cte = recursion.cte.name;
  if (!topOfMember) stop(465, 16, 1, 'Recursive references are not allowed in subqueries.', s);
  if (s.distinct) stop(460, 16, 1, `DISTINCT operator is not allowed in the recursive part of a recursive common table expression '${cte}'.`, s);
  if (s.top) stop(461, 16, 1, `TOP operator is not allowed in the recursive part of a recursive common table expression '${cte}'.`, s.top);
  recursion.placed = true;
  return recursion;
}

/** The level the recursive member gives each row: one more than the row it read, and Msg 530 past the limit. */
export function levelColumn(recursion: Recursion, grouped: boolean, s: Select): string {
  if (grouped) stop(467, 16, 1, `GROUP BY, HAVING, or aggregate functions are not allowed in the recursive part of a recursive common table expression '${recursion.cte.name}'.`, s);
  const level = `${recursion.reference}.${LEVEL}`;
  if (recursion.max === 0) return `${level} + 1`;
  const exhausted = raiseSql(530, 16, 1, [`The statement terminated. The maximum recursion ${recursion.max} has been exhausted before statement completion.`]);
  return `CASE WHEN ${level} >= ${recursion.max} THEN ${exhausted} ELSE ${level} + 1 END`;
}
