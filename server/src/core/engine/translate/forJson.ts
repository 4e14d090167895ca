// JSON in and out, as SQL Server 2016 and later have it. FOR JSON PATH makes a query's rows one
// JSON text: an array of objects, a property per column, a dotted name ('a.b') a property of a
// nested object, NULLs left out unless INCLUDE_NULL_VALUES; numbers and bits are JSON numbers and
// booleans, dates ISO 8601 strings. OPENJSON reads one back as rows: by default a row per
// property or element (key, value, type 0-5), or with WITH, a row per element of the array (or
// the one object) and a typed column per path. DuckDB's JSON functions do the reading and the
// escaping; the rows keep the query's order, as FOR XML's do (forXml.ts).
import type { ForJson, OpenJson } from '../ast';
import type { Context } from './context';
import { convert } from './conversions';
import { documentRows, documentText, type DocumentQuery } from './documentRows';
import { raiseSql, stop } from './errors';
import { ExpressionTranslator, resolveType } from './expressions';
import { quoteIdentifier, quoteString } from './names';
import { Scope, type Source } from './scope';
import { INT, isApproximate, isBit, isExact, isInteger, isString, nvarchar, type SqlType } from './types';

/** The column name SQL Server gives the result of a FOR JSON query that is not a subquery. */
const JSON_COLUMN = 'JSON_F52E2B61-18A1-11d1-B105-00805F49916B';

/** A property, or a nested object of properties (the columns named 'a.b', 'a.c'). */
type Member = { name: string; value: string } | { name: string; members: Member[] };

/** The query's rows as one JSON text: a query of one row and one nvarchar(max) column. */
export function forJsonQuery(query: DocumentQuery, forJson: ForJson, topLevel: boolean): DocumentQuery {
  const rows = documentRows(query);
  const root: Member[] = [];
  query.columns.forEach((column, k) => {
    if (column.name === '') stop(13605, 16, 1, 'Column expressions and data sources without names or aliases cannot be formatted as JSON text using FOR JSON clause. Add alias to the unnamed column or table.', forJson);
    const path = column.name.split('.');
    let members = root;
    for (const part of path.slice(0, -1)) {
      let nested = members.find((m): m is Extract<Member, { members: Member[] }> => 'members' in m && m.name === part);
      if (!nested) members.push((nested = { name: part, members: [] }));
      members = nested.members;
    }
    members.push({ name: path[path.length - 1]!, value: jsonValue(rows.value(k), column.type) });
  });
  // A row whose every value is NULL is still an object: {}.
  const object = `coalesce(${objectSql(root, forJson.includeNulls)}, '{}')`;
  const wrap = (list: string) => {
    const json = forJson.withoutArray ? list : `'[' || ${list} || ']'`;
    return forJson.root === null ? json : `${quoteString(`{${JSON.stringify(forJson.root)}:`)} || ${json} || '}'`;
  };
  return rows.document(object, ',', wrap, topLevel ? JSON_COLUMN : '');
}

/** '{...}' of the members: NULL (in SQL) when every one is NULL and left out. */
function objectSql(members: Member[], includeNulls: boolean): string {
  const properties = members.map((m) => {
    const key = quoteString(`${JSON.stringify(m.name)}:`);
    if ('members' in m) {
      return `${key} || ${objectSql(m.members, includeNulls)}`;
    }
    return includeNulls ? `${key} || coalesce(${m.value}, 'null')` : `${key} || ${m.value}`;
  });
  // concat_ws leaves out the NULL properties; a nested object with none left is left out too.
  const joined = `concat_ws(',', ${properties.join(', ')})`;
  return includeNulls ? `'{' || ${joined} || '}'` : `CASE WHEN ${joined} = '' THEN NULL ELSE '{' || ${joined} || '}' END`;
}

/** A column's value as JSON text (NULL for NULL). */
function jsonValue(sql: string, type: SqlType): string {
  if (isBit(type)) return `CASE WHEN ${sql} THEN 'true' WHEN NOT ${sql} THEN 'false' END`;
  if (isInteger(type) || isApproximate(type)) return `CAST(to_json(${sql}) AS VARCHAR)`;
  // decimal and money keep their scale's digits, as SQL Server writes them (1.50).
  if (isExact(type)) return `CAST(${sql} AS VARCHAR)`;
  return `CAST(to_json(${documentText(sql, type)}) AS VARCHAR)`;
}

/**
 * OPENJSON as a derived table: its JSON text (at the path, when one is given) checked (Msg 13609),
 * then read by DuckDB's json_each (the default schema) or element by element (WITH).
 */
export function openJsonSource(item: OpenJson, ctx: Context, outer: Scope | null): { sql: string; sources: Source[] } {
  const t = new ExpressionTranslator(ctx, outer ?? new Scope([], null));
  const json = ctx.within('other', () => t.value(item.json));
  const text = isString(json.type) ? json.sql : convert(json, nvarchar('max'), 'implicit', item.json).sql;
  let doc = `CASE WHEN ${text} IS NULL OR json_valid(${text}) THEN CAST(${text} AS JSON) ELSE ${raiseSql(13609, 16, 4, ['JSON text is not properly formatted.'])} END`;
  if (item.path) {
    const path = ctx.within('other', () => t.value(item.path!));
    doc = `json_extract(${doc}, regexp_replace(${path.sql}, '^\\s*lax\\s+', '', 'i'))`;
  }
  const alias = item.alias?.name ?? 'OPENJSON';
  if (!item.columns) {
    const sql = `(SELECT "key", CASE WHEN "type" IN ('ARRAY', 'OBJECT') THEN CAST("value" AS VARCHAR) WHEN "type" <> 'NULL' THEN json_extract_string("value", '$') END, CASE "type" WHEN 'NULL' THEN 0 WHEN 'VARCHAR' THEN 1 WHEN 'BOOLEAN' THEN 3 WHEN 'ARRAY' THEN 4 WHEN 'OBJECT' THEN 5 ELSE 2 END FROM json_each(${doc})) AS ${quoteIdentifier(alias)}("key", "value", "type")`;
    const columns = [column('key', nvarchar(4000)), column('value', nvarchar('max')), column('type', INT)];
    return { sql, sources: [{ exposed: alias, at: item, table: null, columns }] };
  }
  const declared = item.columns.map((c) => {
    const type = resolveType(c.type, 'cast');
    const path = c.path ?? `$.${JSON.stringify(c.name.name)}`;
    if (c.asJson && !(type.name === 'nvarchar' && type.length === 'max')) stop(13618, 16, 1, `AS JSON option can be specified only for column of nvarchar(max) type in WITH clause.`, c);
    const read = c.asJson ? `CAST(json_extract("e", ${quoteString(path)}) AS VARCHAR)` : `json_extract_string("e", ${quoteString(path)})`;
    return { name: c.name.name, type, sql: c.asJson ? read : convert({ sql: read, type: nvarchar('max') }, type, 'explicit', c).sql };
  });
  const elements = `SELECT unnest(CASE WHEN json_type("d") = 'ARRAY' THEN json_extract("d", '$[*]') ELSE [CAST("d" AS JSON)] END) AS "e" FROM (SELECT ${doc} AS "d") AS "j"`;
  const sql = `(SELECT ${declared.map((d) => d.sql).join(', ')} FROM (${elements}) AS "j") AS ${quoteIdentifier(alias)}(${declared.map((d) => quoteIdentifier(d.name)).join(', ')})`;
  return { sql, sources: [{ exposed: alias, at: item, table: null, columns: declared.map((d) => column(d.name, d.type)) }] };
}

function column(name: string, type: SqlType) {
  return { name, type, nullable: true, identity: false };
}
