// The INFORMATION_SCHEMA views of every database (ISO's catalog, as SQL Server 2019 defines it over
// sys.objects, sys.columns and sys.schemas): the same objects the session may see in those, with
// SQL Server's column names, types and values. A column's default is not kept here, so
// COLUMN_DEFAULT is NULL; so is IS_NULLABLE where the instance does not know it (a view's column).
import { databasePrincipalById, findDatabase } from '../../security/lookup';
import type { ObjectEntry } from '../../security/model';
import { isApproximate, isDateTime, isNumber, isUnicode, type SqlType } from '../translate/types';
import { databaseSees, objectColumns, objectsOf, schemaNameOf, type CatalogColumn } from './catalogObjects';
import { columnTypeFacts } from './catalogTypes';
import type { SqlValue } from './ports';
import type { ExecutorSession } from './session';
import type { SystemView } from './systemViews';

const int: SqlType = { name: 'int' };
const smallint: SqlType = { name: 'smallint' };
const tinyint: SqlType = { name: 'tinyint' };
const sysname: SqlType = { name: 'nvarchar', length: 128 };
const varchar = (length: number): SqlType => ({ name: 'varchar', length });

/** User tables and views, as INFORMATION_SCHEMA shows objects. */
function tablesAndViews(session: ExecutorSession, database: string): { object: ObjectEntry; schema: string }[] {
  return objectsOf(session, database).flatMap((object) => {
    const schema = object.type === 'U' || object.type === 'V' ? schemaNameOf(session, database, object.schemaId) : null;
    return schema === null ? [] : [{ object, schema }];
  });
}

/** The character set of a non-Unicode column: the Latin1 collations' code page 1252 (iso_1); others unknown here. */
function characterSet(t: SqlType, collation: string): string | null {
  if (isUnicode(t)) return 'UNICODE';
  return /^(SQL_)?Latin1_General/i.test(collation) ? 'iso_1' : null;
}

/** Characters (or bytes, `octets`) a character or binary column holds; -1 for (max); the old large types' limits. */
function maximumLength(t: SqlType, octets: boolean): number | null {
  if (t.name === 'text' || t.name === 'image') return 2147483647;
  if (t.name === 'ntext') return octets ? 2147483646 : 1073741823;
  if (t.length === undefined) return null;
  if (t.length === 'max') return -1;
  return octets && isUnicode(t) ? 2 * t.length : t.length;
}

function columnRow(database: string, schema: string, table: string, c: CatalogColumn): SqlValue[] {
  const nullable = c.nullable === null ? null : c.nullable ? 'YES' : 'NO';
  const facts = c.type && columnTypeFacts(c.type);
  if (!c.type || !facts) return [database, schema, table, c.name, c.ordinal, null, nullable, c.type?.name ?? null, ...Array<null>(15).fill(null)];
  const number = isNumber(c.type);
  const approximate = isApproximate(c.type);
  return [
    database, schema, table, c.name, c.ordinal, null, nullable, c.type.name,
    maximumLength(c.type, false), maximumLength(c.type, true),
    number ? facts.precision : null,
    number ? (approximate ? 2 : 10) : null,
    // real and float have no scale.
    number && !approximate ? facts.scale : null,
    isDateTime(c.type) ? facts.scale : null,
    null, null, facts.collation === null ? null : characterSet(c.type, facts.collation),
    null, null, facts.collation,
    null, null, null,
  ];
}

export const INFORMATION_SCHEMA_VIEWS: Readonly<Record<string, SystemView>> = {
  TABLES: {
    scope: 'database',
    columns: [['TABLE_CATALOG', sysname], ['TABLE_SCHEMA', sysname], ['TABLE_NAME', sysname], ['TABLE_TYPE', varchar(10)]],
    rows: (s, db) => tablesAndViews(s, db).map(({ object, schema }) => [db, schema, object.name, object.type === 'U' ? 'BASE TABLE' : 'VIEW']),
  },
  COLUMNS: {
    scope: 'database',
    columns: [
      ['TABLE_CATALOG', sysname], ['TABLE_SCHEMA', sysname], ['TABLE_NAME', sysname], ['COLUMN_NAME', sysname], ['ORDINAL_POSITION', int],
      ['COLUMN_DEFAULT', { name: 'nvarchar', length: 4000 }], ['IS_NULLABLE', varchar(3)], ['DATA_TYPE', sysname],
      ['CHARACTER_MAXIMUM_LENGTH', int], ['CHARACTER_OCTET_LENGTH', int], ['NUMERIC_PRECISION', tinyint], ['NUMERIC_PRECISION_RADIX', smallint],
      ['NUMERIC_SCALE', int], ['DATETIME_PRECISION', smallint], ['CHARACTER_SET_CATALOG', sysname], ['CHARACTER_SET_SCHEMA', sysname],
      ['CHARACTER_SET_NAME', sysname], ['COLLATION_CATALOG', sysname], ['COLLATION_SCHEMA', sysname], ['COLLATION_NAME', sysname],
      ['DOMAIN_CATALOG', sysname], ['DOMAIN_SCHEMA', sysname], ['DOMAIN_NAME', sysname],
    ],
    rows: (s, db) => tablesAndViews(s, db).flatMap(({ object, schema }) => objectColumns(s, db, object).map((c) => columnRow(db, schema, object.name, c))),
  },
  SCHEMATA: {
    scope: 'database',
    columns: [
      ['CATALOG_NAME', sysname], ['SCHEMA_NAME', sysname], ['SCHEMA_OWNER', sysname],
      ['DEFAULT_CHARACTER_SET_CATALOG', varchar(6)], ['DEFAULT_CHARACTER_SET_SCHEMA', varchar(3)], ['DEFAULT_CHARACTER_SET_NAME', sysname],
    ],
    rows: (s, db) => {
      const found = findDatabase(s.catalog, db);
      const sees = databaseSees(s, db);
      // Every database has the instance's collation, whose code page is 1252.
      return (found?.schemas ?? []).filter((x) => sees.schema(x.schemaId)).map((x) => [db, x.name, databasePrincipalById(found!, x.ownerId)?.name ?? null, null, null, 'iso_1']);
    },
  },
};
