// Creating and dropping tables (CREATE TABLE, SELECT ... INTO, DROP TABLE): a #temp table belongs
// to the session; any other is created where the name says (the user's default schema when none
// is written), after CREATE TABLE and ALTER on the schema are checked, with its T-SQL columns kept
// as its storage comment and its object registered in the catalog for permissions.
import type { ObjectName, Span } from '../../ast';
import { checkCreate, MESSAGES, registerObject, unregisterObject } from '../../../security';
import { findDatabase, findSchema } from '../../../security/lookup';
import { dropTableStatements, duckdbRelation, quoteString, type ColumnInfo, type KeyConstraint, type TableInfo, type TableLocation } from '../../translate';
import { writtenName } from '../../translate/from';
import type { StatementContext } from '../context';
import { fail, refuse } from '../errors';
import { defaultSchemaOf } from '../sessionFunctions';
import { tableComment } from '../tableMetadata';

/** Where a CREATE puts an object named so: the database and schema, defaults applied, checked to exist. */
export function creationTarget(ctx: StatementContext, name: ObjectName): { database: string; schema: string; name: string } {
  const database = name.database?.name ?? ctx.session.database;
  const db = findDatabase(ctx.session.catalog, database);
  if (!db) return refuse(MESSAGES.databaseDoesNotExist(database), name);
  const schema = name.schema?.name ?? defaultSchemaOf(ctx.session, db.name);
  const entry = findSchema(db, schema);
  if (!entry) return refuse(MESSAGES.schemaNotUsable(schema), name);
  return { database: db.name, schema: entry.name, name: name.name.name };
}

/** The storage statements of a table at a location, its columns and key constraints. */
export type TableBuilder = (location: TableLocation) => { statements: string[]; columns: ColumnInfo[]; keys?: KeyConstraint[] };

export async function createTableAt(ctx: StatementContext, name: ObjectName, build: TableBuilder, at: Span): Promise<TableInfo> {
  const session = ctx.session;
  if (name.name.name.startsWith('#')) {
    const key = name.name.name.toLowerCase();
    if (session.tempTables.has(key)) fail(2714, 16, 6, `There is already an object named '${name.name.name}' in the database.`, name);
    const location: TableLocation = { kind: 'temp', name: name.name.name };
    const ddl = build(location);
    const table: TableInfo = { location, columns: ddl.columns, ...(ddl.keys ? { keys: ddl.keys } : {}) };
    await session.atomically(ddl.statements, at);
    session.tempTables.set(key, table);
    ctx.frame.createdTemp.push(key);
    return table;
  }
  await ctx.lockCatalog();
  const target = creationTarget(ctx, name);
  const verdict = checkCreate(session.catalog, session.security, target.database, 'TABLE', target.schema);
  if (!verdict.ok) refuse(verdict.error, name);
  if (session.tables.get(target.database, target.schema, target.name) || findProcedureOrObject(ctx, target)) {
    fail(2714, 16, 6, `There is already an object named '${target.name}' in the database.`, name);
  }
  const location: TableLocation = { kind: 'database', ...target };
  const ddl = build(location);
  const table: TableInfo = { location, columns: ddl.columns, ...(ddl.keys ? { keys: ddl.keys } : {}) };
  const comment = `COMMENT ON TABLE ${duckdbRelation(location)} IS ${quoteString(tableComment(ddl.columns, ddl.keys ?? []))}`;
  await session.atomically([...ddl.statements, comment], at, target.database);
  session.tables.add(table);
  const registered = registerObject(session.catalog, target.database, { schema: target.schema, name: target.name, type: 'U', columns: ddl.columns.map((c) => c.name) });
  if (!registered.ok) refuse(registered.error, name);
  await session.saveDocument({ ...session.document, security: registered.value });
  return table;
}

function findProcedureOrObject(ctx: StatementContext, target: { database: string; schema: string; name: string }): boolean {
  const db = findDatabase(ctx.session.catalog, target.database);
  const schema = db && findSchema(db, target.schema);
  return !!schema && db!.objects.some((o) => o.schemaId === schema.schemaId && o.name.toLowerCase() === target.name.toLowerCase());
}

/**
 * DROP TABLE: needs CONTROL on the table or ALTER on its schema; a missing table and a refused
 * one give the same Msg 3701, as SQL Server does.
 */
export async function dropTable(ctx: StatementContext, name: ObjectName, ifExists: boolean): Promise<void> {
  const session = ctx.session;
  const cannot = () => fail(3701, 11, 5, `Cannot drop the table '${writtenName(name)}', because it does not exist or you do not have permission.`, name);
  if (name.name.name.startsWith('#')) {
    const key = name.name.name.toLowerCase();
    const table = session.tempTables.get(key);
    if (!table) return ifExists ? undefined : cannot();
    await session.atomically(dropTableStatements(table.location, table.columns), name);
    session.tempTables.delete(key);
    return;
  }
  await ctx.lockCatalog();
  const database = name.database?.name ?? session.database;
  const schemas = name.schema ? [name.schema.name] : [defaultSchemaOf(session, database), 'dbo'];
  const table = schemas.map((schema) => session.tables.get(database, schema, name.name.name)).find((t) => t !== undefined);
  if (!table || table.location.kind !== 'database') return ifExists ? undefined : cannot();
  const l = table.location;
  const allowed = ctx.allowed('CONTROL', { class: 'OBJECT', schema: l.schema, name: l.name }, l.database) || ctx.allowed('ALTER', { class: 'SCHEMA', name: l.schema }, l.database);
  if (!allowed) return cannot();
  await session.atomically(dropTableStatements(l, table.columns), name, l.database);
  session.tables.remove(l.database, l.schema, l.name);
  await session.saveDocument({ ...session.document, security: unregisterObject(session.catalog, l.database, l.schema, l.name) });
}
