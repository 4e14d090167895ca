// Date and time functions. SQL Server's conventions kept: DATEDIFF counts boundaries crossed,
// weeks start on Sunday (us_english, DATEFIRST 7), weekday 1 is Sunday, DATEADD keeps the
// argument's type, GETDATE is local time.
import type { Expression, FunctionCall } from '../ast';
import type { Typed } from './context';
import { asDateTime, asInt, values, type Builtin, type BuiltinTable } from './builtin';
import { parseDateTime } from './dateFormats';
import { FINEST, roundedToPrecision } from './dateTimePrecision';
import { stop } from './errors';
import { combine, type ExpressionTranslator } from './expressions';
import { BIGINT, DATE_TYPE, DATETIME_TYPE, INT, duckdbType, isString, nvarchar, type SqlType } from './types';

const DATEPARTS: Readonly<Record<string, string>> = {
  year: 'year', yy: 'year', yyyy: 'year',
  quarter: 'quarter', qq: 'quarter', q: 'quarter',
  month: 'month', mm: 'month', m: 'month',
  dayofyear: 'dayofyear', dy: 'dayofyear', y: 'dayofyear',
  day: 'day', dd: 'day', d: 'day',
  week: 'week', wk: 'week', ww: 'week',
  weekday: 'weekday', dw: 'weekday', w: 'weekday',
  hour: 'hour', hh: 'hour',
  minute: 'minute', mi: 'minute', n: 'minute',
  second: 'second', ss: 'second', s: 'second',
  millisecond: 'millisecond', ms: 'millisecond',
  microsecond: 'microsecond', mcs: 'microsecond',
  nanosecond: 'nanosecond', ns: 'nanosecond',
  iso_week: 'iso_week', isowk: 'iso_week', isoww: 'iso_week',
};

/** The arguments after the datepart, as values. */
function rest(call: FunctionCall, t: ExpressionTranslator): Typed[] {
  return call.args.slice(1).map((a) => t.value(a));
}

/** The datepart keyword a date function names first (DATEADD(day, ...)). */
function datepart(e: Expression): string {
  const word = e.kind === 'column' && e.parts.length === 1 ? e.parts[0]!.name.toLowerCase() : null;
  const part = word === null ? undefined : DATEPARTS[word];
  if (!part) return stop(155, 15, 1, `'${word ?? 'expression'}' is not a recognized datepart option.`, e);
  return part;
}

const TIME_PARTS = new Set(['hour', 'minute', 'second', 'millisecond', 'microsecond', 'nanosecond']);

/** SQL Server refuses a time part on a date and a date part on a time (Msg 9810). */
function checkPart(part: string, type: SqlType, fn: string, at: Expression): void {
  const time = TIME_PARTS.has(part);
  if ((type.name === 'date' && time) || (type.name === 'time' && !time)) {
    stop(9810, 16, 1, `The datepart ${part} is not supported by date function ${fn} for data type ${type.name}.`, at);
  }
}

/** The DuckDB interval of `n` dateparts. */
function interval(part: string, n: string): string {
  switch (part) {
    case 'year':
      return `to_years(${n})`;
    case 'quarter':
      return `to_months(3 * ${n})`;
    case 'month':
      return `to_months(${n})`;
    case 'week':
      return `to_days(7 * ${n})`;
    case 'dayofyear':
    case 'day':
    case 'weekday':
      return `to_days(${n})`;
    case 'hour':
      return `to_hours(${n})`;
    case 'minute':
      return `to_minutes(${n})`;
    case 'second':
      return `to_seconds(${n})`;
    case 'millisecond':
      return `to_milliseconds(${n})`;
    case 'microsecond':
      return `to_microseconds(${n})`;
    default:
      return `to_microseconds(${n} // 1000)`;
  }
}

/** Days since 1970-01-01 counted in Sunday-started weeks (1970-01-01 was a Thursday). */
const sundayWeek = (d: string) => `floor((date_diff('day', DATE '1970-01-01', CAST(${d} AS DATE)) + 4) / 7)`;

/** DATEPART as an integer. */
function partOf(part: string, d: string): string {
  switch (part) {
    case 'weekday':
      return `(dayofweek(${d}) + 1)`;
    case 'week':
      // Week 1 holds January 1st; a new week begins each Sunday.
      return `(floor((dayofyear(${d}) - 1 + dayofweek(make_date(year(${d}), 1, 1))) / 7) + 1)`;
    case 'iso_week':
      return `week(${d})`;
    case 'millisecond':
      return `(millisecond(${d}) % 1000)`;
    case 'microsecond':
      return `(microsecond(${d}) % 1000000)`;
    case 'nanosecond':
      return `((microsecond(${d}) % 1000000) * 1000)`;
    default:
      return `${part}(${d})`;
  }
}

function now(type: SqlType, utc: boolean): Builtin {
  const sql = roundedToPrecision(utc ? "CAST(timezone('UTC', now()) AS TIMESTAMP)" : 'current_localtimestamp()', FINEST, type);
  return { args: [0, 0], translate: () => ({ sql, type }) };
}

/** YEAR(d), MONTH(d), DAY(d). */
function partFunction(part: string): Builtin {
  return {
    args: [1, 1],
    translate: (call, t) => {
      const [v] = values(call, t);
      const d = asDateTime(v!, call.args[0]!);
      return combine(`CAST(${partOf(part, d.sql)} AS INTEGER)`, INT, [v!]);
    },
  };
}

function dateDiff(returns: SqlType): Builtin {
  return {
    args: [3, 3],
    translate: (call, t) => {
      const part = datepart(call.args[0]!);
      const [av, bv] = rest(call, t);
      const a = `CAST(${asDateTime(av!, call.args[1]!).sql} AS TIMESTAMP)`;
      const b = `CAST(${asDateTime(bv!, call.args[2]!).sql} AS TIMESTAMP)`;
      let sql: string;
      if (part === 'week') sql = `(${sundayWeek(b)} - ${sundayWeek(a)})`;
      else if (part === 'nanosecond') sql = `(date_diff('microsecond', ${a}, ${b}) * 1000)`;
      else if (part === 'iso_week') sql = `date_diff('week', ${a}, ${b})`;
      else sql = `date_diff('${part === 'dayofyear' || part === 'weekday' ? 'day' : part}', ${a}, ${b})`;
      return combine(`CAST(${sql} AS ${duckdbType(returns)})`, returns, [av!, bv!]);
    },
  };
}

export const DATE_FUNCTIONS: BuiltinTable = {
  GETDATE: now(DATETIME_TYPE, false),
  CURRENT_TIMESTAMP: now(DATETIME_TYPE, false),
  SYSDATETIME: now({ name: 'datetime2', scale: 7 }, false),
  GETUTCDATE: now(DATETIME_TYPE, true),
  SYSUTCDATETIME: now({ name: 'datetime2', scale: 7 }, true),
  // The instant in UTC with offset +00:00: the embedded instance keeps datetimeoffset values in UTC.
  SYSDATETIMEOFFSET: now({ name: 'datetimeoffset', scale: 7 }, true),
  YEAR: partFunction('year'),
  MONTH: partFunction('month'),
  DAY: partFunction('day'),
  DATEDIFF: dateDiff(INT),
  DATEDIFF_BIG: dateDiff(BIGINT),
  DATEADD: {
    args: [3, 3],
    translate: (call, t) => {
      const part = datepart(call.args[0]!);
      const [nv, dv] = rest(call, t);
      const d = asDateTime(dv!, call.args[2]!);
      checkPart(part, d.type, 'dateadd', call.args[0]!);
      const n = asInt(nv!, call.args[1]!).sql;
      const base = d.type.name === 'time' ? d.sql : `CAST(${d.sql} AS TIMESTAMP)`;
      // What is added may fall between the type's ticks (DATEADD(ms, 7, datetime)): rounded to them.
      const sum = `CAST((${base} + ${interval(part, n)}) AS ${duckdbType(d.type)})`;
      return combine(roundedToPrecision(sum, FINEST, d.type), d.type, [nv!, dv!]);
    },
  },
  DATEPART: {
    args: [2, 2],
    translate: (call, t) => {
      const part = datepart(call.args[0]!);
      const [dv] = rest(call, t);
      const d = asDateTime(dv!, call.args[1]!);
      checkPart(part, d.type, 'datepart', call.args[0]!);
      const value = d.type.name === 'time' ? `(DATE '1900-01-01' + ${d.sql})` : d.sql;
      return combine(`CAST(${partOf(part, value)} AS INTEGER)`, INT, [dv!]);
    },
  },
  DATENAME: {
    args: [2, 2],
    translate: (call, t) => {
      const part = datepart(call.args[0]!);
      const [dv] = rest(call, t);
      const d = asDateTime(dv!, call.args[1]!);
      checkPart(part, d.type, 'datename', call.args[0]!);
      const value = d.type.name === 'time' ? `(DATE '1900-01-01' + ${d.sql})` : d.sql;
      const sql = part === 'month' ? `monthname(${value})` : part === 'weekday' ? `dayname(${value})` : `CAST(${partOf(part, value)} AS VARCHAR)`;
      return combine(sql, nvarchar(30), [dv!]);
    },
  },
  // DATETRUNC(part, d): the start of the part containing d, in d's type (a string is datetime2(7)).
  DATETRUNC: {
    args: [2, 2],
    translate: (call, t) => {
      const part = datepart(call.args[0]!);
      const v = t.value(call.args[1]!);
      const type: SqlType = isString(v.type) ? { name: 'datetime2', scale: 7 } : v.type;
      if (!['date', 'time', 'datetime', 'datetime2', 'smalldatetime'].includes(type.name)) {
        stop(8116, 16, 1, `Argument data type ${v.type.name} is invalid for argument 2 of datetrunc function.`, call.args[1]!);
      }
      checkPart(part, type, 'datetrunc', call.args[0]!);
      const d = asDateTime(v, call.args[1]!).sql;
      const unit = part === 'weekday' || part === 'dayofyear' ? 'day' : part === 'iso_week' ? 'week' : part;
      if (part === 'nanosecond') stop(9810, 16, 10, 'The datepart nanosecond is not supported by date function datetrunc for data type datetime2.', call.args[0]!);
      // DuckDB's weeks start on Monday (ISO); SQL Server's 'week' starts on Sunday (us_english).
      const stamp = part === 'week' ? `(date_trunc('week', CAST(${d} AS TIMESTAMP) + INTERVAL 1 DAY) - INTERVAL 1 DAY)` : `date_trunc('${unit}', CAST(${d} AS TIMESTAMP))`;
      return combine(`CAST(${stamp} AS ${duckdbType(type)})`, type, [v]);
    },
  },
  EOMONTH: {
    args: [1, 2],
    translate: (call, t) => {
      const [dv, mv] = values(call, t);
      const d = asDateTime(dv!, call.args[0]!).sql;
      const shifted = mv ? `(CAST(${d} AS DATE) + ${interval('month', asInt(mv, call.args[1]!).sql)})` : d;
      return combine(`last_day(CAST(${shifted} AS DATE))`, DATE_TYPE, [dv!, ...(mv ? [mv] : [])]);
    },
  },
  ISDATE: {
    args: [1, 1],
    translate: (call, t) => {
      const [v] = values(call, t);
      if (!isString(v!.type)) return combine(`CASE WHEN ${v!.sql} IS NULL THEN 0 ELSE 1 END`, INT, [v!]);
      return combine(`CASE WHEN ${parseDateTime(v!.sql, null, call)} IS NULL THEN 0 ELSE 1 END`, INT, [v!]);
    },
  },
};
