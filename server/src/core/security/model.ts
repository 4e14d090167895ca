// The security catalog of the embedded instance: plain, JSON-serialisable data that the Node layer
// persists as it is. Nothing here is mutated in place: every change returns a new catalog.
import {
  BUILTIN_EXTERNAL_LANGUAGES,
  DATABASE_IDS,
  FIXED_DATABASE_ROLES,
  FIXED_SERVER_ROLES,
  SERVER_IDS,
} from './builtins';

/**
 * sys.server_principals.type: 'S' SQL login, 'R' server role, and for OS logins (CREATE LOGIN ...
 * FROM OS, identified by the peer credentials of a Unix-socket client) SQL Server's Windows types,
 * so that queries written for SQL Server read them unchanged: 'U' an OS user (type_desc
 * WINDOWS_LOGIN), 'G' an OS group (WINDOWS_GROUP).
 */
export type ServerPrincipalType = 'S' | 'U' | 'G' | 'R';

export interface ServerPrincipal {
  readonly principalId: number;
  readonly name: string;
  /** varbinary shown as hex ('0x01' for sa). Users in databases map to logins by sid. */
  readonly sid: string;
  readonly type: ServerPrincipalType;
  readonly isFixedRole: boolean;
  readonly isDisabled: boolean;
  readonly defaultDatabase: string | null;
  /** SQL logins only: the opaque hash the Node layer computed; this layer never reads it. */
  readonly passwordHash: string | null;
  /** Server roles: their owner (sa for the fixed roles). */
  readonly ownerId: number | null;
  /**
   * SQL logins: CHECK_POLICY (ON unless the login was created or altered with OFF) and the lockout
   * state it keeps (lockout.ts). Optional because catalogs written before lockout existed lack them:
   * absent means ON, no failures, not locked, password set at an unknown time.
   */
  readonly checkPolicy?: boolean;
  readonly badPasswordCount?: number;
  /** Milliseconds since 1970 (UTC), as the engine's clock gives them; null for never. */
  readonly badPasswordTime?: number | null;
  readonly lockoutTime?: number | null;
  readonly passwordLastSetTime?: number | null;
}

export interface RoleMembership {
  readonly roleId: number;
  readonly memberId: number;
}

/** G grant, W grant with grant option, D deny (REVOKE removes the row). */
export type PermissionState = 'G' | 'W' | 'D';

/** One row of sys.database_permissions or sys.server_permissions. */
export interface PermissionRow {
  readonly classCode: number;
  readonly majorId: number;
  /** A column id (1-based position in the object's columns) or 0. */
  readonly minorId: number;
  readonly permission: string;
  readonly granteeId: number;
  readonly grantorId: number;
  readonly state: PermissionState;
}

export interface ServerSecurity {
  readonly principals: readonly ServerPrincipal[];
  readonly roleMembers: readonly RoleMembership[];
  readonly permissions: readonly PermissionRow[];
  readonly nextPrincipalId: number;
}

/** sys.database_principals.type: 'S' SQL user, 'U' OS user, 'G' OS group, 'R' database role. */
export type DatabasePrincipalType = 'S' | 'U' | 'G' | 'R';

export type AuthenticationType = 'NONE' | 'INSTANCE' | 'WINDOWS';

export interface DatabasePrincipal {
  readonly principalId: number;
  readonly name: string;
  readonly type: DatabasePrincipalType;
  /** The login a user maps to; dbo's is the database owner's. Null for roles, sys, INFORMATION_SCHEMA. */
  readonly sid: string | null;
  /** Users: INSTANCE (SQL login), WINDOWS (OS login), NONE (WITHOUT LOGIN, guest, sys...). Roles: null. */
  readonly authentication: AuthenticationType | null;
  readonly defaultSchema: string | null;
  /** Roles: the owning principal. */
  readonly ownerId: number | null;
  readonly isFixedRole: boolean;
}

export interface SchemaEntry {
  readonly schemaId: number;
  readonly name: string;
  readonly ownerId: number;
}

/** sys.objects.type of the objects that carry permissions. */
export type ObjectType = 'U' | 'V' | 'P' | 'FN' | 'IF' | 'TF';

export interface ObjectEntry {
  readonly objectId: number;
  readonly schemaId: number;
  readonly name: string;
  readonly type: ObjectType;
  /** An explicit owner (ALTER AUTHORIZATION); null means the schema's owner, as in SQL Server. */
  readonly ownerId: number | null;
  /** Column names in order; a column's id is its position + 1. */
  readonly columns: readonly string[];
}

export interface ExternalLanguageEntry {
  readonly languageId: number;
  readonly name: string;
  readonly ownerId: number;
}

export interface DatabaseSecurity {
  readonly name: string;
  readonly principals: readonly DatabasePrincipal[];
  readonly roleMembers: readonly RoleMembership[];
  readonly permissions: readonly PermissionRow[];
  readonly schemas: readonly SchemaEntry[];
  readonly objects: readonly ObjectEntry[];
  readonly externalLanguages: readonly ExternalLanguageEntry[];
  readonly nextPrincipalId: number;
  readonly nextSchemaId: number;
  readonly nextObjectId: number;
  readonly nextLanguageId: number;
}

export interface SecurityCatalog {
  readonly server: ServerSecurity;
  readonly databases: readonly DatabaseSecurity[];
}

/**
 * A SID for a principal created here: SQL Server generates random 16-byte SIDs; ours are derived
 * from the principal_id, which is never reused, so they are unique and stable across restarts.
 */
export function generatedSid(principalId: number): string {
  return '0x' + principalId.toString(16).toUpperCase().padStart(32, '0');
}

/** SIDs of users WITHOUT LOGIN: SQL Server's S-1-9-3 prefix, so they never equal a login's. */
export function loginlessUserSid(database: string, principalId: number): string {
  let hash = 0;
  for (const ch of database.toLowerCase()) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return '0x010500000000000903000000' + hash.toString(16).toUpperCase().padStart(8, '0') + principalId.toString(16).toUpperCase().padStart(8, '0');
}

function serverRole(name: string, principalId: number): ServerPrincipal {
  return {
    principalId,
    name,
    sid: '0x' + principalId.toString(16).toUpperCase().padStart(2, '0'),
    type: 'R',
    isFixedRole: name !== 'public',
    isDisabled: false,
    defaultDatabase: null,
    passwordHash: null,
    ownerId: SERVER_IDS.sa,
  };
}

function user(
  principalId: number,
  name: string,
  type: DatabasePrincipalType,
  sid: string | null,
  authentication: AuthenticationType,
  defaultSchema: string | null,
): DatabasePrincipal {
  return { principalId, name, type, sid, authentication, defaultSchema, ownerId: null, isFixedRole: false };
}

function role(principalId: number, name: string, isFixedRole: boolean, sid: string | null): DatabasePrincipal {
  return { principalId, name, type: 'R', sid, authentication: null, defaultSchema: null, ownerId: DATABASE_IDS.dbo, isFixedRole };
}

/**
 * A new database as CREATE DATABASE makes it: dbo mapped to the owner login (so the owner is dbo
 * there), guest without CONNECT (disabled), sys and INFORMATION_SCHEMA, public and the fixed roles
 * with dbo in db_owner, the four built-in schemas, and R and Python as external languages.
 */
export function newDatabase(name: string, owner: ServerPrincipal, guestEnabled = false): DatabaseSecurity {
  const ownerIsOs = owner.type === 'U' || owner.type === 'G';
  const principals: DatabasePrincipal[] = [
    role(DATABASE_IDS.public, 'public', false, '0x01'),
    user(DATABASE_IDS.dbo, 'dbo', ownerIsOs ? 'U' : 'S', owner.sid, ownerIsOs ? 'WINDOWS' : 'INSTANCE', 'dbo'),
    user(DATABASE_IDS.guest, 'guest', 'S', '0x00', 'NONE', 'guest'),
    user(DATABASE_IDS.informationSchema, 'INFORMATION_SCHEMA', 'S', null, 'NONE', null),
    user(DATABASE_IDS.sys, 'sys', 'S', null, 'NONE', null),
    ...FIXED_DATABASE_ROLES.map((r) => role(r.principalId, r.name, true, null)),
  ];
  const connect = (granteeId: number): PermissionRow => ({
    classCode: 0,
    majorId: 0,
    minorId: 0,
    permission: 'CONNECT',
    granteeId,
    grantorId: DATABASE_IDS.dbo,
    state: 'G',
  });
  return {
    name,
    principals,
    roleMembers: [{ roleId: DATABASE_IDS.db_owner, memberId: DATABASE_IDS.dbo }],
    permissions: guestEnabled ? [connect(DATABASE_IDS.dbo), connect(DATABASE_IDS.guest)] : [connect(DATABASE_IDS.dbo)],
    schemas: [
      { schemaId: 1, name: 'dbo', ownerId: DATABASE_IDS.dbo },
      { schemaId: 2, name: 'guest', ownerId: DATABASE_IDS.guest },
      { schemaId: 3, name: 'INFORMATION_SCHEMA', ownerId: DATABASE_IDS.informationSchema },
      { schemaId: 4, name: 'sys', ownerId: DATABASE_IDS.sys },
    ],
    objects: [],
    externalLanguages: BUILTIN_EXTERNAL_LANGUAGES.map((language, i) => ({ languageId: i + 1, name: language, ownerId: DATABASE_IDS.dbo })),
    nextPrincipalId: DATABASE_IDS.firstUserPrincipal,
    nextSchemaId: 5,
    nextObjectId: 1,
    nextLanguageId: BUILTIN_EXTERNAL_LANGUAGES.length + 1,
  };
}

/**
 * The catalog of a new instance: sa (a SQL login, disabled and without a password, as SQL Server
 * leaves it in Windows-authentication mode), public with VIEW ANY DATABASE, the fixed server roles,
 * and an OS login for the account that created the instance, member of sysadmin. master is owned
 * by sa and lets guest in, as in SQL Server.
 */
export function initialCatalog(osUserName: string, options: { osUserSid?: string } = {}): SecurityCatalog {
  const sa: ServerPrincipal = {
    principalId: SERVER_IDS.sa,
    name: 'sa',
    sid: '0x01',
    type: 'S',
    isFixedRole: false,
    isDisabled: true,
    defaultDatabase: 'master',
    passwordHash: null,
    ownerId: null,
  };
  const adminId = SERVER_IDS.firstUserPrincipal;
  const admin: ServerPrincipal = {
    principalId: adminId,
    name: osUserName,
    sid: options.osUserSid ?? generatedSid(adminId),
    type: 'U',
    isFixedRole: false,
    isDisabled: false,
    defaultDatabase: 'master',
    passwordHash: null,
    ownerId: null,
  };
  const connectSql = (granteeId: number): PermissionRow => ({
    classCode: 100,
    majorId: 0,
    minorId: 0,
    permission: 'CONNECT SQL',
    granteeId,
    grantorId: SERVER_IDS.sa,
    state: 'G',
  });
  return {
    server: {
      principals: [sa, serverRole('public', SERVER_IDS.public), ...FIXED_SERVER_ROLES.map((r) => serverRole(r.name, r.principalId)), admin],
      roleMembers: [
        { roleId: SERVER_IDS.sysadmin, memberId: SERVER_IDS.sa },
        { roleId: SERVER_IDS.sysadmin, memberId: adminId },
      ],
      permissions: [
        connectSql(SERVER_IDS.sa),
        { classCode: 100, majorId: 0, minorId: 0, permission: 'VIEW ANY DATABASE', granteeId: SERVER_IDS.public, grantorId: SERVER_IDS.sa, state: 'G' },
        connectSql(adminId),
      ],
      nextPrincipalId: adminId + 1,
    },
    databases: [newDatabase('master', sa, true)],
  };
}

export function withServer(catalog: SecurityCatalog, server: ServerSecurity): SecurityCatalog {
  return { ...catalog, server };
}

export function withDatabase(catalog: SecurityCatalog, database: DatabaseSecurity): SecurityCatalog {
  return { ...catalog, databases: catalog.databases.map((d) => (d.name === database.name ? database : d)) };
}
