// sp_tables and sp_columns: what ODBC drivers call for SQLTables and SQLColumns (FreeTDS by RPC,
// pyodbc's cursor.tables() / cursor.columns(), RODBC's sqlTables() / sqlColumns()). They answer
// as SQL Server 2019's do, over what sys.all_objects would list: the tables, views (and, for
// sp_columns, inline functions) the session may see in the current database, and the catalog
// views, which every database has (owner sys or INFORMATION_SCHEMA). There are no system base
// tables here, so no 'SYSTEM TABLE' rows; no column default is kept, so COLUMN_DEF is NULL; where
// a column's nullability is not known (a view's, a catalog view's), NULLABLE is ODBC's
// SQL_NULLABLE_UNKNOWN (2) and IS_NULLABLE '' as ODBC has it, and TYPE_NAME says 'identity' only
// of a table's identity column.
import type { ExecuteStatement, Expression } from '../../ast';
import { serverVisibility } from '../../../security';
import { sameName } from '../../../security/lookup';
import { formatSqlType } from '../../translate';
import type { SqlType } from '../../translate/types';
import { objectColumns, objectsOf, schemaNameOf, type CatalogColumn } from '../catalogObjects';
import type { StatementContext } from '../context';
import { fail } from '../errors';
import { compareNames, hasWildcard, nameMatcher } from '../namePatterns';
import { odbcColumn } from '../odbcTypes';
import type { SqlValue } from '../ports';
import type { ExecColumn } from '../results';
import { defaultSchemaOf } from '../sessionFunctions';
import { catalogViews } from '../systemViews';
import { argumentsOf, text } from './systemProcedureArguments';

const sysname: SqlType = { name: 'nvarchar', length: 128 };
const smallint: SqlType = { name: 'smallint' };
const int: SqlType = { name: 'int' };
const columnsOf = (list: [string, SqlType][]): ExecColumn[] => list.map(([name, type]) => ({ name, type: formatSqlType(type) }));

/** What sp_tables / sp_columns can list: kind U table, V view, IF inline function. */
interface Listed {
  owner: string;
  name: string;
  kind: 'U' | 'V' | 'IF';
  columns(): CatalogColumn[];
}

function listed(ctx: StatementContext): Listed[] {
  const session = ctx.session;
  const database = session.database;
  const objects = objectsOf(session, database).flatMap((o): Listed[] => {
    const owner = schemaNameOf(session, database, o.schemaId);
    if (owner === null || (o.type !== 'U' && o.type !== 'V' && o.type !== 'IF')) return [];
    return [{ owner, name: o.name, kind: o.type, columns: () => objectColumns(session, database, o) }];
  });
  const views = catalogViews().map(({ schema, name, view }): Listed => ({
    owner: schema,
    name,
    kind: 'V',
    columns: () => view.columns.map(([column, type], k) => ({ name: column, ordinal: k + 1, type, nullable: null, identity: null })),
  }));
  return [...objects, ...views];
}

/** @fUsePattern: 1 when not given; only 1 turns patterns on (NULL does not, as SQL Server's IF @fUsePattern = 1). */
async function usesPatterns(ctx: StatementContext, expr: Expression | undefined): Promise<boolean> {
  return expr ? Number((await ctx.evaluate(expr, { name: 'int' })).value) === 1 : true;
}

/** Msg 15250 unless the qualifier names the current database (null: not given). */
function qualifierChecked(ctx: StatementContext, qualifier: string | null, st: ExecuteStatement): void {
  if (qualifier !== null && !sameName(qualifier, ctx.session.database)) {
    fail(15250, 16, 1, 'The database name component of the object qualifier must be the name of the current database.', st);
  }
}

const TABLES_COLUMNS = columnsOf([['TABLE_QUALIFIER', sysname], ['TABLE_OWNER', sysname], ['TABLE_NAME', sysname], ['TABLE_TYPE', { name: 'varchar', length: 32 }], ['REMARKS', { name: 'varchar', length: 254 }]]);
const TABLE_TYPES: Readonly<Record<Listed['kind'], string>> = { U: 'TABLE', V: 'VIEW', IF: '' };

/**
 * sp_tables [@table_name] [, @table_owner] [, @table_qualifier] [, @table_type] [, @fUsePattern]:
 * ordered by type, qualifier, owner and name. Blank name and owner with a qualifier of '%' list the
 * databases, with an owner of '%' the owners, with a type of '%' the table types.
 */
export async function spTables(st: ExecuteStatement, ctx: StatementContext): Promise<void> {
  const args = argumentsOf('sp_tables', ['@table_name', '@table_owner', '@table_qualifier', '@table_type', '@fUsePattern'], st);
  let name = await text(ctx, args.get('@table_name'));
  let owner = await text(ctx, args.get('@table_owner'));
  const qualifier = await text(ctx, args.get('@table_qualifier'));
  const types = await text(ctx, args.get('@table_type'));
  const usePattern = await usesPatterns(ctx, args.get('@fusepattern'));
  const session = ctx.session;
  const row = (q: string | null, o: string | null, n: string | null, t: string | null): SqlValue[] => [q, o, n, t, null];

  if (qualifier === '%' && owner === '' && name === '') {
    const sees = serverVisibility(session.catalog, session.security, session.database);
    const names = session.catalog.databases.map((d) => d.name).filter((d) => sees.database(d));
    return ctx.resultSet(TABLES_COLUMNS, names.sort(compareNames).map((d) => row(d, null, null, null)), st);
  }
  if (qualifier === '' && owner === '%' && name === '') {
    const owners = [...new Map(listed(ctx).map((l) => [l.owner.toLowerCase(), l.owner])).values()];
    return ctx.resultSet(TABLES_COLUMNS, owners.sort(compareNames).map((o) => row(null, o, null, null)), st);
  }
  if (qualifier === '' && owner === '' && name === '' && types === '%') {
    return ctx.resultSet(TABLES_COLUMNS, ['SYSTEM TABLE', 'TABLE', 'VIEW'].map((t) => row(null, null, null, t)), st);
  }

  // An empty qualifier names no database: nothing is listed.
  if (qualifier === '') [name, owner] = ['', ''];
  else qualifierChecked(ctx, qualifier, st);
  // Each type is written quoted, in one list: "'TABLE','VIEW'".
  const wanted = (kind: Listed['kind']) => kind !== 'IF' && (types === null || types.toUpperCase().includes(`'${TABLE_TYPES[kind]}'`));
  const candidates = listed(ctx).filter((l) => wanted(l.kind));
  // A name without % and no owner: the caller's default schema when it has that table, as SQL Server resolves it.
  const exact = name;
  if (owner === null && exact !== null && !exact.includes('%')) {
    const schema = defaultSchemaOf(session, session.database);
    if (candidates.some((l) => sameName(l.owner, schema) && sameName(l.name, exact))) owner = schema;
  }
  const nameMatches = nameMatcher(name, usePattern);
  const ownerMatches = nameMatcher(owner, usePattern);
  const rows = candidates
    .filter((l) => nameMatches(l.name) && ownerMatches(l.owner))
    .sort((a, b) => compareNames(TABLE_TYPES[a.kind], TABLE_TYPES[b.kind]) || compareNames(a.owner, b.owner) || compareNames(a.name, b.name))
    .map((l) => row(session.database, l.owner, l.name, TABLE_TYPES[l.kind]));
  ctx.resultSet(TABLES_COLUMNS, rows, st);
}

const COLUMNS_COLUMNS = columnsOf([
  ['TABLE_QUALIFIER', sysname], ['TABLE_OWNER', sysname], ['TABLE_NAME', sysname], ['COLUMN_NAME', sysname], ['DATA_TYPE', smallint], ['TYPE_NAME', sysname],
  ['PRECISION', int], ['LENGTH', int], ['SCALE', smallint], ['RADIX', smallint], ['NULLABLE', smallint], ['REMARKS', { name: 'varchar', length: 254 }],
  ['COLUMN_DEF', { name: 'nvarchar', length: 4000 }], ['SQL_DATA_TYPE', smallint], ['SQL_DATETIME_SUB', smallint], ['CHAR_OCTET_LENGTH', int],
  ['ORDINAL_POSITION', int], ['IS_NULLABLE', { name: 'varchar', length: 254 }], ['SS_DATA_TYPE', { name: 'tinyint' }],
]);

function columnRow(database: string, table: Listed, c: CatalogColumn, odbcVersion: 2 | 3): SqlValue[] {
  const o = c.type && odbcColumn(c.type, c.identity === true, c.nullable, odbcVersion);
  const nullable = c.nullable === null ? 2 : c.nullable ? 1 : 0;
  const isNullable = c.nullable === null ? '' : c.nullable ? 'YES' : 'NO';
  return [
    database, table.owner, table.name, c.name, o?.dataType ?? null, o?.typeName ?? null, o?.precision ?? null, o?.length ?? null, o?.scale ?? null,
    o?.radix ?? null, nullable, null, null, o?.sqlDataType ?? null, o?.sqlDatetimeSub ?? null, o?.charOctetLength ?? null, c.ordinal, isNullable, o?.ssDataType ?? null,
  ];
}

/**
 * sp_columns @table_name [, @table_owner] [, @table_qualifier] [, @column_name] [, @ODBCVer] [, @fUsePattern]:
 * a name without wildcards that resolves (the owner given, else the caller's default schema, then
 * dbo) lists that object's columns in order; otherwise the patterns are matched and the rows
 * ordered by owner, table and position.
 */
export async function spColumns(st: ExecuteStatement, ctx: StatementContext): Promise<void> {
  const args = argumentsOf('sp_columns', ['@table_name', '@table_owner', '@table_qualifier', '@column_name', '@ODBCVer', '@fUsePattern'], st);
  if (!args.has('@table_name')) return fail(201, 16, 4, "Procedure or function 'sp_columns' expects parameter '@table_name', which was not supplied.", st);
  // '%' alone means every name, as NULL does.
  const all = (value: string | null) => (value === '%' ? null : value);
  const name = all(await text(ctx, args.get('@table_name')));
  let owner = all(await text(ctx, args.get('@table_owner')));
  const qualifier = await text(ctx, args.get('@table_qualifier'));
  const column = all(await text(ctx, args.get('@column_name')));
  const version = args.get('@odbcver');
  const odbcVersion = version && Number((await ctx.evaluate(version, { name: 'int' })).value) === 3 ? 3 : 2;
  let usePattern = await usesPatterns(ctx, args.get('@fusepattern'));
  qualifierChecked(ctx, qualifier, st);
  // An empty owner is no schema's name: nothing matches.
  if (owner === '') owner = ' ';

  const candidates = listed(ctx);
  const schemas = owner !== null ? [owner] : [defaultSchemaOf(ctx.session, ctx.session.database), 'dbo'];
  const resolved = name === null ? undefined : schemas.map((s) => candidates.find((l) => sameName(l.owner, s) && sameName(l.name, name))).find((l) => l !== undefined);
  if (usePattern && resolved && !hasWildcard(name) && !hasWildcard(owner) && !hasWildcard(column)) usePattern = false;

  const database = ctx.session.database;
  let rows: SqlValue[][] = [];
  if (!usePattern) {
    if (resolved) rows = resolved.columns().filter((c) => column === null || sameName(c.name, column)).map((c) => columnRow(database, resolved, c, odbcVersion));
  } else {
    const [nameMatches, ownerMatches, columnMatches] = [nameMatcher(name, true), nameMatcher(owner, true), nameMatcher(column, true)];
    rows = candidates
      .filter((l) => nameMatches(l.name) && ownerMatches(l.owner))
      .sort((a, b) => compareNames(a.owner, b.owner) || compareNames(a.name, b.name))
      .flatMap((l) => l.columns().filter((c) => columnMatches(c.name)).map((c) => columnRow(database, l, c, odbcVersion)));
  }
  ctx.resultSet(COLUMNS_COLUMNS, rows, st);
}
