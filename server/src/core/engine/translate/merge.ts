// MERGE, as DuckDB's MERGE INTO runs it: the target joined with the source ON the condition, each
// WHEN clause's action on the rows it takes (matched, only in the source, only in the target),
// values stored as the target's column types with SQL Server's conversions. SQL Server refuses to
// update or delete a target row that matches several source rows (Msg 8672) where DuckDB would
// apply each match in turn: the plan carries a query that finds such a row, run first.
import type { MergeClause, MergeStatement } from '../ast';
import type { Context } from './context';
import { storeValue } from './conversions';
import { checkCount, insertColumns, setClauses, targetTable } from './dml';
import { ExpressionTranslator } from './expressions';
import { translateFrom } from './from';
import { duckdbRelation, quoteIdentifier } from './names';
import type { TableInfo } from './ports';
import { Scope, type Source } from './scope';

export interface MergePlan {
  sql: string;
  /** Returns a row when a target row matches more than one source row; null when no clause updates or deletes matched rows. */
  duplicateMatches: string | null;
}

export function translateMerge(stmt: MergeStatement, ctx: Context): MergePlan {
  const table = targetTable(stmt.target, ctx);
  const exposed = stmt.alias?.name ?? (stmt.target.kind === 'variable' ? stmt.target.name : stmt.target.name.name);
  const target: Source = { exposed, at: stmt.target, table: null, columns: table.columns };
  const source = translateFrom([stmt.source], ctx, null);
  const both = new ExpressionTranslator(ctx, new Scope([target, ...source.sources], null));
  const on = ctx.within('on', () => both.condition(stmt.on)).sql;
  // WHEN NOT MATCHED [BY TARGET] sees only the source's columns, BY SOURCE only the target's.
  const sides: Record<MergeClause['when'], ExpressionTranslator> = {
    MATCHED: both,
    'NOT MATCHED BY TARGET': new ExpressionTranslator(ctx, new Scope(source.sources, null)),
    'NOT MATCHED BY SOURCE': new ExpressionTranslator(ctx, new Scope([target], null)),
  };
  const clauses = stmt.clauses.map((clause) => {
    const t = sides[clause.when];
    const condition = clause.condition ? ` AND ${ctx.within('where', () => t.condition(clause.condition!)).sql}` : '';
    return `WHEN ${clause.when}${condition} THEN ${actionSql(clause, table, t, ctx)}`;
  });
  const relation = `${duckdbRelation(table.location)} AS ${quoteIdentifier(exposed)}`;
  const sql = `MERGE INTO ${relation} USING ${source.sql} ON ${on} ${clauses.join(' ')}`;
  const rewritesMatches = stmt.clauses.some((c) => c.when === 'MATCHED');
  const duplicateMatches = rewritesMatches ? `SELECT 1 FROM ${relation} JOIN ${source.sql} ON ${on} GROUP BY ${quoteIdentifier(exposed)}.rowid HAVING count(*) > 1 LIMIT 1` : null;
  return { sql, duplicateMatches };
}

function actionSql(clause: MergeClause, table: TableInfo, t: ExpressionTranslator, ctx: Context): string {
  const action = clause.action;
  switch (action.kind) {
    case 'delete':
      return 'DELETE';
    case 'update':
      return `UPDATE SET ${setClauses(action.assignments, table, t).join(', ')}`;
    case 'insert': {
      if (action.values === null) return 'INSERT DEFAULT VALUES';
      const columns = insertColumns(table, action.columns, ctx);
      checkCount(action.values.length, columns.length, action.columns.length > 0, false, clause);
      const values = action.values.map((v, k) => (v.kind === 'default' ? 'DEFAULT' : storeValue(t.value(v), columns[k]!, table.location, v).sql));
      return `INSERT (${columns.map((c) => quoteIdentifier(c.name)).join(', ')}) VALUES (${values.join(', ')})`;
    }
  }
}
