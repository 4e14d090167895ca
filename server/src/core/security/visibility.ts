// Metadata visibility, SQL Server's rule for the catalog views: a principal sees the metadata of
// the securables it owns or holds some permission on (any one, granted directly, through a role,
// or implied by a covering permission such as VIEW DEFINITION on the database or VIEW ANY
// DEFINITION on the server), and besides that:
// - sys.server_principals: its own login (and the group logins it came in through), sa, and the
//   server roles (all fixed here, public included);
// - sys.database_principals: its own user, the roles it is in, and the principals every database
//   has (public, dbo, guest, INFORMATION_SCHEMA, sys, the fixed roles);
// - sys.server_permissions / sys.database_permissions: the rows granted to itself or to a role it
//   is in, and those of principals it holds a permission on ("VIEW DEFINITION, ALTER ANY USER, or
//   any permission on a user", as the views' documentation puts it);
// - role memberships: its own, and those of members it holds a permission on;
// - sys.databases: master, tempdb, the current database, those it owns, and all of them with VIEW
//   ANY DATABASE (granted to public by default), ALTER ANY DATABASE or CREATE DATABASE in master.
// sysadmin, and dbo in its database, see everything.
import { BUILTIN_EXTERNAL_LANGUAGES, DATABASE_IDS, SERVER_IDS } from './builtins';
import { decide, openScope, serverScope, type PermissionScope } from './evaluate';
import { databaseOwnerSid, databasePrincipalById, findDatabase, sameName, serverPrincipalById } from './lookup';
import type { DatabasePrincipal, SecurityCatalog, ServerPrincipal } from './model';
import { BUILTIN_PERMISSIONS } from './permissions';
import { DATABASE_REF, SERVER_REF, type SecurableRef } from './securables';
import { currentContext, type SessionContext } from './session';

/** Whether the scope owns the securable or holds any permission of its class on it. */
function holdsAnyPermission(catalog: SecurityCatalog, scope: PermissionScope, ref: SecurableRef): boolean {
  if (scope.bypass) return true;
  if (Object.keys(BUILTIN_PERMISSIONS[ref.class]).some((permission) => decide(catalog, scope, ref, permission) === 'granted')) return true;
  // A column-level GRANT (SELECT (a) ON t) is a permission on the table too.
  if (ref.class !== 'OBJECT') return false;
  return (scope.db?.permissions ?? []).some(
    (r) => r.classCode === 1 && r.majorId === ref.object.objectId && r.minorId > 0 && r.state !== 'D' && scope.databaseIds.has(r.granteeId),
  );
}

function serverPrincipalRef(principal: ServerPrincipal): SecurableRef {
  return principal.type === 'R' ? { class: 'SERVER ROLE', principal } : { class: 'LOGIN', principal };
}

function databasePrincipalRef(principal: DatabasePrincipal): SecurableRef {
  return principal.type === 'R' ? { class: 'ROLE', principal } : { class: 'USER', principal };
}

/** What a session may see of the server-level catalog views. */
export interface ServerVisibility {
  principal(principalId: number): boolean;
  /** A row of sys.server_permissions, by its grantee. */
  permission(granteeId: number): boolean;
  /** A row of the role-members view, by its member. */
  roleMember(memberId: number): boolean;
  database(name: string): boolean;
}

export function serverVisibility(catalog: SecurityCatalog, session: SessionContext, currentDatabase: string): ServerVisibility {
  const scope = serverScope(catalog, session);
  const cache = new Map<number, boolean>();
  /** Held a permission on (or owns): what widens every view beyond the caller's own rows. */
  const heldOn = (principalId: number): boolean => {
    let known = cache.get(principalId);
    if (known === undefined) {
      const principal = serverPrincipalById(catalog, principalId);
      known = !!principal && holdsAnyPermission(catalog, scope, serverPrincipalRef(principal));
      cache.set(principalId, known);
    }
    return known;
  };
  const own = (principalId: number) => scope.bypass || scope.serverIds.has(principalId);
  const seesAllDatabases =
    scope.bypass ||
    decide(catalog, scope, SERVER_REF, 'VIEW ANY DATABASE') === 'granted' ||
    decide(catalog, scope, SERVER_REF, 'ALTER ANY DATABASE') === 'granted' ||
    createsDatabasesInMaster(catalog, session);
  const context = currentContext(session);
  const loginSid = context.kind === 'login' ? context.sid : null;
  return {
    principal: (id) => {
      const principal = serverPrincipalById(catalog, id);
      return !!principal && (own(id) || id === SERVER_IDS.sa || principal.type === 'R' || heldOn(id));
    },
    permission: (granteeId) => own(granteeId) || heldOn(granteeId),
    roleMember: (memberId) => own(memberId) || heldOn(memberId),
    database: (name) => {
      if (seesAllDatabases || ['master', 'tempdb'].some((system) => sameName(system, name)) || sameName(name, currentDatabase)) return true;
      const db = findDatabase(catalog, name);
      return !!db && loginSid !== null && databaseOwnerSid(db) === loginSid;
    },
  };
}

function createsDatabasesInMaster(catalog: SecurityCatalog, session: SessionContext): boolean {
  const master = openScope(catalog, session, 'master');
  return master.ok && decide(catalog, master.value, DATABASE_REF, 'CREATE DATABASE') === 'granted';
}

/** What a session may see of one database's catalog views. */
export interface DatabaseVisibility {
  principal(principalId: number): boolean;
  /** A row of sys.database_permissions, by its grantee. */
  permission(granteeId: number): boolean;
  /** A row of the role-members view, by its member. */
  roleMember(memberId: number): boolean;
  schema(schemaId: number): boolean;
  object(objectId: number): boolean;
  externalLanguage(languageId: number): boolean;
}

const NOTHING: DatabaseVisibility = {
  principal: () => false,
  permission: () => false,
  roleMember: () => false,
  schema: () => false,
  object: () => false,
  externalLanguage: () => false,
};

/** Principals and schemas every database has: dbo, guest, INFORMATION_SCHEMA, sys (ids 1 to 4, for both). */
const BUILTIN_IDS: ReadonlySet<number> = new Set([DATABASE_IDS.dbo, DATABASE_IDS.guest, DATABASE_IDS.informationSchema, DATABASE_IDS.sys]);

/** A database the session cannot open shows nothing (reading it names the database, and fails, elsewhere). */
export function databaseVisibility(catalog: SecurityCatalog, session: SessionContext, database: string): DatabaseVisibility {
  const opened = openScope(catalog, session, database);
  if (!opened.ok) return NOTHING;
  const scope = opened.value;
  const db = scope.db!;
  const cache = new Map<number, boolean>();
  const heldOn = (principalId: number): boolean => {
    let known = cache.get(principalId);
    if (known === undefined) {
      const principal = databasePrincipalById(db, principalId);
      known = !!principal && holdsAnyPermission(catalog, scope, databasePrincipalRef(principal));
      cache.set(principalId, known);
    }
    return known;
  };
  const own = (principalId: number) => scope.bypass || scope.databaseIds.has(principalId);
  return {
    principal: (id) => {
      const principal = databasePrincipalById(db, id);
      return !!principal && (own(id) || id === DATABASE_IDS.public || BUILTIN_IDS.has(id) || principal.isFixedRole || heldOn(id));
    },
    permission: (granteeId) => own(granteeId) || heldOn(granteeId),
    roleMember: (memberId) => own(memberId) || heldOn(memberId),
    schema: (id) => {
      const schema = db.schemas.find((s) => s.schemaId === id);
      return !!schema && (BUILTIN_IDS.has(id) || holdsAnyPermission(catalog, scope, { class: 'SCHEMA', schema }));
    },
    object: (id) => {
      const object = db.objects.find((o) => o.objectId === id);
      return !!object && holdsAnyPermission(catalog, scope, { class: 'OBJECT', object });
    },
    externalLanguage: (id) => {
      const language = db.externalLanguages.find((l) => l.languageId === id);
      if (!language) return false;
      return BUILTIN_EXTERNAL_LANGUAGES.some((name) => sameName(name, language.name)) || holdsAnyPermission(catalog, scope, { class: 'EXTERNAL LANGUAGE', language });
    },
  };
}

