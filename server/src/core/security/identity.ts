// The identity functions of T-SQL: USER_NAME(), ORIGINAL_LOGIN(), IS_SRVROLEMEMBER, IS_MEMBER
// (SUSER_SNAME() is in tokens.ts, which evaluation also needs). They return values (a name, 1, 0
// or null); the executor turns them into results.
import { SERVER_IDS } from './builtins';
import { openScope } from './evaluate';
import { findDatabase, findDatabasePrincipal, findLogin, findServerPrincipal, rolesOf } from './lookup';
import type { SecurityCatalog } from './model';
import { currentContext, type SessionContext } from './session';
import { databaseIdentity, serverTokens } from './tokens';

/** 1 or 0 as the bit SQL Server returns, null where SQL Server returns NULL. */
export type SqlBit = 0 | 1 | null;

/**
 * USER_NAME() in a database: dbo for sysadmin and the owner, the mapped user, or guest; null where
 * the session cannot enter the database.
 */
export function userName(catalog: SecurityCatalog, session: SessionContext, database: string): string | null {
  const scope = openScope(catalog, session, database);
  return scope.ok ? scope.value.identity!.user.name : null;
}

export function originalLogin(session: SessionContext): string {
  return session.originalLogin;
}

/** IS_SRVROLEMEMBER(role [, login]): null for an unknown role or login. */
export function isSrvRoleMember(catalog: SecurityCatalog, session: SessionContext, role: string, login?: string): SqlBit {
  const serverRole = findServerPrincipal(catalog, role);
  if (!serverRole || serverRole.type !== 'R') return null;
  if (serverRole.principalId === SERVER_IDS.public) return 1;
  if (login === undefined) return serverTokens(catalog, session).has(serverRole.principalId) ? 1 : 0;
  const principal = findLogin(catalog, login);
  if (!principal) return null;
  return rolesOf(catalog.server.roleMembers, [principal.principalId]).has(serverRole.principalId) ? 1 : 0;
}

/**
 * IS_MEMBER(name) in a database: membership of a database role (through nested roles; sysadmin and
 * the owner are dbo and so in db_owner), or of an OS group that has a login; null for anything else.
 */
export function isMember(catalog: SecurityCatalog, session: SessionContext, database: string, name: string): SqlBit {
  const db = findDatabase(catalog, database);
  const role = db && findDatabasePrincipal(db, name);
  if (db && role?.type === 'R') return databaseIdentity(catalog, session, db)?.principalIds.has(role.principalId) ? 1 : 0;
  const group = findLogin(catalog, name);
  if (group?.type !== 'G') return null;
  const context = currentContext(session);
  return context.kind === 'login' && context.loginIds.includes(group.principalId) ? 1 : 0;
}
