// The built-ins whose answer depends on the session rather than on the data: who is connected
// (SUSER_SNAME, USER_NAME, ORIGINAL_LOGIN), what they may do (HAS_PERMS_BY_NAME, IS_MEMBER,
// fn_my_permissions), where they are (DB_NAME, OBJECT_ID) and the error a CATCH block handles.
// Each is registered with the storage for this session and answered from the session's state at
// the moment the query calls it.
import { fnMyPermissions, hasDbAccess, hasPermsByName, isMember, isSrvRoleMember, loginPolicyProperty, serverVisibility, suserSname, userName } from '../../security';
import { findDatabase, findLogin, findObject, findSchema, loginBySid } from '../../security/lookup';
import type { FunctionInfo, TableFunctionInfo } from '../translate';
import type { SqlType } from '../translate/types';
import type { SqlValue } from './ports';
import type { ExecutorSession } from './session';
import { namePartsOf } from '../translate/names';
import { databaseSees, objectColumns, objectsOf, tableColumns, type CatalogColumn } from './catalogObjects';
import { columnTypeFacts, SYSTEM_TYPES, systemType } from './catalogTypes';
import { COLLATION, PRODUCT_VERSION } from './systemVariables';

const SYSNAME: SqlType = { name: 'nvarchar', length: 128 };
const INT: SqlType = { name: 'int' };
const SMALLINT: SqlType = { name: 'smallint' };
const BIGINT: SqlType = { name: 'bigint' };
const NVARCHAR_4000: SqlType = { name: 'nvarchar', length: 4000 };

type Evaluate = (session: ExecutorSession, args: SqlValue[]) => SqlValue;

const text = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));

function currentError(session: ExecutorSession) {
  return session.caught[session.caught.length - 1];
}

function sidText(value: SqlValue): string | null {
  if (value instanceof Uint8Array) return `0x${[...value].map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase()}`;
  return text(value);
}

/** A #temp table's id: negative, by its place among the session's #temp tables. */
const TEMP_IDS = -1000;

/** OBJECT_ID('name') in the session's terms: [db.][schema.]name, #temp tables included; with the database it is in. */
function objectNamed(session: ExecutorSession, written: string): { database: string; objectId: number } | null {
  const parts = namePartsOf(written);
  const name = parts[parts.length - 1]!;
  if (name.startsWith('#')) {
    const index = [...session.tempTables.keys()].indexOf(name.toLowerCase());
    return index < 0 ? null : { database: 'tempdb', objectId: TEMP_IDS - index };
  }
  const database = parts.length >= 3 && parts[parts.length - 3] ? parts[parts.length - 3]! : session.database;
  const db = findDatabase(session.catalog, database);
  if (!db) return null;
  const schemas = parts.length >= 2 && parts[parts.length - 2] ? [parts[parts.length - 2]!] : [defaultSchemaOf(session, database), 'dbo'];
  for (const schema of schemas) {
    const object = findObject(db, schema, name);
    // An object the caller may not see is not there for it (metadata visibility), as in SQL Server.
    if (object) return databaseSees(session, db.name).object(object.objectId) ? { database: db.name, objectId: object.objectId } : null;
  }
  return null;
}

/** The columns of the object an id names in `database` (a #temp table's in tempdb), as sys.columns lists them to this caller; null when it sees none. */
function objectColumnsById(session: ExecutorSession, database: string, id: number): CatalogColumn[] | null {
  if (id <= TEMP_IDS) {
    const table = [...session.tempTables.values()][TEMP_IDS - id];
    return table ? tableColumns(table) : null;
  }
  const object = objectsOf(session, database).find((o) => o.objectId === id);
  return object ? objectColumns(session, database, object) : null;
}

/** COL_LENGTH('table', 'column'): the bytes sys.columns gives the column (-1 for (max)), NULL for a column or table not there or not visible. */
function columnLength(session: ExecutorSession, table: string, column: string): number | null {
  const object = objectNamed(session, table);
  const found = object && objectColumnsById(session, object.database, object.objectId)?.find((c) => c.name.toLowerCase() === column.toLowerCase());
  return (found?.type && columnTypeFacts(found.type)?.maxLength) ?? null;
}

export function defaultSchemaOf(session: ExecutorSession, database: string): string {
  const db = findDatabase(session.catalog, database);
  const user = userName(session.catalog, session.security, database);
  const principal = db && user ? db.principals.find((p) => p.name === user) : undefined;
  return principal?.defaultSchema ?? 'dbo';
}

/**
 * LOGINPROPERTY(login, property): SQL Server returns sql_variant (an int or a datetime by property),
 * which this instance has no type for, so the value comes as its text: '1', '0', '3', or a
 * datetime as 'yyyy-mm-dd hh:mi:ss.mmm' (UTC), which converts back with CAST. NULL for a login the
 * caller may not see (SQL Server requires VIEW permission on it), as for one that does not exist.
 */
function loginProperty(session: ExecutorSession, name: string, property: string): string | null {
  const login = findLogin(session.catalog, name);
  if (!login || !serverVisibility(session.catalog, session.security, session.database).principal(login.principalId)) return null;
  const value = loginPolicyProperty(login, property, session.instance.lockoutPolicy, session.instance.ports.clock.now());
  if (value === null) return null;
  return value.kind === 'int' ? String(value.value) : new Date(value.value).toISOString().replace('T', ' ').slice(0, 23);
}

const SERVER_PROPERTIES: Readonly<Record<string, (session: ExecutorSession) => SqlValue>> = {
  isadvancedanalyticsinstalled: () => '1',
  productversion: () => PRODUCT_VERSION,
  productmajorversion: () => PRODUCT_VERSION.split('.')[0]!,
  productminorversion: () => PRODUCT_VERSION.split('.')[1]!,
  productbuild: () => PRODUCT_VERSION.split('.')[2]!,
  productlevel: () => 'RTM',
  edition: () => 'Developer Edition (64-bit)',
  engineedition: () => '3',
  // SQL logins are accepted besides the OS's (mixed mode); one instance, not a cluster or an availability group.
  isintegratedsecurityonly: () => '0',
  isclustered: () => '0',
  ishadrenabled: () => '0',
  isfulltextinstalled: () => '0',
  issingleuser: () => '0',
  machinename: (s) => s.instance.options.serverName,
  servername: (s) => s.instance.options.serverName,
  instancename: () => null,
  collation: () => COLLATION,
};

const SCALARS: Readonly<Record<string, { returns: SqlType; evaluate: Evaluate }>> = {
  SUSER_SNAME: {
    returns: SYSNAME,
    evaluate: (s, [sid]) => (sid === undefined ? suserSname(s.catalog, s.security) : (loginBySid(s.catalog, sidText(sid) ?? '')?.name ?? null)),
  },
  SUSER_NAME: { returns: SYSNAME, evaluate: (s) => suserSname(s.catalog, s.security) },
  SUSER_ID: {
    returns: INT,
    evaluate: (s, [name]) => findLogin(s.catalog, name === undefined ? suserSname(s.catalog, s.security) : (text(name) ?? ''))?.principalId ?? null,
  },
  SUSER_SID: {
    returns: { name: 'varbinary', length: 85 },
    // As hex digits: the translator turns a binary function's text back into bytes.
    evaluate: (s, [name]) => findLogin(s.catalog, name === undefined ? suserSname(s.catalog, s.security) : (text(name) ?? ''))?.sid.replace(/^0x/i, '') ?? null,
  },
  // The client's workstation and program, as the client named them at login.
  HOST_NAME: { returns: SYSNAME, evaluate: (s) => s.client.hostName },
  SYSTEM_USER: { returns: SYSNAME, evaluate: (s) => suserSname(s.catalog, s.security) },
  ORIGINAL_LOGIN: { returns: SYSNAME, evaluate: (s) => s.security.originalLogin },
  USER_NAME: {
    returns: SYSNAME,
    evaluate: (s, [id]) => {
      if (id === undefined || id === null) return userName(s.catalog, s.security, s.database);
      return findDatabase(s.catalog, s.database)?.principals.find((p) => p.principalId === Number(id))?.name ?? null;
    },
  },
  CURRENT_USER: { returns: SYSNAME, evaluate: (s) => userName(s.catalog, s.security, s.database) },
  SESSION_USER: { returns: SYSNAME, evaluate: (s) => userName(s.catalog, s.security, s.database) },
  USER: { returns: SYSNAME, evaluate: (s) => userName(s.catalog, s.security, s.database) },
  DB_NAME: { returns: SYSNAME, evaluate: (s, [id]) => (id === undefined || id === null ? s.database : s.instance.databaseById(Number(id))) },
  DB_ID: { returns: INT, evaluate: (s, [name]) => s.instance.databaseId(text(name) ?? s.database) },
  SCHEMA_NAME: {
    returns: SYSNAME,
    evaluate: (s, [id]) => {
      const db = findDatabase(s.catalog, s.database);
      if (id === undefined || id === null) return defaultSchemaOf(s, s.database);
      return db?.schemas.find((x) => x.schemaId === Number(id))?.name ?? null;
    },
  },
  SCHEMA_ID: {
    returns: INT,
    evaluate: (s, [name]) => {
      const db = findDatabase(s.catalog, s.database);
      return (db && findSchema(db, text(name) ?? defaultSchemaOf(s, s.database))?.schemaId) ?? null;
    },
  },
  OBJECT_ID: { returns: INT, evaluate: (s, [name]) => (text(name) === null ? null : (objectNamed(s, text(name)!)?.objectId ?? null)) },
  COL_LENGTH: { returns: SMALLINT, evaluate: (s, [table, column]) => (text(table) === null || text(column) === null ? null : columnLength(s, text(table)!, text(column)!)) },
  COL_NAME: {
    returns: SYSNAME,
    evaluate: (s, [table, column]) => (table === null || column === null ? null : (objectColumnsById(s, s.database, Number(table))?.[Number(column) - 1]?.name ?? null)),
  },
  TYPE_NAME: { returns: SYSNAME, evaluate: (_, [id]) => (id === null ? null : (SYSTEM_TYPES.find((t) => t.userTypeId === Number(id))?.name ?? null)) },
  TYPE_ID: { returns: INT, evaluate: (_, [name]) => (text(name) === null ? null : (systemType(text(name)!.toLowerCase())?.userTypeId ?? null)) },
  // 1: a transaction is open (and can commit: one that cannot is rolled back at the error here), 0: none.
  XACT_STATE: { returns: SMALLINT, evaluate: (s) => (s.transactionCount > 0 ? 1 : 0) },
  ROWCOUNT_BIG: { returns: BIGINT, evaluate: (s) => s.rowCount },
  OBJECT_NAME: { returns: SYSNAME, evaluate: (s, [id]) => objectsOf(s, s.database).find((o) => o.objectId === Number(id))?.name ?? null },
  HAS_PERMS_BY_NAME: {
    returns: INT,
    evaluate: (s, [securable, cls, permission, sub, subClass]) =>
      cls === null || cls === undefined || permission === null || permission === undefined
        ? null
        : hasPermsByName(s.catalog, s.security, s.database, text(securable), text(cls)!, text(permission)!, text(sub), text(subClass)),
  },
  IS_MEMBER: { returns: INT, evaluate: (s, [name]) => (text(name) === null ? null : isMember(s.catalog, s.security, s.database, text(name)!)) },
  IS_ROLEMEMBER: { returns: INT, evaluate: (s, [name]) => (text(name) === null ? null : isMember(s.catalog, s.security, s.database, text(name)!)) },
  HAS_DBACCESS: { returns: INT, evaluate: (s, [name]) => (text(name) === null ? null : hasDbAccess(s.catalog, s.security, text(name)!)) },
  IS_SRVROLEMEMBER: {
    returns: INT,
    evaluate: (s, [role, login]) => (text(role) === null ? null : isSrvRoleMember(s.catalog, s.security, text(role)!, text(login) ?? undefined)),
  },
  LOGINPROPERTY: {
    returns: SYSNAME,
    evaluate: (s, [login, property]) => (text(login) === null || text(property) === null ? null : loginProperty(s, text(login)!, text(property)!)),
  },
  SERVERPROPERTY: { returns: SYSNAME, evaluate: (s, [name]) => SERVER_PROPERTIES[(text(name) ?? '').toLowerCase()]?.(s) ?? null },
  APP_NAME: { returns: SYSNAME, evaluate: (s) => s.client.programName },
  // Not in the documentation, but SQL Server answers it as APP_NAME(), and Microsoft's own
  // external resource pool article classifies sessions with it.
  PROGRAM_NAME: { returns: SYSNAME, evaluate: (s) => s.client.programName },
  ERROR_MESSAGE: { returns: NVARCHAR_4000, evaluate: (s) => currentError(s)?.message ?? null },
  ERROR_NUMBER: { returns: INT, evaluate: (s) => currentError(s)?.number ?? null },
  ERROR_SEVERITY: { returns: INT, evaluate: (s) => currentError(s)?.severity ?? null },
  ERROR_STATE: { returns: INT, evaluate: (s) => currentError(s)?.state ?? null },
  ERROR_LINE: { returns: INT, evaluate: (s) => currentError(s)?.line ?? null },
  ERROR_PROCEDURE: { returns: SYSNAME, evaluate: (s) => currentError(s)?.procedure ?? null },
};

export interface SessionFunctions {
  scalar(name: string): FunctionInfo | null;
  table(name: string): TableFunctionInfo | null;
}

/** Registers the session's functions with its storage session; the translator finds them here. */
export function registerSessionFunctions(session: ExecutorSession): SessionFunctions {
  const scalars = new Map<string, FunctionInfo>();
  for (const [name, fn] of Object.entries(SCALARS)) {
    const duckdbName = session.storage.registerScalarFunction({
      name: `sqlml_${name.toLowerCase()}`,
      returns: fn.returns,
      evaluate: (args) => fn.evaluate(session, args),
    });
    scalars.set(name, { duckdbName: [duckdbName], returns: fn.returns });
  }
  const permissionColumns = [
    { name: 'entity_name', type: SYSNAME },
    { name: 'subentity_name', type: SYSNAME },
    { name: 'permission_name', type: { name: 'nvarchar', length: 60 } },
  ];
  const myPermissions = session.storage.registerTableFunction({
    name: 'sqlml_fn_my_permissions',
    parameters: 2,
    columns: permissionColumns,
    rows: ([securable, cls]) =>
      fnMyPermissions(session.catalog, session.security, session.database, text(securable), text(cls) ?? '').map((r) => [r.entity_name, r.subentity_name, r.permission_name]),
  });
  const tableInfo: TableFunctionInfo = {
    duckdbName: [myPermissions],
    columns: permissionColumns.map((c) => ({ ...c, nullable: true, identity: false })),
  };
  return {
    scalar: (name) => scalars.get(name.toUpperCase()) ?? null,
    table: (name) => (name.toLowerCase() === 'fn_my_permissions' ? tableInfo : null),
  };
}
