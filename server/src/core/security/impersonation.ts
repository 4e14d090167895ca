// EXECUTE AS LOGIN / EXECUTE AS USER and REVERT: a stack of security contexts on the session.
import { SYSTEM_USER_IDS } from './builtins';
import { decide, openScope, serverScope } from './evaluate';
import { findDatabasePrincipal, findLogin, loginBySid, sameName } from './lookup';
import { MESSAGES } from './messages';
import type { SecurityCatalog } from './model';
import { refuse, succeed, type Outcome } from './outcome';
import { currentContext, type SecurityContext, type SessionContext } from './session';

function push(session: SessionContext, context: SecurityContext): SessionContext {
  return { ...session, stack: [...session.stack, context] };
}

/**
 * EXECUTE AS LOGIN = 'name', run in `database`: needs IMPERSONATE on the login (implied by CONTROL
 * on it, IMPERSONATE ANY LOGIN and CONTROL SERVER) unless it is the caller's own login. Group
 * logins and server roles cannot be impersonated (Msg 15406, which also hides missing logins and
 * missing permission). A disabled login can be impersonated, as in SQL Server.
 */
export function executeAsLogin(catalog: SecurityCatalog, session: SessionContext, database: string, loginName: string): Outcome<SessionContext> {
  const failure = refuse(MESSAGES.cannotExecuteAsLogin(loginName));
  const login = findLogin(catalog, loginName);
  if (!login || login.type === 'G') return failure;
  const current = currentContext(session);
  const isSelf = current.kind === 'login' && current.loginIds[0] === login.principalId;
  if (!isSelf) {
    if (decide(catalog, serverScope(catalog, session), { class: 'LOGIN', principal: login }, 'IMPERSONATE') !== 'granted') return failure;
  }
  return succeed(push(session, { kind: 'login', name: login.name, sid: login.sid, loginIds: [login.principalId], executedIn: database }));
}

/**
 * EXECUTE AS USER = 'name' in `database`: needs IMPERSONATE on the user (implied by CONTROL on it
 * and on the database, so db_owner and dbo may) unless it is the caller's own user. Roles, group
 * users, sys, INFORMATION_SCHEMA and orphaned users (their login dropped) cannot be impersonated
 * (Msg 15517). The new context is scoped to this database.
 */
export function executeAsUser(catalog: SecurityCatalog, session: SessionContext, database: string, userName: string): Outcome<SessionContext> {
  const opened = openScope(catalog, session, database);
  if (!opened.ok) return opened;
  const scope = opened.value;
  const db = scope.db!;
  const failure = refuse(MESSAGES.cannotExecuteAsUser(userName));
  const user = findDatabasePrincipal(db, userName);
  if (!user || user.type === 'R' || user.type === 'G' || SYSTEM_USER_IDS.includes(user.principalId)) return failure;
  const orphaned = user.authentication !== 'NONE' && user.sid !== null && !loginBySid(catalog, user.sid);
  if (orphaned) return failure;
  const isSelf = scope.identity!.user.principalId === user.principalId;
  if (!isSelf && decide(catalog, scope, { class: 'USER', principal: user }, 'IMPERSONATE') !== 'granted') {
    return failure;
  }
  return succeed(push(session, { kind: 'user', database: db.name, userId: user.principalId, executedIn: db.name }));
}

/**
 * REVERT in `database`: back to the context before the last EXECUTE AS, which must be reverted in
 * the database where it ran (Msg 15199). With nothing to revert it changes nothing.
 */
export function revert(session: SessionContext, database: string): Outcome<SessionContext> {
  if (session.stack.length === 1) return succeed(session);
  const current = currentContext(session);
  if (current.executedIn !== null && !sameName(current.executedIn, database)) return refuse(MESSAGES.revertInOtherDatabase());
  return succeed({ ...session, stack: session.stack.slice(0, -1) });
}
