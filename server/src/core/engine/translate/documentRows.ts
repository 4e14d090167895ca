// What FOR XML and FOR JSON share: a query's rows written one by one into a single document, in
// the query's order, and each value as text the way those documents write it.
import { convert } from './conversions';
import { quoteIdentifier } from './names';
import { isDateTime, nvarchar, type SqlType } from './types';

export interface DocumentQuery {
  sql: string;
  columns: { name: string; type: SqlType }[];
}

const ORDINAL = quoteIdentifier('__sqlml_ord');

/**
 * The query's rows for a document: `value(k)` reads column k of a row; `document(row, separator,
 * wrap)` is the query of one row and one nvarchar(max) column named `column` whose value is
 * `wrap` around every row's `row` text joined by `separator`, in the query's order (DuckDB
 * numbers the rows as they come out of its ORDER BY). No rows: NULL.
 */
export function documentRows(query: DocumentQuery): {
  value: (k: number) => string;
  document: (row: string, separator: string, wrap: (joined: string) => string, column: string) => DocumentQuery;
} {
  const names = query.columns.map((_, k) => quoteIdentifier(`c${k + 1}`));
  const rows = `SELECT "x".*, row_number() OVER () AS ${ORDINAL} FROM (${query.sql}) AS "x"(${names.join(', ')})`;
  return {
    value: (k) => `"x".${names[k]}`,
    document: (row, separator, wrap, column) => ({
      sql: `SELECT ${wrap(`string_agg(${row}, '${separator}' ORDER BY ${ORDINAL})`)} FROM (${rows}) AS "x"`,
      columns: [{ name: column, type: nvarchar('max') }],
    }),
  };
}

/**
 * A value as text in a JSON or XML document: as CAST makes it, but a date and time in ISO 8601
 * (2024-01-02T10:11:12.123, CONVERT's style 126), as FOR JSON and FOR XML write them.
 */
export function documentText(sql: string, type: SqlType): string {
  const iso = isDateTime(type) && type.name !== 'date' && type.name !== 'time';
  return iso ? convert({ sql, type }, nvarchar(30), 'explicit', { start: 0, end: 0 }, 126).sql : convert({ sql, type }, nvarchar('max'), 'explicit', { start: 0, end: 0 }).sql;
}
