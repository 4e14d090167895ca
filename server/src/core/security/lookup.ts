// Finding principals, databases and securables by name. Names compare as under SQL Server's
// default collation (SQL_Latin1_General_CP1_CI_AS): case-insensitively.
import { DATABASE_IDS } from './builtins';
import type {
  DatabasePrincipal,
  DatabaseSecurity,
  ExternalLanguageEntry,
  ObjectEntry,
  RoleMembership,
  SchemaEntry,
  SecurityCatalog,
  ServerPrincipal,
} from './model';

export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function byName<T extends { readonly name: string }>(items: readonly T[], name: string): T | undefined {
  return items.find((item) => sameName(item.name, name));
}

export function findDatabase(catalog: SecurityCatalog, name: string): DatabaseSecurity | undefined {
  return byName(catalog.databases, name);
}

export function findServerPrincipal(catalog: SecurityCatalog, name: string): ServerPrincipal | undefined {
  return byName(catalog.server.principals, name);
}

export function serverPrincipalById(catalog: SecurityCatalog, id: number): ServerPrincipal | undefined {
  return catalog.server.principals.find((p) => p.principalId === id);
}

export function findLogin(catalog: SecurityCatalog, name: string): ServerPrincipal | undefined {
  const principal = findServerPrincipal(catalog, name);
  return principal && principal.type !== 'R' ? principal : undefined;
}

export function loginBySid(catalog: SecurityCatalog, sid: string): ServerPrincipal | undefined {
  return catalog.server.principals.find((p) => p.type !== 'R' && p.sid === sid);
}

export function findDatabasePrincipal(db: DatabaseSecurity, name: string): DatabasePrincipal | undefined {
  return byName(db.principals, name);
}

export function databasePrincipalById(db: DatabaseSecurity, id: number): DatabasePrincipal | undefined {
  return db.principals.find((p) => p.principalId === id);
}

export function findSchema(db: DatabaseSecurity, name: string): SchemaEntry | undefined {
  return byName(db.schemas, name);
}

export function schemaById(db: DatabaseSecurity, id: number): SchemaEntry | undefined {
  return db.schemas.find((s) => s.schemaId === id);
}

export function findObject(db: DatabaseSecurity, schema: string, name: string): ObjectEntry | undefined {
  const owner = findSchema(db, schema);
  return owner && db.objects.find((o) => o.schemaId === owner.schemaId && sameName(o.name, name));
}

export function findExternalLanguage(db: DatabaseSecurity, name: string): ExternalLanguageEntry | undefined {
  return byName(db.externalLanguages, name);
}

/** The principal that owns an object: its explicit owner, else its schema's owner. */
export function effectiveObjectOwner(db: DatabaseSecurity, object: ObjectEntry): number {
  return object.ownerId ?? schemaById(db, object.schemaId)?.ownerId ?? DATABASE_IDS.dbo;
}

/** The login that owns a database: the one dbo maps to. */
export function databaseOwnerSid(db: DatabaseSecurity): string | null {
  return databasePrincipalById(db, DATABASE_IDS.dbo)?.sid ?? null;
}

/** The ids of the roles the given principals are members of, directly or through other roles. */
export function rolesOf(memberships: readonly RoleMembership[], principalIds: Iterable<number>): Set<number> {
  const found = new Set<number>();
  const pending = [...principalIds];
  while (pending.length > 0) {
    const member = pending.pop()!;
    for (const m of memberships) {
      if (m.memberId === member && !found.has(m.roleId)) {
        found.add(m.roleId);
        pending.push(m.roleId);
      }
    }
  }
  return found;
}
