// Securables: how the executor names them (SecurableName), what they resolve to in the catalog
// (SecurableRef), where their permission rows are stored, what contains them and who owns them.
import { findDatabasePrincipal, findExternalLanguage, findObject, findSchema, findServerPrincipal, effectiveObjectOwner, schemaById } from './lookup';
import type {
  DatabasePrincipal,
  DatabaseSecurity,
  ExternalLanguageEntry,
  ObjectEntry,
  SchemaEntry,
  SecurityCatalog,
  ServerPrincipal,
} from './model';
import type { EntityKind } from './messages';
import { STORAGE_CLASS } from './permissions';

/** A securable as a statement names it: GRANT ... ON OBJECT::dbo.iris, ON SCHEMA::sales, ... */
export type SecurableName =
  | { readonly class: 'SERVER' }
  | { readonly class: 'DATABASE' }
  | { readonly class: 'LOGIN' | 'SERVER ROLE' | 'SCHEMA' | 'USER' | 'ROLE' | 'EXTERNAL LANGUAGE'; readonly name: string }
  | { readonly class: 'OBJECT'; readonly schema: string; readonly name: string };

export type SecurableRef =
  | { readonly class: 'SERVER' }
  | { readonly class: 'DATABASE' }
  | { readonly class: 'LOGIN' | 'SERVER ROLE'; readonly principal: ServerPrincipal }
  | { readonly class: 'SCHEMA'; readonly schema: SchemaEntry }
  | { readonly class: 'OBJECT'; readonly object: ObjectEntry }
  | { readonly class: 'USER' | 'ROLE'; readonly principal: DatabasePrincipal }
  | { readonly class: 'EXTERNAL LANGUAGE'; readonly language: ExternalLanguageEntry };

export const SERVER_REF: SecurableRef = { class: 'SERVER' };
export const DATABASE_REF: SecurableRef = { class: 'DATABASE' };

/** The catalog entry a name stands for; undefined when it does not exist (or needs a database). */
export function resolveSecurable(catalog: SecurityCatalog, db: DatabaseSecurity | undefined, name: SecurableName): SecurableRef | undefined {
  switch (name.class) {
    case 'SERVER':
      return SERVER_REF;
    case 'LOGIN':
    case 'SERVER ROLE': {
      const principal = findServerPrincipal(catalog, name.name);
      const isRole = principal?.type === 'R';
      return principal && isRole === (name.class === 'SERVER ROLE') ? { class: name.class, principal } : undefined;
    }
  }
  if (!db) return undefined;
  switch (name.class) {
    case 'DATABASE':
      return DATABASE_REF;
    case 'SCHEMA': {
      const schema = findSchema(db, name.name);
      return schema && { class: 'SCHEMA', schema };
    }
    case 'OBJECT': {
      const object = findObject(db, name.schema, name.name);
      return object && { class: 'OBJECT', object };
    }
    case 'USER':
    case 'ROLE': {
      const principal = findDatabasePrincipal(db, name.name);
      const isRole = principal?.type === 'R';
      return principal && isRole === (name.class === 'ROLE') ? { class: name.class, principal } : undefined;
    }
    case 'EXTERNAL LANGUAGE': {
      const language = findExternalLanguage(db, name.name);
      return language && { class: 'EXTERNAL LANGUAGE', language };
    }
  }
}

export interface StorageKey {
  readonly classCode: number;
  readonly majorId: number;
}

/** Where the securable's rows live in sys.database_permissions / sys.server_permissions. */
export function storageKey(ref: SecurableRef): StorageKey {
  const classCode = STORAGE_CLASS[ref.class].classCode;
  switch (ref.class) {
    case 'SERVER':
    case 'DATABASE':
      return { classCode, majorId: 0 };
    case 'LOGIN':
    case 'SERVER ROLE':
    case 'USER':
    case 'ROLE':
      return { classCode, majorId: ref.principal.principalId };
    case 'SCHEMA':
      return { classCode, majorId: ref.schema.schemaId };
    case 'OBJECT':
      return { classCode, majorId: ref.object.objectId };
    case 'EXTERNAL LANGUAGE':
      return { classCode, majorId: ref.language.languageId };
  }
}

/** The securable one step up the permission hierarchy. */
export function parentOf(db: DatabaseSecurity | undefined, ref: SecurableRef): SecurableRef | undefined {
  switch (ref.class) {
    case 'SERVER':
      return undefined;
    case 'LOGIN':
    case 'SERVER ROLE':
    case 'DATABASE':
      return SERVER_REF;
    case 'SCHEMA':
    case 'USER':
    case 'ROLE':
    case 'EXTERNAL LANGUAGE':
      return DATABASE_REF;
    case 'OBJECT': {
      const schema = db && schemaById(db, ref.object.schemaId);
      return schema && { class: 'SCHEMA', schema };
    }
  }
}

export interface Owner {
  readonly scope: 'server' | 'database';
  readonly principalId: number;
}

/** Who owns the securable (and so holds CONTROL on it); logins, users and the scopes have no owner here. */
export function ownerOf(db: DatabaseSecurity | undefined, ref: SecurableRef): Owner | undefined {
  switch (ref.class) {
    case 'SERVER ROLE':
      return ref.principal.ownerId === null ? undefined : { scope: 'server', principalId: ref.principal.ownerId };
    case 'ROLE':
      return ref.principal.ownerId === null ? undefined : { scope: 'database', principalId: ref.principal.ownerId };
    case 'SCHEMA':
      return { scope: 'database', principalId: ref.schema.ownerId };
    case 'OBJECT':
      return db && { scope: 'database', principalId: effectiveObjectOwner(db, ref.object) };
    case 'EXTERNAL LANGUAGE':
      return { scope: 'database', principalId: ref.language.ownerId };
    default:
      return undefined;
  }
}

/** The key two refs share when they are the same securable. */
export function refKey(ref: SecurableRef): string {
  const key = storageKey(ref);
  return `${key.classCode}:${key.majorId}`;
}

type NamedClass = Exclude<SecurableName['class'], 'SERVER' | 'DATABASE'>;

/** What Msg 15150/15151 call a securable of each named class. */
export const ENTITY_KIND: { readonly [C in NamedClass]: EntityKind } = {
  LOGIN: 'login',
  'SERVER ROLE': 'server role',
  SCHEMA: 'schema',
  OBJECT: 'object',
  USER: 'user',
  ROLE: 'role',
  'EXTERNAL LANGUAGE': 'external language',
};

/** The name a message shows for a securable ('' for the server and the database). */
export function securableName(ref: SecurableRef): string {
  switch (ref.class) {
    case 'SERVER':
    case 'DATABASE':
      return '';
    case 'LOGIN':
    case 'SERVER ROLE':
    case 'USER':
    case 'ROLE':
      return ref.principal.name;
    case 'SCHEMA':
      return ref.schema.name;
    case 'OBJECT':
      return ref.object.name;
    case 'EXTERNAL LANGUAGE':
      return ref.language.name;
  }
}
