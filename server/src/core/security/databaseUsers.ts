// CREATE USER and DROP USER in a database, each checked against the session's current context.
import { DATABASE_IDS, SYSTEM_USER_IDS } from './builtins';
import { decide, openScope } from './evaluate';
import { databaseOwnerSid, findDatabasePrincipal, findLogin } from './lookup';
import { MESSAGES } from './messages';
import { loginlessUserSid, withDatabase, type DatabasePrincipal, type DatabaseSecurity, type SecurityCatalog } from './model';
import { refuse, succeed, type Outcome } from './outcome';
import { DATABASE_REF } from './securables';
import type { SessionContext } from './session';

/** FOR LOGIN (CREATE USER x without FOR LOGIN means FOR LOGIN x), or WITHOUT LOGIN. */
export type UserMapping = { readonly kind: 'login'; readonly login: string } | { readonly kind: 'without-login' };

export interface CreateUserSpec {
  readonly name: string;
  readonly mapping: UserMapping;
  readonly defaultSchema?: string;
}

/**
 * CREATE USER: needs ALTER ANY USER (db_accessadmin, db_owner). The user gets CONNECT, as SQL
 * Server grants it. A login can have one user per database, and none where it is already dbo.
 */
export function createUser(catalog: SecurityCatalog, session: SessionContext, database: string, spec: CreateUserSpec): Outcome<SecurityCatalog> {
  const opened = openScope(catalog, session, database);
  if (!opened.ok) return opened;
  const scope = opened.value;
  const db = scope.db!;
  if (decide(catalog, scope, DATABASE_REF, 'ALTER ANY USER') !== 'granted') return refuse(MESSAGES.noPermission());
  if (findDatabasePrincipal(db, spec.name)) return refuse(MESSAGES.databasePrincipalExists(spec.name));
  const principalId = db.nextPrincipalId;
  const defaultSchema = spec.defaultSchema ?? 'dbo';
  let user: DatabasePrincipal;
  if (spec.mapping.kind === 'login') {
    const login = findLogin(catalog, spec.mapping.login);
    if (!login) return refuse(MESSAGES.notAValidLogin(spec.mapping.login));
    if (databaseOwnerSid(db) === login.sid || db.principals.some((p) => p.sid === login.sid)) return refuse(MESSAGES.loginAlreadyMapped());
    const authentication = login.type === 'S' ? 'INSTANCE' : 'WINDOWS';
    user = { principalId, name: spec.name, type: login.type, sid: login.sid, authentication, defaultSchema, ownerId: null, isFixedRole: false };
  } else {
    user = { principalId, name: spec.name, type: 'S', sid: loginlessUserSid(db.name, principalId), authentication: 'NONE', defaultSchema, ownerId: null, isFixedRole: false };
  }
  const updated: DatabaseSecurity = {
    ...db,
    principals: [...db.principals, user],
    permissions: [
      ...db.permissions,
      { classCode: 0, majorId: 0, minorId: 0, permission: 'CONNECT', granteeId: principalId, grantorId: DATABASE_IDS.dbo, state: 'G' },
    ],
    nextPrincipalId: principalId + 1,
  };
  return succeed(withDatabase(catalog, updated));
}

/** Why a principal cannot be dropped while things depend on it (Msg 15138, 15421, 15183, 15284). */
export function dependentsOf(db: DatabaseSecurity, principalId: number): Outcome<true> {
  if (db.schemas.some((s) => s.ownerId === principalId)) return refuse(MESSAGES.ownsSchema());
  if (db.principals.some((p) => p.type === 'R' && p.ownerId === principalId)) return refuse(MESSAGES.ownsRole());
  if (db.objects.some((o) => o.ownerId === principalId) || db.externalLanguages.some((l) => l.ownerId === principalId)) {
    return refuse(MESSAGES.ownsObjects());
  }
  if (db.permissions.some((r) => r.grantorId === principalId)) return refuse(MESSAGES.principalHasGranted());
  return succeed(true);
}

/** The database without a principal: its memberships, the permissions granted to it and on it. */
export function withoutPrincipal(db: DatabaseSecurity, principalId: number): DatabaseSecurity {
  return {
    ...db,
    principals: db.principals.filter((p) => p.principalId !== principalId),
    roleMembers: db.roleMembers.filter((m) => m.memberId !== principalId && m.roleId !== principalId),
    permissions: db.permissions.filter((r) => r.granteeId !== principalId && !(r.classCode === 4 && r.majorId === principalId)),
  };
}

/** DROP USER: needs ALTER ANY USER; dbo, guest, sys and INFORMATION_SCHEMA cannot be dropped (Msg 15150). */
export function dropUser(catalog: SecurityCatalog, session: SessionContext, database: string, name: string): Outcome<SecurityCatalog> {
  const opened = openScope(catalog, session, database);
  if (!opened.ok) return opened;
  const scope = opened.value;
  const db = scope.db!;
  const user = findDatabasePrincipal(db, name);
  if (!user || user.type === 'R' || decide(catalog, scope, DATABASE_REF, 'ALTER ANY USER') !== 'granted') {
    return refuse(MESSAGES.notFoundOrNoPermission('drop', 'user', name));
  }
  const special = [DATABASE_IDS.dbo, DATABASE_IDS.guest, ...SYSTEM_USER_IDS].includes(user.principalId);
  if (special) return refuse(MESSAGES.cannotActOnSpecial('drop', 'user', user.name));
  const blocked = dependentsOf(db, user.principalId);
  if (!blocked.ok) return blocked;
  return succeed(withDatabase(catalog, withoutPrincipal(db, user.principalId)));
}
