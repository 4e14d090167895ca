// Who a context is, as SQL Server's security tokens: at the server, the login, its group logins,
// their server roles and public; in a database, the user the login maps to (dbo for sysadmin and
// for the database owner, else by SID, else through a group login, else guest), its roles and
// public. Also SUSER_SNAME(), the name of that login, which error messages need.
import { DATABASE_IDS, SERVER_IDS } from './builtins';
import { databaseOwnerSid, databasePrincipalById, findDatabase, loginBySid, rolesOf, sameName, serverPrincipalById } from './lookup';
import type { DatabasePrincipal, DatabaseSecurity, SecurityCatalog } from './model';
import { currentContext, type SessionContext } from './session';

/** The server principals whose permissions apply; none under EXECUTE AS USER. */
export function serverTokens(catalog: SecurityCatalog, session: SessionContext): Set<number> {
  const context = currentContext(session);
  if (context.kind === 'user') return new Set();
  const logins = context.loginIds.filter((id) => serverPrincipalById(catalog, id) !== undefined);
  return new Set([...logins, ...rolesOf(catalog.server.roleMembers, logins), SERVER_IDS.public]);
}

export interface DatabaseIdentity {
  readonly database: DatabaseSecurity;
  /** The user USER_NAME() names. */
  readonly user: DatabasePrincipal;
  /** The database principals whose permissions apply: users, their roles, public. */
  readonly principalIds: ReadonlySet<number>;
  /** dbo passes every check in its database, DENY included. */
  readonly isDbo: boolean;
}

function identityOf(db: DatabaseSecurity, users: readonly DatabasePrincipal[]): DatabaseIdentity {
  const ids = users.map((u) => u.principalId);
  const user = users[0]!;
  return {
    database: db,
    user,
    principalIds: new Set([...ids, ...rolesOf(db.roleMembers, ids), DATABASE_IDS.public]),
    isDbo: user.principalId === DATABASE_IDS.dbo,
  };
}

/**
 * The user a session is in a database, before its CONNECT permission is looked at (evaluate.ts
 * decides access). Null when there is no user to be, not even guest.
 */
export function databaseIdentity(catalog: SecurityCatalog, session: SessionContext, db: DatabaseSecurity): DatabaseIdentity | null {
  const context = currentContext(session);
  const guest = databasePrincipalById(db, DATABASE_IDS.guest);
  if (context.kind === 'user') {
    if (!sameName(context.database, db.name)) return guest ? identityOf(db, [guest]) : null;
    const user = databasePrincipalById(db, context.userId);
    return user ? identityOf(db, [user]) : null;
  }
  const dbo = databasePrincipalById(db, DATABASE_IDS.dbo);
  if (dbo && (serverTokens(catalog, session).has(SERVER_IDS.sysadmin) || (context.sid !== null && context.sid === databaseOwnerSid(db)))) {
    return identityOf(db, [dbo]);
  }
  const users = db.principals.filter((p) => p.type !== 'R' && p.principalId !== DATABASE_IDS.dbo && p.sid !== null);
  const own = context.sid === null ? undefined : users.find((u) => u.sid === context.sid);
  const groupSids = context.loginIds
    .map((id) => serverPrincipalById(catalog, id))
    .filter((login) => login?.type === 'G')
    .map((login) => login!.sid);
  const groupUsers = users.filter((u) => u.type === 'G' && groupSids.includes(u.sid!));
  const mapped = own ? [own, ...groupUsers] : groupUsers;
  if (mapped.length > 0) return identityOf(db, mapped);
  return guest ? identityOf(db, [guest]) : null;
}

/**
 * SUSER_SNAME(): the login of the current context. Under EXECUTE AS USER, the login the user maps
 * to; a user WITHOUT LOGIN has none, and SQL Server then shows its SID (as text here).
 */
export function suserSname(catalog: SecurityCatalog, session: SessionContext): string {
  const context = currentContext(session);
  if (context.kind === 'login') return context.name;
  const db = findDatabase(catalog, context.database);
  const user = db && databasePrincipalById(db, context.userId);
  if (!user) return '';
  const login = user.sid === null ? undefined : loginBySid(catalog, user.sid);
  return login?.name ?? user.sid ?? user.name;
}
