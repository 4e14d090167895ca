// Converting a value the executor holds from one T-SQL type to another, with SQL Server's rules
// (the translator's conversions, run in the storage): OUTPUT parameters copied back to the
// caller's variables, a script's values converted to WITH RESULT SETS' columns.
import type { Span } from '../ast';
import { duckdbType, formatSqlType, type SqlType } from '../translate';
import { convert } from '../translate/conversions';
import { TranslateStop } from '../translate/errors';
import type { StatementContext } from './context';
import { translationStop } from './errors';
import type { SqlValue } from './ports';

/** The DuckDB expression converting `valueSql` (of type `from`) to `to`. */
export function conversionSql(valueSql: string, from: SqlType, to: SqlType, at: Span): string {
  if (formatSqlType(from) === formatSqlType(to)) return valueSql;
  try {
    return convert({ sql: valueSql, type: from }, to, 'implicit', at).sql;
  } catch (e) {
    if (e instanceof TranslateStop) throw translationStop(e.error);
    throw e;
  }
}

export async function castValue(ctx: StatementContext, value: SqlValue, from: SqlType, to: SqlType, at: Span): Promise<SqlValue> {
  if (value === null || formatSqlType(from) === formatSqlType(to)) return value;
  const sql = conversionSql(`CAST($1 AS ${duckdbType(from)})`, from, to, at);
  const result = await ctx.session.query(`SELECT ${sql}`, [value], at);
  return result.rows[0]?.[0] ?? null;
}
