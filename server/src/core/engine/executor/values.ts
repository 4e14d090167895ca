// Converting a value the executor holds from one T-SQL type to another, with SQL Server's rules
// (the translator's conversions, run in the storage): OUTPUT parameters copied back to the
// caller's variables, a script's values converted to WITH RESULT SETS' columns.
import type { Span } from '../ast';
import { duckdbType, formatSqlType, type SqlType } from '../translate';
import { isString } from '../translate/types';
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

/**
 * Whether `value` of type `from` is already the value of type `to`: the same type, or text of any
 * kind into nvarchar with room for it (no code page to fit, no padding, no cut). Such a value
 * needs no conversion by the storage: an RPC's parameters passed on to a procedure, one
 * variable's value given to another.
 */
export function convertsUnchanged(from: SqlType, to: SqlType, value: SqlValue): boolean {
  if (formatSqlType(from) === formatSqlType(to)) return true;
  if (to.name !== 'nvarchar' || !isString(from) || from.name === 'text' || from.name === 'ntext') return false;
  return to.length === 'max' || value === null || (typeof value === 'string' && value.length <= (to.length ?? 1));
}

/**
 * A value assigned to a variable or parameter of `type`: text or bytes longer than the type holds
 * are cut to its length, silently, as SQL Server assigns them (a table's column refuses them
 * instead, Msg 2628). Lengths count UTF-16 units for text, as nvarchar's do.
 */
export function fittedToLength(value: SqlValue, type: SqlType): SqlValue {
  const n = type.length;
  if (typeof n !== 'number') return value;
  if (typeof value === 'string' && isString(type) && value.length > n) return value.slice(0, n);
  if (value instanceof Uint8Array && value.length > n) return value.subarray(0, n);
  return value;
}

export async function castValue(ctx: StatementContext, value: SqlValue, from: SqlType, to: SqlType, at: Span): Promise<SqlValue> {
  if (value === null || convertsUnchanged(from, to, value)) return value;
  const sql = conversionSql(`CAST($1 AS ${duckdbType(from)})`, from, to, at);
  const result = await ctx.session.query(`SELECT ${sql}`, [value], at);
  return fittedToLength(result.rows[0]?.[0] ?? null, to);
}
