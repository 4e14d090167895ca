// The securables the statement executor creates (schemas, tables, views, procedures, functions,
// external languages), recorded so that permissions can name them and ownership can be known.
// These functions check nothing about the caller: the executor checks first (checkCreate, check)
// and records after the statement succeeded, so the two never disagree.
import { DATABASE_IDS } from './builtins';
import { findDatabase, findDatabasePrincipal, findExternalLanguage, findObject, findSchema } from './lookup';
import { MESSAGES } from './messages';
import { withDatabase, type DatabaseSecurity, type ObjectType, type SecurityCatalog } from './model';
import { refuse, succeed, type Outcome } from './outcome';

function database(catalog: SecurityCatalog, name: string): Outcome<DatabaseSecurity> {
  const db = findDatabase(catalog, name);
  return db ? succeed(db) : refuse(MESSAGES.databaseDoesNotExist(name));
}

/**
 * The id of the owner a CREATE names (AUTHORIZATION, a user or a role); dbo when none is named. For
 * CREATE SCHEMA without AUTHORIZATION SQL Server makes the creator's user the owner: the executor
 * passes userName() for it.
 */
function ownerId(db: DatabaseSecurity, owner: string | undefined): Outcome<number> {
  if (owner === undefined) return succeed(DATABASE_IDS.dbo);
  const principal = findDatabasePrincipal(db, owner);
  return principal ? succeed(principal.principalId) : refuse(MESSAGES.notFoundOrNoPermission('find', 'user', owner));
}

/** CREATE SCHEMA name [AUTHORIZATION owner]. */
export function registerSchema(catalog: SecurityCatalog, databaseName: string, name: string, owner?: string): Outcome<SecurityCatalog> {
  const db = database(catalog, databaseName);
  if (!db.ok) return db;
  if (findSchema(db.value, name)) return refuse(MESSAGES.objectExists(name));
  const id = ownerId(db.value, owner);
  if (!id.ok) return id;
  const schema = { schemaId: db.value.nextSchemaId, name, ownerId: id.value };
  return succeed(withDatabase(catalog, { ...db.value, schemas: [...db.value.schemas, schema], nextSchemaId: schema.schemaId + 1 }));
}

export interface ObjectSpec {
  readonly schema: string;
  readonly name: string;
  readonly type: ObjectType;
  readonly columns?: readonly string[];
  /** An explicit owner; by default the object belongs to its schema's owner, as in SQL Server. */
  readonly owner?: string;
}

export function registerObject(catalog: SecurityCatalog, databaseName: string, spec: ObjectSpec): Outcome<SecurityCatalog> {
  const db = database(catalog, databaseName);
  if (!db.ok) return db;
  const schema = findSchema(db.value, spec.schema);
  if (!schema) return refuse(MESSAGES.schemaNotUsable(spec.schema));
  if (findObject(db.value, spec.schema, spec.name)) return refuse(MESSAGES.objectExists(spec.name));
  let owner: number | null = null;
  if (spec.owner !== undefined) {
    const id = ownerId(db.value, spec.owner);
    if (!id.ok) return id;
    owner = id.value;
  }
  const object = {
    objectId: db.value.nextObjectId,
    schemaId: schema.schemaId,
    name: spec.name,
    type: spec.type,
    ownerId: owner,
    columns: spec.columns ?? [],
  };
  return succeed(withDatabase(catalog, { ...db.value, objects: [...db.value.objects, object], nextObjectId: object.objectId + 1 }));
}

/** DROP TABLE / VIEW / PROCEDURE / FUNCTION: the object and every permission on it go. */
export function unregisterObject(catalog: SecurityCatalog, databaseName: string, schemaName: string, name: string): SecurityCatalog {
  const db = findDatabase(catalog, databaseName);
  const object = db && findObject(db, schemaName, name);
  if (!db || !object) return catalog;
  return withDatabase(catalog, {
    ...db,
    objects: db.objects.filter((o) => o.objectId !== object.objectId),
    permissions: db.permissions.filter((r) => !(r.classCode === 1 && r.majorId === object.objectId)),
  });
}

/**
 * ALTER TABLE: the object's columns as they are now. A column permission stays with its column,
 * wherever the column now is (column permissions name a column by its position), and goes with
 * a column dropped.
 */
export function setObjectColumns(catalog: SecurityCatalog, databaseName: string, schemaName: string, name: string, columns: readonly string[]): SecurityCatalog {
  const db = findDatabase(catalog, databaseName);
  const object = db && findObject(db, schemaName, name);
  if (!db || !object) return catalog;
  const position = (column: string | undefined) => (column === undefined ? 0 : columns.findIndex((c) => c.toLowerCase() === column.toLowerCase()) + 1);
  const permissions = db.permissions.flatMap((r) => {
    if (r.classCode !== 1 || r.majorId !== object.objectId || r.minorId === 0) return [r];
    const minorId = position(object.columns[r.minorId - 1]);
    return minorId === 0 ? [] : [{ ...r, minorId }];
  });
  const objects = db.objects.map((o) => (o.objectId === object.objectId ? { ...o, columns: [...columns] } : o));
  return withDatabase(catalog, { ...db, objects, permissions });
}

/** CREATE EXTERNAL LANGUAGE name [AUTHORIZATION owner]. */
export function registerExternalLanguage(catalog: SecurityCatalog, databaseName: string, name: string, owner?: string): Outcome<SecurityCatalog> {
  const db = database(catalog, databaseName);
  if (!db.ok) return db;
  if (findExternalLanguage(db.value, name)) return refuse(MESSAGES.objectExists(name));
  const id = ownerId(db.value, owner);
  if (!id.ok) return id;
  const language = { languageId: db.value.nextLanguageId, name, ownerId: id.value };
  return succeed(
    withDatabase(catalog, { ...db.value, externalLanguages: [...db.value.externalLanguages, language], nextLanguageId: language.languageId + 1 }),
  );
}
