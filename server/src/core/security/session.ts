// The security context of a session: the login that connected (ORIGINAL_LOGIN()) and a stack of
// contexts pushed by EXECUTE AS and popped by REVERT. Contexts refer to principals by id, so a
// permission or membership change is seen by the next check, as in SQL Server.

/** The context of a connection or of EXECUTE AS LOGIN: server-wide. */
export interface LoginContext {
  readonly kind: 'login';
  /** What SUSER_SNAME() returns: the login's name, or the OS user's when admitted through a group. */
  readonly name: string;
  /** The SID users are mapped by; null for an OS user admitted only through a group login. */
  readonly sid: string | null;
  /** The server principals whose permissions apply: the login itself, then group logins. */
  readonly loginIds: readonly number[];
  /** The database where EXECUTE AS ran; null for the connection's own context. */
  readonly executedIn: string | null;
}

/**
 * The context of EXECUTE AS USER: scoped to one database. Server-level permissions do not apply
 * and other databases are reached only through their guest user, as SQL Server documents.
 */
export interface UserContext {
  readonly kind: 'user';
  readonly database: string;
  readonly userId: number;
  readonly executedIn: string;
}

export type SecurityContext = LoginContext | UserContext;

export interface SessionContext {
  readonly originalLogin: string;
  /** Never empty: [0] is the connection's context, the last one is in effect. */
  readonly stack: readonly SecurityContext[];
}

export function currentContext(session: SessionContext): SecurityContext {
  return session.stack[session.stack.length - 1]!;
}

export function sessionFor(login: LoginContext): SessionContext {
  return { originalLogin: login.name, stack: [login] };
}
