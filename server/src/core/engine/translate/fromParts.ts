// DATEFROMPARTS, DATETIMEFROMPARTS, DATETIME2FROMPARTS, SMALLDATETIMEFROMPARTS and TIMEFROMPARTS:
// a date or time built from its parts, NULL when a part is NULL, and Msg 289 when a part is out of
// its range (month 13, 30 February, fractions past the precision), where DuckDB's make_date and
// make_timestamp would fail with their own text or roll over. datetime rounds to its 1/300-second
// ticks and smalldatetime to the minute, as a conversion does.
import type { FunctionCall } from '../ast';
import { asInt, values, type BuiltinTable } from './builtin';
import type { Typed } from './context';
import { convert } from './conversions';
import { raiseSql, stop } from './errors';
import { combine, type ExpressionTranslator } from './expressions';
import { DATE_TYPE, DATETIME_TYPE, type SqlType } from './types';

interface Parts {
  year: string;
  month: string;
  day: string;
}

const between = (x: string, low: number, high: number) => `${x} BETWEEN ${low} AND ${high}`;

/** y-m-d is a date of the calendar, years 1 to 9999. */
function validDate({ year, month, day }: Parts): string {
  return `${between(year, 1, 9999)} AND ${between(month, 1, 12)} AND ${day} >= 1 AND ${day} <= day(last_day(make_date(${year}, ${month}, 1)))`;
}

/** The value when every part is given and valid; NULL when one is NULL; Msg 289 otherwise. */
function built(type: SqlType, parts: string[], valid: string, value: string): string {
  const message = raiseSql(289, 16, 1, [`Cannot construct data type ${type.name}, some of the arguments have values which are not valid.`]);
  return `CASE WHEN ${parts.map((p) => `${p} IS NULL`).join(' OR ')} THEN NULL WHEN ${valid} THEN ${value} ELSE ${message} END`;
}

/** The precision argument: an integer constant 0 to 7 (Msg 10760 otherwise). */
function precisionOf(call: FunctionCall, type: string): number {
  const arg = call.args[call.args.length - 1]!;
  const n = arg.kind === 'number' ? Number(arg.text) : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > 7) {
    stop(10760, 16, 1, `Scale argument is not valid. Valid expressions for data type ${type} scale argument are integer constants and integer constant expressions.`, arg);
  }
  return n;
}

function ints(call: FunctionCall, t: ExpressionTranslator, count: number): { args: Typed[]; sql: string[] } {
  const args = values(call, t).slice(0, count);
  return { args, sql: args.map((a, k) => asInt(a, call.args[k]!).sql) };
}

export const FROM_PARTS_FUNCTIONS: BuiltinTable = {
  DATEFROMPARTS: {
    args: [3, 3],
    translate: (call, t) => {
      const { args, sql } = ints(call, t, 3);
      const [year, month, day] = sql as [string, string, string];
      return combine(built(DATE_TYPE, sql, validDate({ year, month, day }), `make_date(${year}, ${month}, ${day})`), DATE_TYPE, args);
    },
  },
  DATETIMEFROMPARTS: {
    args: [7, 7],
    translate: (call, t) => {
      const { args, sql } = ints(call, t, 7);
      const [year, month, day, hour, minute, second, ms] = sql as [string, string, string, string, string, string, string];
      const valid = `${validDate({ year, month, day })} AND ${between(hour, 0, 23)} AND ${between(minute, 0, 59)} AND ${between(second, 0, 59)} AND ${between(ms, 0, 999)} AND ${year} >= 1753`;
      const exact: SqlType = { name: 'datetime2', scale: 3 };
      const value = convert({ sql: `make_timestamp(${year}, ${month}, ${day}, ${hour}, ${minute}, ${second} + ${ms} / 1000.0)`, type: exact }, DATETIME_TYPE, 'implicit', call).sql;
      return combine(built(DATETIME_TYPE, sql, valid, value), DATETIME_TYPE, args);
    },
  },
  SMALLDATETIMEFROMPARTS: {
    args: [5, 5],
    translate: (call, t) => {
      const { args, sql } = ints(call, t, 5);
      const [year, month, day, hour, minute] = sql as [string, string, string, string, string];
      const type: SqlType = { name: 'smalldatetime' };
      const valid = `${validDate({ year, month, day })} AND ${between(hour, 0, 23)} AND ${between(minute, 0, 59)} AND make_date(${year}, ${month}, ${day}) BETWEEN DATE '1900-01-01' AND DATE '2079-06-06'`;
      return combine(built(type, sql, valid, `make_timestamp(${year}, ${month}, ${day}, ${hour}, ${minute}, 0)`), type, args);
    },
  },
  DATETIME2FROMPARTS: {
    args: [8, 8],
    translate: (call, t) => {
      const precision = precisionOf(call, 'datetime2');
      const { args, sql } = ints(call, t, 7);
      const [year, month, day, hour, minute, second, fractions] = sql as [string, string, string, string, string, string, string];
      const type: SqlType = { name: 'datetime2', scale: precision };
      const valid = `${validDate({ year, month, day })} AND ${between(hour, 0, 23)} AND ${between(minute, 0, 59)} AND ${between(second, 0, 59)} AND ${between(fractions, 0, 10 ** precision - 1)}`;
      return combine(built(type, sql, valid, `make_timestamp(${year}, ${month}, ${day}, ${hour}, ${minute}, ${second} + ${fractions} / ${10 ** precision}.0)`), type, args);
    },
  },
  TIMEFROMPARTS: {
    args: [5, 5],
    translate: (call, t) => {
      const precision = precisionOf(call, 'time');
      const { args, sql } = ints(call, t, 4);
      const [hour, minute, second, fractions] = sql as [string, string, string, string];
      const type: SqlType = { name: 'time', scale: precision };
      const valid = `${between(hour, 0, 23)} AND ${between(minute, 0, 59)} AND ${between(second, 0, 59)} AND ${between(fractions, 0, 10 ** precision - 1)}`;
      return combine(built(type, sql, valid, `make_time(${hour}, ${minute}, ${second} + ${fractions} / ${10 ** precision}.0)`), type, args);
    },
  },
};
