// CREATE ROLE, DROP ROLE, ALTER ROLE ... ADD / DROP MEMBER and sp_addrolemember /
// sp_droprolemember, each checked against the session's current context.
import { DATABASE_IDS, SYSTEM_USER_IDS } from './builtins';
import { dependentsOf, withoutPrincipal } from './databaseUsers';
import { decide, openScope, type PermissionScope } from './evaluate';
import { findDatabasePrincipal, rolesOf } from './lookup';
import { MESSAGES } from './messages';
import { withDatabase, type DatabasePrincipal, type SecurityCatalog } from './model';
import { refuse, succeed, type Outcome } from './outcome';
import { DATABASE_REF } from './securables';
import type { SessionContext } from './session';

/** CREATE ROLE: needs CREATE ROLE (ALTER ANY ROLE: db_securityadmin, db_owner); the creator's user owns it. */
export function createRole(catalog: SecurityCatalog, session: SessionContext, database: string, name: string): Outcome<SecurityCatalog> {
  const opened = openScope(catalog, session, database);
  if (!opened.ok) return opened;
  const scope = opened.value;
  const db = scope.db!;
  if (decide(catalog, scope, DATABASE_REF, 'CREATE ROLE') !== 'granted') return refuse(MESSAGES.noPermission());
  if (findDatabasePrincipal(db, name)) return refuse(MESSAGES.databasePrincipalExists(name));
  const role: DatabasePrincipal = {
    principalId: db.nextPrincipalId,
    name,
    type: 'R',
    sid: null,
    authentication: null,
    defaultSchema: null,
    ownerId: scope.identity!.user.principalId,
    isFixedRole: false,
  };
  return succeed(withDatabase(catalog, { ...db, principals: [...db.principals, role], nextPrincipalId: role.principalId + 1 }));
}

/** DROP ROLE: needs CONTROL on the role (its owner) or ALTER ANY ROLE; the role must be empty. */
export function dropRole(catalog: SecurityCatalog, session: SessionContext, database: string, name: string): Outcome<SecurityCatalog> {
  const opened = openScope(catalog, session, database);
  if (!opened.ok) return opened;
  const scope = opened.value;
  const db = scope.db!;
  const failure = refuse(MESSAGES.notFoundOrNoPermission('drop', 'role', name));
  const role = findDatabasePrincipal(db, name);
  if (!role || role.type !== 'R') return failure;
  if (role.isFixedRole || role.principalId === DATABASE_IDS.public) return refuse(MESSAGES.cannotActOnSpecial('drop', 'role', role.name));
  if (decide(catalog, scope, { class: 'ROLE', principal: role }, 'CONTROL') !== 'granted' && decide(catalog, scope, DATABASE_REF, 'ALTER ANY ROLE') !== 'granted') {
    return failure;
  }
  if (db.roleMembers.some((m) => m.roleId === role.principalId)) return refuse(MESSAGES.roleHasMembers());
  const blocked = dependentsOf(db, role.principalId);
  if (!blocked.ok) return blocked;
  return succeed(withDatabase(catalog, withoutPrincipal(db, role.principalId)));
}

/**
 * Who may change a role's members: for a fixed role, members of db_owner (SQL Server 2012+); for a
 * user-defined role, ALTER on it (its owner, ALTER ANY ROLE: db_securityadmin, db_owner).
 */
function mayChangeMembers(catalog: SecurityCatalog, scope: PermissionScope, role: DatabasePrincipal): boolean {
  if (scope.bypass) return true;
  if (role.isFixedRole) return scope.databaseIds.has(DATABASE_IDS.db_owner);
  return decide(catalog, scope, { class: 'ROLE', principal: role }, 'ALTER') === 'granted';
}

export interface RoleMemberChange {
  readonly role: string;
  readonly member: string;
  readonly action: 'add' | 'drop';
}

/**
 * ALTER ROLE role ADD / DROP MEMBER member. dbo, sys, INFORMATION_SCHEMA and public cannot be
 * members (Msg 15405); a role cannot contain itself, directly or through its members (Msg 15413).
 * Adding a member twice or dropping a non-member changes nothing, as in SQL Server.
 */
export function alterRoleMember(catalog: SecurityCatalog, session: SessionContext, database: string, change: RoleMemberChange): Outcome<SecurityCatalog> {
  const opened = openScope(catalog, session, database);
  if (!opened.ok) return opened;
  const scope = opened.value;
  const db = scope.db!;
  const role = findDatabasePrincipal(db, change.role);
  const failure = refuse(MESSAGES.notFoundOrNoPermission('alter', 'role', change.role));
  if (!role || role.type !== 'R') return failure;
  if (role.principalId === DATABASE_IDS.public) return refuse(MESSAGES.publicMembershipFixed());
  if (!mayChangeMembers(catalog, scope, role)) return failure;
  const member = findDatabasePrincipal(db, change.member);
  if (!member) return refuse(MESSAGES.notFoundOrNoPermission(change.action, 'principal', change.member));
  const special = [DATABASE_IDS.dbo, DATABASE_IDS.public, ...SYSTEM_USER_IDS].includes(member.principalId);
  if (special) return refuse(MESSAGES.specialPrincipal(member.name));
  const others = db.roleMembers.filter((m) => !(m.roleId === role.principalId && m.memberId === member.principalId));
  if (change.action === 'drop') return succeed(withDatabase(catalog, { ...db, roleMembers: others }));
  const cycle = member.principalId === role.principalId || rolesOf(db.roleMembers, [role.principalId]).has(member.principalId);
  if (cycle) return refuse(MESSAGES.roleMemberOfItself());
  return succeed(withDatabase(catalog, { ...db, roleMembers: [...others, { roleId: role.principalId, memberId: member.principalId }] }));
}

/**
 * sp_addrolemember / sp_droprolemember: ALTER ROLE with the procedures' own messages for a missing
 * role (Msg 15014) or member (Msg 15410).
 */
export function roleMemberProcedure(catalog: SecurityCatalog, session: SessionContext, database: string, change: RoleMemberChange): Outcome<SecurityCatalog> {
  const opened = openScope(catalog, session, database);
  if (!opened.ok) return opened;
  const db = opened.value.db!;
  const role = findDatabasePrincipal(db, change.role);
  if (!role || role.type !== 'R') return refuse(MESSAGES.roleNotInDatabase(change.role));
  if (!findDatabasePrincipal(db, change.member)) return refuse(MESSAGES.userOrRoleNotInDatabase(change.member));
  return alterRoleMember(catalog, session, database, change);
}
