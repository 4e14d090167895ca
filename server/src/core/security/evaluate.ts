// Permission evaluation with SQL Server's rules:
// - sysadmin passes everything, and dbo passes everything in its database: DENY does not reach them;
// - the owner of a securable passes on it (ownership implies CONTROL and is not subject to DENY);
// - otherwise a permission is held when it, or any permission that implies it (CONTROL on the same
//   securable, the same or a covering permission on a containing scope, CONTROL SERVER), is
//   granted to any of the context's principals (user, roles, public, fixed-role meanings), and
//   none of them is denied to any of those principals: DENY anywhere on the path wins;
// - a column-level GRANT overrides a table-level DENY of the same permission (SQL Server keeps this
//   inconsistency for compatibility), a column-level DENY wins over everything below sysadmin/dbo;
// - inside a module, an object with the same owner as the module is not checked at all
//   (ownership chaining), DENY included.
import { FIXED_DATABASE_ROLES, FIXED_SERVER_ROLES, SERVER_IDS } from './builtins';
import { effectiveObjectOwner, findDatabase, findObject, sameName, schemaById } from './lookup';
import { MESSAGES, type SqlMessage } from './messages';
import type { DatabaseSecurity, PermissionState, SecurityCatalog } from './model';
import { ALLOWED, refuse, succeed, type Outcome, type Verdict } from './outcome';
import { isServerClass, normalizeKeywords, permissionRule } from './permissions';
import {
  DATABASE_REF,
  ENTITY_KIND,
  ownerOf,
  parentOf,
  refKey,
  resolveSecurable,
  securableName,
  storageKey,
  type SecurableName,
  type SecurableRef,
} from './securables';
import type { SessionContext } from './session';
import { databaseIdentity, serverTokens, suserSname, type DatabaseIdentity } from './tokens';

export type Decision = 'granted' | 'denied' | 'none';

/** The principals a check is made for, in one database (or at the server only). */
export interface PermissionScope {
  readonly db: DatabaseSecurity | undefined;
  readonly identity: DatabaseIdentity | undefined;
  readonly serverIds: ReadonlySet<number>;
  readonly databaseIds: ReadonlySet<number>;
  /** sysadmin, or dbo of this database. */
  readonly bypass: boolean;
}

interface Pair {
  readonly ref: SecurableRef;
  readonly permission: string;
}

/** The permission itself and every (securable, permission) above it that implies it. */
function coveringPairs(db: DatabaseSecurity | undefined, ref: SecurableRef, permission: string): Pair[] {
  const seen = new Set<string>();
  const pairs: Pair[] = [];
  const pending: Pair[] = [{ ref, permission }];
  while (pending.length > 0) {
    const pair = pending.shift()!;
    const key = `${refKey(pair.ref)}/${pair.permission}`;
    if (seen.has(key)) continue;
    seen.add(key);
    pairs.push(pair);
    const rule = permissionRule(pair.ref.class, pair.permission);
    if (!rule) continue;
    for (const implying of rule.impliedBy) pending.push({ ref: pair.ref, permission: implying });
    const parent = rule.impliedByParent.length > 0 ? parentOf(db, pair.ref) : undefined;
    if (parent) for (const implying of rule.impliedByParent) pending.push({ ref: parent, permission: implying });
  }
  return pairs;
}

/** The states of the stored rows for a pair that apply to the scope's principals. */
function storedStates(catalog: SecurityCatalog, scope: PermissionScope, pair: Pair, minorId: number): PermissionState[] {
  const atServer = isServerClass(pair.ref.class);
  const rows = atServer ? catalog.server.permissions : (scope.db?.permissions ?? []);
  const grantees = atServer ? scope.serverIds : scope.databaseIds;
  const key = storageKey(pair.ref);
  return rows
    .filter(
      (r) =>
        r.classCode === key.classCode &&
        r.majorId === key.majorId &&
        r.minorId === minorId &&
        r.permission === pair.permission &&
        grantees.has(r.granteeId),
    )
    .map((r) => r.state);
}

/** What the fixed roles the scope belongs to mean for a pair (they only speak of SERVER and DATABASE). */
function fixedRoleStates(scope: PermissionScope, pair: Pair): PermissionState[] {
  const fixed =
    pair.ref.class === 'SERVER'
      ? { roles: FIXED_SERVER_ROLES, members: scope.serverIds }
      : pair.ref.class === 'DATABASE'
        ? { roles: FIXED_DATABASE_ROLES, members: scope.databaseIds }
        : undefined;
  if (!fixed) return [];
  return fixed.roles
    .filter((role) => fixed.members.has(role.principalId))
    .flatMap((role) => role.permissions.filter((p) => p.permission === pair.permission).map((p) => p.state));
}

function ownsSecurable(scope: PermissionScope, ref: SecurableRef): boolean {
  const owner = ownerOf(scope.db, ref);
  if (!owner) return false;
  return (owner.scope === 'server' ? scope.serverIds : scope.databaseIds).has(owner.principalId);
}

function pairStates(catalog: SecurityCatalog, scope: PermissionScope, pair: Pair): PermissionState[] {
  const states = [...storedStates(catalog, scope, pair, 0), ...fixedRoleStates(scope, pair)];
  // Owning a securable is holding CONTROL on it.
  if (pair.permission === 'CONTROL' && ownsSecurable(scope, pair.ref)) states.push('G');
  return states;
}

/**
 * The effective permission of the scope's principals. `columnId` (1-based) asks about one column
 * of an OBJECT; 0 about the securable itself.
 */
export function decide(catalog: SecurityCatalog, scope: PermissionScope, ref: SecurableRef, permission: string, columnId = 0): Decision {
  if (scope.bypass || ownsSecurable(scope, ref)) return 'granted';
  const columnStates = columnId > 0 ? storedStates(catalog, scope, { ref, permission }, columnId) : [];
  if (columnStates.includes('D')) return 'denied';
  const columnGranted = columnStates.length > 0;
  const pairs = coveringPairs(scope.db, ref, permission);
  const states = pairs.map((pair) => {
    const found = pairStates(catalog, scope, pair);
    const isTableLevelSame = refKey(pair.ref) === refKey(ref) && pair.permission === permission;
    return columnGranted && isTableLevelSame ? found.filter((s) => s !== 'D') : found;
  });
  if (states.some((found) => found.includes('D'))) return 'denied';
  return columnGranted || states.some((found) => found.length > 0) ? 'granted' : 'none';
}

/** Whether the scope may pass the permission on: it holds it, or an implying one, WITH GRANT OPTION. */
export function holdsGrantOption(catalog: SecurityCatalog, scope: PermissionScope, ref: SecurableRef, permission: string): boolean {
  if (decide(catalog, scope, ref, permission) === 'denied') return false;
  return coveringPairs(scope.db, ref, permission).some((pair) =>
    [...storedStates(catalog, scope, pair, 0), ...fixedRoleStates(scope, pair)].includes('W'),
  );
}

/** The principals of a session at the server: its login, group logins, server roles and public. */
export function serverScope(catalog: SecurityCatalog, session: SessionContext): PermissionScope {
  const serverIds = serverTokens(catalog, session);
  return { db: undefined, identity: undefined, serverIds, databaseIds: new Set<number>(), bypass: serverIds.has(SERVER_IDS.sysadmin) };
}

/**
 * The principals of a session in a database. Fails with Msg 911 for a database that does not exist
 * and Msg 916 when the session has no user there with CONNECT (sysadmin and dbo always have).
 */
export function openScope(catalog: SecurityCatalog, session: SessionContext, database: string): Outcome<PermissionScope> {
  const server = serverScope(catalog, session);
  const db = findDatabase(catalog, database);
  if (!db) return refuse(MESSAGES.databaseDoesNotExist(database));
  const noAccess = refuse(MESSAGES.databaseNotAccessible(suserSname(catalog, session), db.name));
  const identity = databaseIdentity(catalog, session, db);
  if (!identity) return noAccess;
  const scope: PermissionScope = { ...server, db, identity, databaseIds: identity.principalIds, bypass: server.bypass || identity.isDbo };
  return scope.bypass || decide(catalog, scope, DATABASE_REF, 'CONNECT') === 'granted' ? succeed(scope) : noAccess;
}

/** HAS_DBACCESS(database): 1 when the session may open the database (USE would work), 0 when not, NULL when there is no such database. */
export function hasDbAccess(catalog: SecurityCatalog, session: SessionContext, database: string): 0 | 1 | null {
  if (!findDatabase(catalog, database)) return null;
  return openScope(catalog, session, database).ok ? 1 : 0;
}

/** Where ownership chaining starts: the module being executed and its owner. */
export interface OwnershipChainLink {
  readonly database: string;
  readonly ownerId: number;
}

/** The chain link of a procedure, function or view, for the checks of the statements inside it. */
export function ownershipChainLink(catalog: SecurityCatalog, database: string, module: { schema: string; name: string }): OwnershipChainLink | undefined {
  const db = findDatabase(catalog, database);
  const object = db && findObject(db, module.schema, module.name);
  return db && object && { database: db.name, ownerId: effectiveObjectOwner(db, object) };
}

/** The permissions an unbroken ownership chain skips (DDL permissions are always checked). */
const CHAINED_PERMISSIONS: readonly string[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'EXECUTE', 'REFERENCES'];

export interface CheckOptions {
  /** The columns a statement reads or writes (SELECT, UPDATE, REFERENCES). */
  readonly columns?: readonly string[];
  /** Set while running a module's statements; dynamic SQL (EXEC of a string) runs without it. */
  readonly ownershipChain?: OwnershipChainLink;
}

function notFound(securable: SecurableName): SqlMessage {
  switch (securable.class) {
    case 'OBJECT':
      return MESSAGES.invalidObjectName(`${securable.schema}.${securable.name}`);
    case 'SCHEMA':
      return MESSAGES.schemaNotUsable(securable.name);
    case 'SERVER':
    case 'DATABASE':
      // Both always resolve once the scope is open; kept for exhaustiveness.
      return MESSAGES.noPermission();
    default:
      return MESSAGES.notFoundOrNoPermission('find', ENTITY_KIND[securable.class], securable.name);
  }
}

function denied(permission: string, db: DatabaseSecurity | undefined, ref: SecurableRef): SqlMessage {
  switch (ref.class) {
    case 'OBJECT':
      return MESSAGES.objectPermissionDenied(permission, ref.object.name, db!.name, schemaById(db!, ref.object.schemaId)!.name);
    case 'DATABASE':
      return MESSAGES.statementPermissionDenied(permission, db!.name);
    case 'SCHEMA':
      return MESSAGES.schemaNotUsable(ref.schema.name);
    case 'SERVER':
      return MESSAGES.serverPermissionDenied(permission);
    default:
      return MESSAGES.notFoundOrNoPermission('find', ENTITY_KIND[ref.class], securableName(ref));
  }
}

/**
 * Whether the session may use `permission` on the securable, as the statement executor asks before
 * running a statement: ok, or SQL Server's error (229/230 on objects, 262 on the database, 2760 on
 * schemas, 300 on the server, 916 without access to the database, 208 for a missing object).
 */
export function check(
  catalog: SecurityCatalog,
  session: SessionContext,
  database: string,
  permission: string,
  securable: SecurableName,
  options: CheckOptions = {},
): Verdict {
  const name = normalizeKeywords(permission);
  if (!permissionRule(securable.class, name)) return refuse(MESSAGES.privilegeNotCompatible(name));
  const opened = isServerClass(securable.class) ? succeed(serverScope(catalog, session)) : openScope(catalog, session, database);
  if (!opened.ok) return opened;
  const scope = opened.value;
  const ref = resolveSecurable(catalog, scope.db, securable);
  if (!ref) return refuse(notFound(securable));
  if (ref.class !== 'OBJECT') return decide(catalog, scope, ref, name) === 'granted' ? ALLOWED : refuse(denied(name, scope.db, ref));

  const db = scope.db!;
  const chain = options.ownershipChain;
  if (chain && sameName(chain.database, db.name) && CHAINED_PERMISSIONS.includes(name) && effectiveObjectOwner(db, ref.object) === chain.ownerId) {
    return ALLOWED;
  }
  const columns = options.columns ?? [];
  const columnIds: number[] = [];
  for (const column of columns) {
    const index = ref.object.columns.findIndex((c) => sameName(c, column));
    if (index < 0) return refuse(MESSAGES.columnNotFound(column));
    columnIds.push(index + 1);
  }
  const hasColumnRows = db.permissions.some(
    (r) => r.classCode === 1 && r.majorId === ref.object.objectId && columnIds.includes(r.minorId) && scope.databaseIds.has(r.granteeId),
  );
  if (!hasColumnRows) return decide(catalog, scope, ref, name) === 'granted' ? ALLOWED : refuse(denied(name, db, ref));
  for (const columnId of columnIds) {
    if (decide(catalog, scope, ref, name, columnId) !== 'granted') {
      const schema = schemaById(db, ref.object.schemaId)!.name;
      return refuse(MESSAGES.columnPermissionDenied(name, ref.object.columns[columnId - 1]!, ref.object.name, db.name, schema));
    }
  }
  return ALLOWED;
}

export type CreatableObject = 'TABLE' | 'VIEW' | 'PROCEDURE' | 'FUNCTION' | 'TYPE';

/**
 * CREATE TABLE / VIEW / PROCEDURE / FUNCTION / TYPE in a schema: the CREATE permission in the
 * database (Msg 262), then ALTER on the schema (Msg 2760), in SQL Server's order.
 */
export function checkCreate(catalog: SecurityCatalog, session: SessionContext, database: string, what: CreatableObject, schema: string): Verdict {
  const create = check(catalog, session, database, `CREATE ${what}`, { class: 'DATABASE' });
  if (!create.ok) return create;
  return check(catalog, session, database, 'ALTER', { class: 'SCHEMA', name: schema });
}
