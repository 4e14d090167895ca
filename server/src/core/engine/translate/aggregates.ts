// Aggregate functions with SQL Server's result types: COUNT is int, SUM of int is int, AVG of an
// integer column is an integer (truncated), AVG of decimal(p, s) is decimal(38, max(s, 6)).
// `over` is '' or the translated OVER (...) clause, attached to every DuckDB aggregate used.
import type { FunctionCall } from '../ast';
import { caseSensitive } from './collations';
import type { Typed } from './context';
import { convert } from './conversions';
import { stop } from './errors';
import { BIGINT, decimal, duckdbType, FLOAT, INT, isApproximate, isExact, isInteger, isString, isUnicode, nvarchar, varchar, type SqlType } from './types';

export interface Aggregate {
  args: [number, number];
  /** `orderBy`: STRING_AGG's WITHIN GROUP keys as a DuckDB ORDER BY clause, or ''. */
  translate(args: Typed[], call: FunctionCall, over: string, orderBy?: string): { sql: string; type: SqlType };
}

function invalid(type: SqlType, fn: string, call: FunctionCall): never {
  return stop(8117, 16, 1, `Operand data type ${type.name} is invalid for ${fn} operator.`, call);
}

const distinct = (call: FunctionCall): string => (call.distinct ? 'DISTINCT ' : '');

function counting(type: SqlType): Aggregate {
  return {
    args: [0, 1],
    translate: (args, call, over) => {
      // DuckDB's DISTINCT aggregates ignore collations: count strings that differ only in case once (unless case counts).
      const x = args[0];
      const value = x && call.distinct && isString(x.type) && !caseSensitive(x.type.collation) ? `lower(${x.sql})` : x?.sql;
      const inner = call.star ? '*' : `${distinct(call)}${value}`;
      return { sql: `CAST(count(${inner})${over} AS ${duckdbType(type)})`, type };
    },
  };
}

function sumType(t: SqlType, fn: string, call: FunctionCall): SqlType {
  if (t.name === 'bigint') return BIGINT;
  if (isInteger(t)) return INT;
  if (t.name === 'decimal' || t.name === 'numeric') return decimal(38, t.scale ?? 0);
  if (isExact(t)) return { name: 'money' };
  if (isApproximate(t)) return FLOAT;
  return invalid(t, fn, call);
}

/** VAR, STDEV and friends: float results. */
function statistic(fn: string, name: string): Aggregate {
  return {
    args: [1, 1],
    translate: (args, call, over) => {
      const x = args[0]!;
      if (!isInteger(x.type) && !isExact(x.type) && !isApproximate(x.type)) invalid(x.type, name, call);
      return { sql: `${fn}(${distinct(call)}${x.sql})${over}`, type: FLOAT };
    },
  };
}

function extreme(fn: 'min' | 'max'): Aggregate {
  return {
    args: [1, 1],
    translate: (args, call, over) => {
      const x = args[0]!;
      if (x.type.name === 'bit') invalid(x.type, fn, call);
      return { sql: `${fn}(${distinct(call)}${x.sql})${over}`, type: x.type };
    },
  };
}

export const AGGREGATES: Readonly<Record<string, Aggregate>> = {
  // Whether the row's value of the key was rolled up (1) by ROLLUP, CUBE or GROUPING SETS; GROUPING_ID the bits of several, the first the highest.
  GROUPING: { args: [1, 1], translate: (args) => ({ sql: `CAST(grouping(${args[0]!.sql}) AS UTINYINT)`, type: { name: 'tinyint' } }) },
  GROUPING_ID: { args: [1, 32], translate: (args) => ({ sql: `CAST(grouping(${args.map((a) => a.sql).join(', ')}) AS INTEGER)`, type: INT }) },
  COUNT: counting(INT),
  COUNT_BIG: counting(BIGINT),
  SUM: {
    args: [1, 1],
    translate: (args, call, over) => {
      const type = sumType(args[0]!.type, 'sum', call);
      return { sql: `CAST(sum(${distinct(call)}${args[0]!.sql})${over} AS ${duckdbType(type)})`, type };
    },
  },
  AVG: {
    args: [1, 1],
    translate: (args, call, over) => {
      const x = args[0]!;
      const sumOf = sumType(x.type, 'avg', call);
      if (isInteger(x.type)) {
        // An integer average is the integer quotient, truncated toward zero.
        const sql = `CAST(sum(${distinct(call)}${x.sql})${over} // count(${distinct(call)}${x.sql})${over} AS ${duckdbType(sumOf)})`;
        return { sql, type: sumOf };
      }
      const type = sumOf.name === 'decimal' ? decimal(38, Math.max(sumOf.scale ?? 0, 6)) : sumOf;
      return { sql: `CAST(avg(${distinct(call)}${x.sql})${over} AS ${duckdbType(type)})`, type };
    },
  },
  MIN: extreme('min'),
  MAX: extreme('max'),
  STDEV: statistic('stddev_samp', 'stdev'),
  STDEVP: statistic('stddev_pop', 'stdevp'),
  VAR: statistic('var_samp', 'var'),
  VARP: statistic('var_pop', 'varp'),
  APPROX_COUNT_DISTINCT: {
    args: [1, 1],
    translate: (args, _call, over) => ({ sql: `CAST(approx_count_distinct(${args[0]!.sql})${over} AS BIGINT)`, type: BIGINT }),
  },
  STRING_AGG: {
    args: [2, 2],
    translate: (args, call, over, orderBy = '') => {
      const [x, separator] = args;
      const text = isString(x!.type) ? x! : convert(x!, nvarchar(4000), 'implicit', call.args[0]!);
      const type = text.type.length === 'max' ? text.type : isUnicode(text.type) ? nvarchar(4000) : varchar(8000);
      return { sql: `string_agg(${text.sql}, ${separator!.sql}${orderBy})${over}`, type };
    },
  },
};
