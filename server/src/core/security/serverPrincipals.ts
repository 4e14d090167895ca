// Server-level statements: CREATE / ALTER / DROP LOGIN, ALTER SERVER ROLE ... ADD / DROP MEMBER,
// CREATE / DROP DATABASE, and the permission sp_configure needs to change a setting. Each checks the
// session's current context first and returns SQL Server's error, or the new catalog.
import { SERVER_IDS, SYSTEM_DATABASES } from './builtins';
import { decide, openScope, serverScope } from './evaluate';
import { databaseOwnerSid, databasePrincipalById, findDatabase, findLogin, findServerPrincipal, loginBySid, sameName, serverPrincipalById } from './lookup';
import { unlocked } from './lockout';
import { MESSAGES } from './messages';
import { generatedSid, newDatabase, withServer, type PermissionRow, type SecurityCatalog, type ServerPrincipal } from './model';
import { ALLOWED, refuse, succeed, type Outcome, type Verdict } from './outcome';
import { SERVER_REF } from './securables';
import { currentContext, type SessionContext } from './session';

function holdsServer(catalog: SecurityCatalog, session: SessionContext, permission: string): boolean {
  return decide(catalog, serverScope(catalog, session), SERVER_REF, permission) === 'granted';
}

/** How a login authenticates: a SQL password (its hash), an OS user, or an OS group (FROM OS). */
export type LoginSource =
  | { readonly kind: 'password'; readonly passwordHash: string }
  | { readonly kind: 'os-user'; readonly sid?: string }
  | { readonly kind: 'os-group'; readonly sid?: string };

export interface CreateLoginSpec {
  readonly name: string;
  readonly source: LoginSource;
  readonly defaultDatabase?: string;
  readonly disabled?: boolean;
  /** CHECK_POLICY (SQL logins; ON when not said): whether wrong passwords lock the login (lockout.ts). */
  readonly checkPolicy?: boolean;
  /** When the password was set, for LOGINPROPERTY's PasswordLastSetTime (the engine clock's ms). */
  readonly passwordSetAt?: number;
}

/** CREATE LOGIN: needs ALTER ANY LOGIN (securityadmin, CONTROL SERVER); the login gets CONNECT SQL. */
export function createLogin(catalog: SecurityCatalog, session: SessionContext, spec: CreateLoginSpec): Outcome<SecurityCatalog> {
  if (!holdsServer(catalog, session, 'ALTER ANY LOGIN')) return refuse(MESSAGES.noPermission());
  if (findServerPrincipal(catalog, spec.name)) return refuse(MESSAGES.serverPrincipalExists(spec.name));
  const principalId = catalog.server.nextPrincipalId;
  const source = spec.source;
  if (source.kind !== 'password' && spec.checkPolicy !== undefined) return refuse(MESSAGES.passwordOnOsLogin('CHECK_POLICY'));
  const policy = source.kind === 'password' ? { checkPolicy: spec.checkPolicy ?? true, passwordLastSetTime: spec.passwordSetAt ?? null } : {};
  const login: ServerPrincipal = {
    principalId,
    name: spec.name,
    sid: (source.kind === 'password' ? undefined : source.sid) ?? generatedSid(principalId),
    type: source.kind === 'password' ? 'S' : source.kind === 'os-user' ? 'U' : 'G',
    isFixedRole: false,
    isDisabled: spec.disabled ?? false,
    defaultDatabase: spec.defaultDatabase ?? 'master',
    passwordHash: source.kind === 'password' ? source.passwordHash : null,
    ownerId: null,
    ...policy,
  };
  const connectSql: PermissionRow = {
    classCode: 100,
    majorId: 0,
    minorId: 0,
    permission: 'CONNECT SQL',
    granteeId: principalId,
    grantorId: SERVER_IDS.sa,
    state: 'G',
  };
  return succeed(
    withServer(catalog, {
      ...catalog.server,
      principals: [...catalog.server.principals, login],
      permissions: [...catalog.server.permissions, connectSql],
      nextPrincipalId: principalId + 1,
    }),
  );
}

export interface AlterLoginChange {
  /** ALTER LOGIN ... ENABLE / DISABLE. */
  readonly enabled?: boolean;
  /** ALTER LOGIN ... WITH PASSWORD: the new hash, computed by the Node layer. */
  readonly passwordHash?: string;
  /** Set when the statement gave OLD_PASSWORD and the Node layer verified it. */
  readonly oldPasswordVerified?: boolean;
  /** When the new password was set (the engine clock's ms). */
  readonly passwordSetAt?: number;
  /** WITH PASSWORD = '...' UNLOCK: the login's lockout ends. */
  readonly unlock?: boolean;
  /** WITH CHECK_POLICY = ON | OFF: either way the lockout state starts afresh, as SQL Server resets it. */
  readonly checkPolicy?: boolean;
}

/**
 * ALTER LOGIN: needs ALTER on the login (ALTER ANY LOGIN, CONTROL SERVER), except that a login may
 * change its own password by giving the old one. A SQL login without a password cannot be enabled
 * (Msg 15510: sa as the instance is created), and OS logins have no password (Msg 15080).
 */
export function alterLogin(catalog: SecurityCatalog, session: SessionContext, name: string, change: AlterLoginChange): Outcome<SecurityCatalog> {
  const failure = refuse(MESSAGES.notFoundOrNoPermission('alter', 'login', name));
  const login = findLogin(catalog, name);
  if (!login) return failure;
  const current = currentContext(session);
  const ownPasswordChange =
    change.enabled === undefined &&
    change.unlock !== true &&
    change.checkPolicy === undefined &&
    change.passwordHash !== undefined &&
    change.oldPasswordVerified === true &&
    current.kind === 'login' &&
    current.loginIds[0] === login.principalId;
  if (!ownPasswordChange && decide(catalog, serverScope(catalog, session), { class: 'LOGIN', principal: login }, 'ALTER') !== 'granted') return failure;
  if (change.passwordHash !== undefined && login.type !== 'S') return refuse(MESSAGES.passwordOnOsLogin());
  if (change.checkPolicy !== undefined && login.type !== 'S') return refuse(MESSAGES.passwordOnOsLogin('CHECK_POLICY'));
  const passwordHash = change.passwordHash ?? login.passwordHash;
  if (change.enabled === true && login.type === 'S' && passwordHash === null) return refuse(MESSAGES.emptyPasswordLogin());
  let updated: ServerPrincipal = { ...login, passwordHash, isDisabled: change.enabled === undefined ? login.isDisabled : !change.enabled };
  if (change.passwordHash !== undefined) updated = { ...updated, passwordLastSetTime: change.passwordSetAt ?? null };
  if (change.checkPolicy !== undefined) updated = { ...unlocked(updated), checkPolicy: change.checkPolicy };
  if (change.unlock === true) updated = unlocked(updated);
  return succeed(
    withServer(catalog, { ...catalog.server, principals: catalog.server.principals.map((p) => (p.principalId === login.principalId ? updated : p)) }),
  );
}

/**
 * DROP LOGIN: needs ALTER ANY LOGIN. The login's users stay in their databases, orphaned, as in
 * SQL Server. Refused for sa, for a login in use by this session, one that owns a database, or one
 * that granted permissions.
 */
export function dropLogin(catalog: SecurityCatalog, session: SessionContext, name: string): Outcome<SecurityCatalog> {
  const login = findLogin(catalog, name);
  if (!login || !holdsServer(catalog, session, 'ALTER ANY LOGIN')) return refuse(MESSAGES.notFoundOrNoPermission('drop', 'login', name));
  if (login.principalId === SERVER_IDS.sa) return refuse(MESSAGES.specialPrincipal(login.name));
  if (session.stack.some((context) => context.kind === 'login' && context.loginIds.includes(login.principalId))) {
    return refuse(MESSAGES.loginInUse(login.name));
  }
  if (catalog.databases.some((db) => databaseOwnerSid(db) === login.sid)) return refuse(MESSAGES.loginOwnsDatabases(login.name));
  if (catalog.server.permissions.some((r) => r.grantorId === login.principalId)) return refuse(MESSAGES.loginHasGranted(login.name));
  const id = login.principalId;
  return succeed(
    withServer(catalog, {
      ...catalog.server,
      principals: catalog.server.principals.filter((p) => p.principalId !== id),
      roleMembers: catalog.server.roleMembers.filter((m) => m.memberId !== id),
      permissions: catalog.server.permissions.filter((r) => r.granteeId !== id && !(r.classCode === 101 && r.majorId === id)),
    }),
  );
}

/**
 * ALTER SERVER ROLE role ADD / DROP MEMBER login. Only fixed server roles exist here; changing one
 * needs membership in it (or sysadmin): CONTROL SERVER and ALTER ANY SERVER ROLE are not enough, as
 * SQL Server documents. public's membership cannot change (Msg 15081); sa stays in sysadmin.
 */
export function alterServerRoleMember(
  catalog: SecurityCatalog,
  session: SessionContext,
  change: { readonly role: string; readonly member: string; readonly action: 'add' | 'drop' },
): Outcome<SecurityCatalog> {
  const role = findServerPrincipal(catalog, change.role);
  const failure = refuse(MESSAGES.notFoundOrNoPermission('alter', 'server role', change.role));
  if (!role || role.type !== 'R') return failure;
  if (role.principalId === SERVER_IDS.public) return refuse(MESSAGES.publicMembershipFixed());
  const scope = serverScope(catalog, session);
  if (!scope.bypass && !scope.serverIds.has(role.principalId)) return failure;
  const member = findLogin(catalog, change.member);
  if (!member) return refuse(MESSAGES.notFoundOrNoPermission(change.action, 'principal', change.member));
  if (member.principalId === SERVER_IDS.sa) return refuse(MESSAGES.specialPrincipal(member.name));
  const others = catalog.server.roleMembers.filter((m) => !(m.roleId === role.principalId && m.memberId === member.principalId));
  const roleMembers = change.action === 'add' ? [...others, { roleId: role.principalId, memberId: member.principalId }] : others;
  return succeed(withServer(catalog, { ...catalog.server, roleMembers }));
}

/** The login a new database belongs to: the current context's login (its user's login under EXECUTE AS USER). */
function creatingLogin(catalog: SecurityCatalog, session: SessionContext): ServerPrincipal | undefined {
  const context = currentContext(session);
  if (context.kind === 'login') return serverPrincipalById(catalog, context.loginIds[0]!);
  const db = findDatabase(catalog, context.database);
  const user = db && databasePrincipalById(db, context.userId);
  return user?.sid ? loginBySid(catalog, user.sid) : undefined;
}

/**
 * CREATE DATABASE: needs CREATE ANY DATABASE (dbcreator, sysadmin) or CREATE DATABASE in master.
 * The creating login owns the database, so it is dbo there.
 */
export function createDatabase(catalog: SecurityCatalog, session: SessionContext, name: string): Outcome<SecurityCatalog> {
  const denied = refuse(MESSAGES.statementPermissionDenied('CREATE DATABASE', 'master'));
  const inMaster = openScope(catalog, session, 'master');
  const allowed =
    holdsServer(catalog, session, 'CREATE ANY DATABASE') || (inMaster.ok && decide(catalog, inMaster.value, { class: 'DATABASE' }, 'CREATE DATABASE') === 'granted');
  if (!allowed) return denied;
  if (findDatabase(catalog, name)) return refuse(MESSAGES.databaseExists(name));
  const owner = creatingLogin(catalog, session);
  if (!owner) return denied;
  return succeed({ ...catalog, databases: [...catalog.databases, newDatabase(name, owner)] });
}

/** DROP DATABASE: needs CONTROL on it (its owner, db_owner), or ALTER ANY DATABASE. */
export function dropDatabase(catalog: SecurityCatalog, session: SessionContext, name: string): Outcome<SecurityCatalog> {
  const failure = refuse(MESSAGES.cannotDropDatabase(name));
  const db = findDatabase(catalog, name);
  if (!db) return failure;
  if (SYSTEM_DATABASES.some((system) => sameName(system, db.name))) return refuse(MESSAGES.cannotDropSystemDatabase(db.name));
  const inside = openScope(catalog, session, db.name);
  const allowed =
    holdsServer(catalog, session, 'ALTER ANY DATABASE') || (inside.ok && decide(catalog, inside.value, { class: 'DATABASE' }, 'CONTROL') === 'granted');
  if (!allowed) return failure;
  return succeed({ ...catalog, databases: catalog.databases.filter((d) => d !== db) });
}

/**
 * sp_configure with a value, and RECONFIGURE: ALTER SETTINGS (serveradmin, sysadmin, CONTROL
 * SERVER). sp_configure with no value only reads, and everyone may.
 */
export function checkConfigurationChange(catalog: SecurityCatalog, session: SessionContext): Verdict {
  return holdsServer(catalog, session, 'ALTER SETTINGS') ? ALLOWED : refuse(MESSAGES.noPermission());
}
