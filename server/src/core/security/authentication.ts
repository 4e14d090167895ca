// Opening a session: an OS identity from the peer credentials of a Unix-socket client (our analog of
// Windows integrated authentication: its own login, or a login of one of its groups), or a SQL
// login whose password the Node layer has verified against sqlLoginPasswordHash. Every refusal is
// Msg 18456 with the name the client gave, as SQL Server hides the reason from the client; the one
// exception is SQL Server's own, Msg 18486 for a SQL login locked out by wrong passwords.
import { decide, openScope, serverScope } from './evaluate';
import { afterSuccessfulLogin, afterWrongPassword, isLockedOut, type LockoutPolicy } from './lockout';
import { findLogin } from './lookup';
import { MESSAGES } from './messages';
import { withServer, type SecurityCatalog, type ServerPrincipal } from './model';
import { refuse, succeed, type Outcome } from './outcome';
import { SERVER_REF } from './securables';
import { sessionFor, type LoginContext, type SessionContext } from './session';

export interface OsIdentity {
  readonly user: string;
  readonly groups: readonly string[];
}

export interface Connection {
  readonly session: SessionContext;
  /** The database the session starts in: the one requested, else the login's default. */
  readonly database: string;
}

/**
 * Admits a login context: it needs CONNECT SQL (granted to each login when it is created; DENY
 * CONNECT SQL locks a login out), then access to the requested database (Msg 4060) or, when none
 * was requested, to its default database (Msg 4064).
 */
function admit(catalog: SecurityCatalog, context: LoginContext, requested: string | undefined, defaultDatabase: string, clientName: string): Outcome<Connection> {
  const session = sessionFor(context);
  if (decide(catalog, serverScope(catalog, session), SERVER_REF, 'CONNECT SQL') !== 'granted') return refuse(MESSAGES.loginFailed(clientName));
  const database = requested ?? defaultDatabase;
  if (!openScope(catalog, session, database).ok) {
    return refuse(requested === undefined ? MESSAGES.cannotOpenDefaultDatabase() : MESSAGES.cannotOpenRequestedDatabase(requested));
  }
  return succeed({ session, database });
}

export function connectWithOsIdentity(catalog: SecurityCatalog, identity: OsIdentity, database?: string): Outcome<Connection> {
  const failed = refuse(MESSAGES.loginFailed(identity.user));
  const own = findLogin(catalog, identity.user);
  if (own && (own.type !== 'U' || own.isDisabled)) return failed;
  const groups = identity.groups
    .map((group) => findLogin(catalog, group))
    .filter((login): login is ServerPrincipal => login?.type === 'G' && !login.isDisabled);
  const first = own ?? groups[0];
  if (!first) return failed;
  const context: LoginContext = {
    kind: 'login',
    name: own?.name ?? identity.user,
    sid: own?.sid ?? null,
    loginIds: [...(own ? [own.principalId] : []), ...groups.map((g) => g.principalId)],
    executedIn: null,
  };
  return admit(catalog, context, database, first.defaultDatabase ?? 'master', identity.user);
}

/** The stored hash of a SQL login, for the Node layer to verify a password against; null otherwise. */
export function sqlLoginPasswordHash(catalog: SecurityCatalog, name: string): string | null {
  const login = findLogin(catalog, name);
  return login?.type === 'S' ? login.passwordHash : null;
}

export function connectWithSqlLogin(catalog: SecurityCatalog, name: string, passwordVerified: boolean, database?: string): Outcome<Connection> {
  const login = findLogin(catalog, name);
  if (!login || login.type !== 'S' || login.isDisabled || login.passwordHash === null || !passwordVerified) {
    return refuse(MESSAGES.loginFailed(name));
  }
  const context: LoginContext = { kind: 'login', name: login.name, sid: login.sid, loginIds: [login.principalId], executedIn: null };
  return admit(catalog, context, database, login.defaultDatabase ?? 'master', name);
}

/** What a SQL-authentication attempt decided, and the catalog with the login's failure count as it now stands. */
export interface SqlLoginAttempt {
  readonly outcome: Outcome<Connection>;
  /** The same object as the catalog given when nothing changed: the caller commits only a new one. */
  readonly catalog: SecurityCatalog;
}

function replaceLogin(catalog: SecurityCatalog, login: ServerPrincipal): SecurityCatalog {
  return withServer(catalog, { ...catalog.server, principals: catalog.server.principals.map((p) => (p.principalId === login.principalId ? login : p)) });
}

/**
 * A SQL login attempt under the lockout policy (lockout.ts): a locked login is refused with Msg
 * 18486 whatever the password; a wrong password counts towards the lock and is refused with Msg
 * 18456 like every other failure; a login that connects starts its count again.
 */
export function authenticateSqlLogin(
  catalog: SecurityCatalog,
  name: string,
  passwordVerified: boolean,
  policy: LockoutPolicy,
  now: number,
  database?: string,
): SqlLoginAttempt {
  const login = findLogin(catalog, name);
  if (login?.type === 'S' && isLockedOut(login, policy, now)) return { outcome: refuse(MESSAGES.loginLockedOut(name)), catalog };
  if (login?.type === 'S' && !login.isDisabled && login.passwordHash !== null && !passwordVerified) {
    return { outcome: refuse(MESSAGES.loginFailed(name)), catalog: replaceLogin(catalog, afterWrongPassword(login, policy, now)) };
  }
  const outcome = connectWithSqlLogin(catalog, name, passwordVerified, database);
  if (!outcome.ok || !login) return { outcome, catalog };
  const reset = afterSuccessfulLogin(login);
  return { outcome, catalog: reset === login ? catalog : replaceLogin(catalog, reset) };
}
