// PARSE and TRY_PARSE: a string read as a number or a date/time the way .NET reads it for a
// culture. SQL Server without USING reads for the session's language (us_english), so with no
// culture and with 'en-US' (or 'en') numbers may carry a sign, a $, thousands separators, a
// fraction, an exponent or accounting parentheses, and dates every form CAST reads plus .NET's
// long en-US forms ("Tuesday, March 5, 2024 2:07 PM"). Other cultures' rules are not reproduced:
// they are refused. A string that doesn't read is Msg 9819 (PARSE) or NULL (TRY_PARSE).
import type { Parse } from '../ast';
import type { Typed } from './context';
import { parseDateTime } from './dateFormats';
import { raiseSql, stop, unsupported } from './errors';
import { combine, resolveType, type ExpressionTranslator } from './expressions';
import { duckdbType, formatSqlType, isApproximate, isDateTime, isExact, isInteger, isString } from './types';

const CULTURES = new Set(['en-us', 'en']);

/** .NET's long en-US date and time forms that CAST does not read. */
const DOTNET_FORMATS = [
  '%A, %B %d, %Y',
  '%A, %B %d, %Y %I:%M %p',
  '%A, %B %d, %Y %I:%M:%S %p',
  '%B %d, %Y %I:%M %p',
  '%B %d, %Y %I:%M:%S %p',
  '%m/%d/%Y %I:%M:%S %p',
  '%d %B %Y',
];

export function translateParse(e: Parse, t: ExpressionTranslator): Typed {
  const name = e.try ? 'TRY_PARSE' : 'PARSE';
  const value = t.value(e.operand);
  if (!isString(value.type) && !value.nullLiteral) stop(8116, 16, 1, `Argument data type ${value.type.name} is invalid for argument 1 of parse function.`, e.operand);
  const culture = e.culture === null ? '' : e.culture.kind === 'string' ? e.culture.value : unsupported(`${name} with a culture that is not a constant`, e.culture);
  if (culture !== '' && !CULTURES.has(culture.toLowerCase())) unsupported(`${name} with the culture '${culture}' (only en-US is read)`, e.culture!);
  const type = resolveType(e.type, 'cast');
  const target = duckdbType(type);
  const x = value.sql;
  const text = `trim(${x})`;
  let parsed: string;
  if (isInteger(type) || isExact(type) || isApproximate(type)) {
    // Accounting parentheses mean a negative number; separators and the currency sign carry no value.
    const signed = `CASE WHEN ${text} LIKE '(%)' THEN '-' || substr(${text}, 2, length(${text}) - 2) ELSE ${text} END`;
    const bare = `replace(replace(${signed}, ',', ''), '$', '')`;
    const wellFormed = `(regexp_full_match(${signed}, '[+-]?\\$?[+-]?([0-9][0-9,]*)?(\\.[0-9]*)?([eE][+-]?[0-9]+)?') AND regexp_matches(${signed}, '[0-9]'))`;
    // .NET refuses a fraction for an integer type; DuckDB would round it.
    const number = isInteger(type)
      ? `CASE WHEN TRY_CAST(${bare} AS DOUBLE) = trunc(TRY_CAST(${bare} AS DOUBLE)) THEN TRY_CAST(TRY_CAST(${bare} AS DOUBLE) AS ${target}) END`
      : `TRY_CAST(${bare} AS ${target})`;
    parsed = `CASE WHEN ${wellFormed} THEN ${number} END`;
  } else if (isDateTime(type) && type.name !== 'datetimeoffset') {
    const formats = DOTNET_FORMATS.map((f) => `'${f}'`).join(', ');
    const timestamp = `coalesce(${parseDateTime(x, null, e)}, try_strptime(${text}, [${formats}]))`;
    parsed = type.name === 'time' ? `coalesce(TRY_CAST(${text} AS TIME), CAST(try_strptime(${text}, ['%I:%M %p', '%I:%M:%S %p']) AS TIME))` : `CAST(${timestamp} AS ${target})`;
  } else {
    return unsupported(`${name} to ${formatSqlType(type)}`, e.type);
  }
  const failure = e.try ? 'NULL' : raiseSql(9819, 16, 1, ["Error converting string value '", { sql: x }, `' into data type ${type.name} using culture '${culture}'.`]);
  return combine(`CASE WHEN ${x} IS NULL THEN NULL ELSE coalesce(${parsed}, ${failure}) END`, type, [value]);
}
