// GRANT, DENY and REVOKE on the server, a database, a schema, an object (optionally some of its
// columns), a user, a role, a login or an external language.
//
// Who may: sysadmin and dbo; whoever holds CONTROL on the securable (its owner, db_owner through
// CONTROL on the database, CONTROL SERVER); whoever holds the permission, or one implying it, WITH
// GRANT OPTION; db_securityadmin for anything in its database; securityadmin for server
// permissions other than CONTROL SERVER.
import { DATABASE_IDS, SERVER_IDS, SYSTEM_USER_IDS } from './builtins';
import { decide, holdsGrantOption, openScope, serverScope, type PermissionScope } from './evaluate';
import { findDatabasePrincipal, findServerPrincipal, sameName } from './lookup';
import { MESSAGES, type SqlMessage } from './messages';
import { withDatabase, withServer, type PermissionRow, type PermissionState, type SecurityCatalog } from './model';
import { refuse, succeed, type Outcome } from './outcome';
import {
  BUILTIN_PERMISSIONS,
  COLUMN_PERMISSIONS,
  isServerClass,
  normalizeKeywords,
  permissionRule,
  unqualifiedPermissionClass,
} from './permissions';
import { ENTITY_KIND, ownerOf, resolveSecurable, storageKey, type SecurableName, type SecurableRef } from './securables';
import { currentContext, type SessionContext } from './session';

export type PermissionAction = 'GRANT' | 'DENY' | 'REVOKE';

export interface PermissionStatement {
  readonly action: PermissionAction;
  readonly permissions: readonly string[];
  /** The ON clause; without one, the database (or the server, for server permissions). */
  readonly securable?: SecurableName;
  /** GRANT SELECT (a, b) ON OBJECT::t: the columns, for SELECT, UPDATE and REFERENCES. */
  readonly columns?: readonly string[];
  /** TO / FROM. */
  readonly principals: readonly string[];
  /** GRANT ... WITH GRANT OPTION. */
  readonly withGrantOption?: boolean;
  /** REVOKE GRANT OPTION FOR ... */
  readonly grantOptionFor?: boolean;
  /** DENY / REVOKE ... CASCADE: also from whoever the grantees granted it to. */
  readonly cascade?: boolean;
}

function mayGrant(catalog: SecurityCatalog, scope: PermissionScope, ref: SecurableRef, permission: string): boolean {
  if (scope.bypass) return true;
  const control = ref.class === 'SERVER' ? 'CONTROL SERVER' : 'CONTROL';
  if (decide(catalog, scope, ref, control) === 'granted') return true;
  if (holdsGrantOption(catalog, scope, ref, permission)) return true;
  if (isServerClass(ref.class)) return scope.serverIds.has(SERVER_IDS.securityadmin) && permission !== 'CONTROL SERVER';
  return scope.databaseIds.has(DATABASE_IDS.db_securityadmin);
}

/** A caller with no permission at all on an object is told it does not exist (Msg 15151). */
function seesObject(catalog: SecurityCatalog, scope: PermissionScope, ref: SecurableRef): boolean {
  return Object.keys(BUILTIN_PERMISSIONS.OBJECT).some((permission) => decide(catalog, scope, ref, permission) === 'granted');
}

/**
 * The principals of TO / FROM. Refused: unknown ones (Msg 15151), fixed roles (Msg 4617), sa, dbo,
 * sys, INFORMATION_SCHEMA, the securable's owner and the grantor itself (Msg 4624), and roles for
 * CONNECT on the database (Msg 4627).
 */
function resolveGrantees(
  catalog: SecurityCatalog,
  scope: PermissionScope,
  ref: SecurableRef,
  grantorId: number,
  statement: { readonly principals: readonly string[]; readonly permissions: readonly string[] },
): Outcome<number[]> {
  const owner = ownerOf(scope.db, ref);
  const atServer = isServerClass(ref.class);
  const grantees: number[] = [];
  for (const name of statement.principals) {
    const principal = atServer ? findServerPrincipal(catalog, name) : findDatabasePrincipal(scope.db!, name);
    if (!principal) return refuse(MESSAGES.notFoundOrNoPermission('find', atServer ? 'login' : 'user', name));
    if (principal.isFixedRole) return refuse(MESSAGES.specialRoleGrantee());
    const id = principal.principalId;
    const special = atServer ? [SERVER_IDS.sa] : [DATABASE_IDS.dbo, ...SYSTEM_USER_IDS];
    const isOwner = owner !== undefined && owner.scope === (atServer ? 'server' : 'database') && owner.principalId === id;
    if (special.includes(id) || id === grantorId || isOwner) return refuse(MESSAGES.selfOrSpecialGrantee());
    if (!atServer && principal.type === 'R' && ref.class === 'DATABASE' && statement.permissions.includes('CONNECT')) {
      return refuse(MESSAGES.connectToRole());
    }
    grantees.push(id);
  }
  return succeed(grantees);
}

interface RowChange {
  readonly action: PermissionAction;
  readonly classCode: number;
  readonly majorId: number;
  /** 0 for the securable, else the column ids. */
  readonly minorIds: readonly number[];
  readonly permission: string;
  readonly granteeId: number;
  readonly grantorId: number;
  readonly withGrantOption: boolean;
  readonly grantOptionFor: boolean;
  readonly cascade: boolean;
}

/**
 * One permission for one grantee. A securable-level statement also settles the column-level rows of
 * the same permission that it makes redundant (all of them for REVOKE), since SQL Server keeps a
 * column row only where it differs from the object's.
 */
function applyChange(rows: readonly PermissionRow[], change: RowChange): Outcome<PermissionRow[]> {
  const samePermission = (r: PermissionRow) =>
    r.classCode === change.classCode && r.majorId === change.majorId && r.permission === change.permission;
  const ofGrantee = (r: PermissionRow) => samePermission(r) && r.granteeId === change.granteeId;
  const touched = rows.filter((r) => ofGrantee(r) && change.minorIds.includes(r.minorId));
  if (change.action !== 'GRANT' && touched.some((r) => r.state === 'W') && !change.cascade) return refuse(MESSAGES.cascadeRequired());

  let result = rows.filter((r) => !(ofGrantee(r) && change.minorIds.includes(r.minorId)));
  if (change.cascade && change.action !== 'GRANT') result = result.filter((r) => !(samePermission(r) && r.grantorId === change.granteeId));
  if (change.minorIds.includes(0) && change.classCode === 1) {
    const redundant = (state: PermissionState) => change.action === 'REVOKE' || (change.action === 'DENY' ? state === 'D' : state !== 'D');
    result = result.filter((r) => !(ofGrantee(r) && r.minorId > 0 && redundant(r.state)));
  }
  for (const minorId of change.minorIds) {
    const existing = touched.find((r) => r.minorId === minorId);
    const base = { classCode: change.classCode, majorId: change.majorId, minorId, permission: change.permission, granteeId: change.granteeId };
    if (change.action === 'GRANT') {
      const state: PermissionState = change.withGrantOption || existing?.state === 'W' ? 'W' : 'G';
      result.push({ ...base, grantorId: change.grantorId, state });
    } else if (change.action === 'DENY') {
      result.push({ ...base, grantorId: change.grantorId, state: 'D' });
    } else if (change.grantOptionFor && existing?.state === 'W') {
      // REVOKE GRANT OPTION FOR keeps the permission itself; without the option it revokes it.
      result.push({ ...existing, state: 'G' });
    } else if (change.grantOptionFor && existing?.state === 'D') {
      result.push(existing);
    }
  }
  return succeed(result);
}

/** A missing securable: the server and the database always resolve once the scope is open. */
function missing(securable: SecurableName): SqlMessage {
  return 'name' in securable ? MESSAGES.notFoundOrNoPermission('find', ENTITY_KIND[securable.class], securable.name) : MESSAGES.noPermission();
}

/** The securable a statement is about: its ON clause, or the scope its permissions belong to. */
function targetOf(statement: PermissionStatement, permissions: readonly string[]): Outcome<SecurableName> {
  if (statement.securable) return succeed(statement.securable);
  const classes = permissions.map(unqualifiedPermissionClass);
  const unknown = classes.indexOf(null);
  if (unknown >= 0) return refuse(MESSAGES.privilegeNotCompatible(permissions[unknown]!));
  if (new Set(classes).size > 1) return refuse(MESSAGES.mixedPermissionScopes());
  return succeed({ class: classes[0] ?? 'DATABASE' });
}

/**
 * Runs one GRANT / DENY / REVOKE statement in `database` for the session's current context, and
 * returns the new catalog or SQL Server's error. Server permissions are granted in master only.
 */
export function applyPermissionStatement(
  catalog: SecurityCatalog,
  session: SessionContext,
  database: string,
  statement: PermissionStatement,
): Outcome<SecurityCatalog> {
  const permissions = statement.permissions.map(normalizeKeywords);
  const target = targetOf(statement, permissions);
  if (!target.ok) return target;
  const securable = target.value;
  for (const permission of permissions) {
    const columnsAllowed = statement.columns === undefined || (securable.class === 'OBJECT' && COLUMN_PERMISSIONS.includes(permission));
    if (!permissionRule(securable.class, permission) || !columnsAllowed) return refuse(MESSAGES.privilegeNotCompatible(permission));
  }
  const atServer = isServerClass(securable.class);
  const inMaster = sameName(database, 'master');
  if (atServer && !inMaster) return refuse(MESSAGES.serverScopeOutsideMaster());
  if (securable.class === 'DATABASE' && permissions.includes('CREATE DATABASE') && !inMaster) return refuse(MESSAGES.createDatabaseOutsideMaster());
  const opened = atServer ? succeed(serverScope(catalog, session)) : openScope(catalog, session, database);
  if (!opened.ok) return opened;
  const scope = opened.value;

  const ref = resolveSecurable(catalog, scope.db, securable);
  if (!ref) return refuse(missing(securable));
  const minorIds: number[] = [];
  for (const column of statement.columns ?? []) {
    const index = ref.class === 'OBJECT' ? ref.object.columns.findIndex((c) => sameName(c, column)) : -1;
    if (index < 0) return refuse(MESSAGES.invalidColumnName(column));
    minorIds.push(index + 1);
  }
  const context = currentContext(session);
  // Under EXECUTE AS USER there is no login to grant server permissions as.
  if (atServer && context.kind !== 'login') return refuse(MESSAGES.grantorLacksPermission());
  for (const permission of permissions) {
    if (mayGrant(catalog, scope, ref, permission)) continue;
    if (ref.class === 'OBJECT' && !seesObject(catalog, scope, ref)) return refuse(MESSAGES.notFoundOrNoPermission('find', 'object', ref.object.name));
    return refuse(MESSAGES.grantorLacksPermission());
  }

  const grantorId = context.kind === 'login' && atServer ? context.loginIds[0]! : scope.identity!.user.principalId;
  const grantees = resolveGrantees(catalog, scope, ref, grantorId, { principals: statement.principals, permissions });
  if (!grantees.ok) return grantees;

  const key = storageKey(ref);
  let rows: readonly PermissionRow[] = atServer ? catalog.server.permissions : scope.db!.permissions;
  for (const granteeId of grantees.value) {
    for (const permission of permissions) {
      const applied = applyChange(rows, {
        action: statement.action,
        classCode: key.classCode,
        majorId: key.majorId,
        minorIds: minorIds.length > 0 ? minorIds : [0],
        permission,
        granteeId,
        grantorId,
        withGrantOption: statement.withGrantOption === true,
        grantOptionFor: statement.grantOptionFor === true,
        cascade: statement.cascade === true,
      });
      if (!applied.ok) return applied;
      rows = applied.value;
    }
  }
  return succeed(atServer ? withServer(catalog, { ...catalog.server, permissions: rows }) : withDatabase(catalog, { ...scope.db!, permissions: rows }));
}
