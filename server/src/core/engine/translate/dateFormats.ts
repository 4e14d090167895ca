// Date and time to and from strings with SQL Server's CONVERT styles. Only the styles listed
// here are translated; others are reported as not supported.
import type { Span } from '../ast';
import { unsupported } from './errors';
import type { SqlType } from './types';

/** strftime/strptime patterns of the CONVERT styles that write the whole value one way. */
const STYLE_PATTERNS: Readonly<Record<number, string>> = {
  101: '%m/%d/%Y',
  102: '%Y.%m.%d',
  103: '%d/%m/%Y',
  104: '%d.%m.%Y',
  105: '%d-%m-%Y',
  110: '%m-%d-%Y',
  111: '%Y/%m/%d',
  112: '%Y%m%d',
  108: '%H:%M:%S',
  20: '%Y-%m-%d %H:%M:%S',
  120: '%Y-%m-%d %H:%M:%S',
  21: '%Y-%m-%d %H:%M:%S.%g',
  121: '%Y-%m-%d %H:%M:%S.%g',
  23: '%Y-%m-%d',
  126: '%Y-%m-%dT%H:%M:%S.%g',
};

/**
 * SQL writing a date/time value as SQL Server's CONVERT(varchar, value, style) does; with no style,
 * as CAST does: datetime as 'Jan  5 2024  1:04PM', date as '2024-01-05', datetime2(7) with seven
 * fractional digits.
 */
export function formatDateTime(sql: string, from: SqlType, style: number | null, span: Span): string {
  // DuckDB formats timestamps, not times: a time is formatted on some day.
  const value = from.name === 'time' ? `(DATE '1900-01-01' + ${sql})` : sql;
  if (style === null || style === 0 || style === 100) {
    if (from.name === 'date') return `strftime(${value}, '%Y-%m-%d')`;
    if (from.name === 'time') return `strftime(${value}, '%H:%M:%S')${fraction(value, from.scale ?? 7)}`;
    if (from.name === 'datetime2') return `strftime(${value}, '%Y-%m-%d %H:%M:%S')${fraction(value, from.scale ?? 7)}`;
    if (from.name === 'datetimeoffset') return `strftime(${value}, '%Y-%m-%d %H:%M:%S')${fraction(value, from.scale ?? 7)} || ' +00:00'`;
    return `(strftime(${value}, '%b ') || lpad(strftime(${value}, '%-d'), 2, ' ') || strftime(${value}, ' %Y ') || lpad(strftime(${value}, '%-I'), 2, ' ') || strftime(${value}, ':%M%p'))`;
  }
  // ODBC canonical is datetime2's own way of writing itself: as many digits as its scale, as CAST.
  if ((style === 21 || style === 121) && from.name === 'datetime2') return `strftime(${value}, '%Y-%m-%d %H:%M:%S')${fraction(value, from.scale ?? 7)}`;
  const pattern = STYLE_PATTERNS[style];
  if (!pattern) return unsupported(`CONVERT style ${style} for date and time`, span);
  return `strftime(${value}, '${pattern}')`;
}

/** '.fffffff' with `digits` digits (DuckDB keeps microseconds: the seventh digit is 0). */
function fraction(value: string, digits: number): string {
  if (digits === 0) return '';
  return ` || '.' || left(strftime(${value}, '%f') || '0', ${digits})`;
}

/** Formats SQL Server reads dates in besides ISO 8601 (which DuckDB reads itself), us_english/mdy. */
const READ_FORMATS = [
  '%Y%m%d',
  '%Y%m%d %H:%M:%S',
  '%m/%d/%Y',
  '%m/%d/%Y %H:%M:%S',
  '%m/%d/%Y %H:%M',
  '%m/%d/%Y %I:%M %p',
  '%b %d %Y',
  '%b %d %Y %I:%M%p',
  '%b %d %Y %H:%M:%S',
  '%d %b %Y',
  '%B %d, %Y',
  '%Y-%m-%dT%H:%M:%S',
];

/** SQL reading a string as a timestamp, NULL when it is not one (the caller raises). */
export function parseDateTime(sql: string, style: number | null, span: Span): string {
  if (style !== null && style !== 0 && style !== 100) {
    const pattern = STYLE_PATTERNS[style];
    if (!pattern) return unsupported(`CONVERT style ${style} for date and time`, span);
    return `try_strptime(trim(${sql}), '${pattern}')`;
  }
  const formats = READ_FORMATS.map((f) => `'${f}'`).join(', ');
  return `coalesce(TRY_CAST(trim(${sql}) AS TIMESTAMP), try_strptime(trim(${sql}), [${formats}]))`;
}
