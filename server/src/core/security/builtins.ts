// The principals every SQL Server instance and database has, with SQL Server's principal_ids,
// and what the fixed roles mean. Fixed-role permissions are not rows of sys.database_permissions
// in SQL Server either: evaluation consults these tables, the catalog views don't show them.
import type { PermissionState } from './model';

export const SERVER_IDS = {
  sa: 1,
  public: 2,
  sysadmin: 3,
  securityadmin: 4,
  serveradmin: 5,
  setupadmin: 6,
  processadmin: 7,
  diskadmin: 8,
  dbcreator: 9,
  bulkadmin: 10,
  /** SQL Server's first login created after setup gets an id above its ##MS_ certificate logins. */
  firstUserPrincipal: 256,
} as const;

export const DATABASE_IDS = {
  public: 0,
  dbo: 1,
  guest: 2,
  informationSchema: 3,
  sys: 4,
  firstUserPrincipal: 5,
  db_owner: 16384,
  db_accessadmin: 16385,
  db_securityadmin: 16386,
  db_ddladmin: 16387,
  db_backupoperator: 16389,
  db_datareader: 16390,
  db_datawriter: 16391,
  db_denydatareader: 16392,
  db_denydatawriter: 16393,
} as const;

export interface FixedRolePermission {
  readonly permission: string;
  readonly state: PermissionState;
}

export interface FixedRole {
  readonly name: string;
  readonly principalId: number;
  /** On the SERVER (server roles) or the DATABASE (database roles). */
  readonly permissions: readonly FixedRolePermission[];
}

const grant = (...permissions: string[]): FixedRolePermission[] => permissions.map((permission) => ({ permission, state: 'G' }));
const deny = (...permissions: string[]): FixedRolePermission[] => permissions.map((permission) => ({ permission, state: 'D' }));

/** sysadmin passes every check before permissions are looked at; CONTROL SERVER is what fn_my_permissions shows. */
export const FIXED_SERVER_ROLES: readonly FixedRole[] = [
  { name: 'sysadmin', principalId: SERVER_IDS.sysadmin, permissions: grant('CONTROL SERVER') },
  { name: 'securityadmin', principalId: SERVER_IDS.securityadmin, permissions: grant('ALTER ANY LOGIN') },
  {
    name: 'serveradmin',
    principalId: SERVER_IDS.serveradmin,
    permissions: grant('ALTER ANY ENDPOINT', 'ALTER RESOURCES', 'ALTER SERVER STATE', 'ALTER SETTINGS', 'SHUTDOWN', 'VIEW SERVER STATE'),
  },
  { name: 'setupadmin', principalId: SERVER_IDS.setupadmin, permissions: grant('ALTER ANY LINKED SERVER') },
  { name: 'processadmin', principalId: SERVER_IDS.processadmin, permissions: grant('ALTER ANY CONNECTION', 'ALTER SERVER STATE') },
  { name: 'diskadmin', principalId: SERVER_IDS.diskadmin, permissions: grant('ALTER RESOURCES') },
  { name: 'dbcreator', principalId: SERVER_IDS.dbcreator, permissions: grant('CREATE ANY DATABASE') },
  { name: 'bulkadmin', principalId: SERVER_IDS.bulkadmin, permissions: grant('ADMINISTER BULK OPERATIONS') },
];

export const FIXED_DATABASE_ROLES: readonly FixedRole[] = [
  { name: 'db_owner', principalId: DATABASE_IDS.db_owner, permissions: [{ permission: 'CONTROL', state: 'W' }] },
  {
    name: 'db_accessadmin',
    principalId: DATABASE_IDS.db_accessadmin,
    permissions: [...grant('ALTER ANY USER', 'CREATE SCHEMA'), { permission: 'CONNECT', state: 'W' }],
  },
  {
    name: 'db_securityadmin',
    principalId: DATABASE_IDS.db_securityadmin,
    permissions: grant('ALTER ANY APPLICATION ROLE', 'ALTER ANY ROLE', 'CREATE SCHEMA', 'VIEW DEFINITION'),
  },
  {
    name: 'db_ddladmin',
    principalId: DATABASE_IDS.db_ddladmin,
    permissions: grant(
      'ALTER ANY SCHEMA',
      'CHECKPOINT',
      'CREATE FUNCTION',
      'CREATE PROCEDURE',
      'CREATE TABLE',
      'CREATE TYPE',
      'CREATE VIEW',
      'REFERENCES',
    ),
  },
  { name: 'db_backupoperator', principalId: DATABASE_IDS.db_backupoperator, permissions: grant('BACKUP DATABASE', 'BACKUP LOG', 'CHECKPOINT') },
  { name: 'db_datareader', principalId: DATABASE_IDS.db_datareader, permissions: grant('SELECT') },
  { name: 'db_datawriter', principalId: DATABASE_IDS.db_datawriter, permissions: grant('DELETE', 'INSERT', 'UPDATE') },
  { name: 'db_denydatareader', principalId: DATABASE_IDS.db_denydatareader, permissions: deny('SELECT') },
  { name: 'db_denydatawriter', principalId: DATABASE_IDS.db_denydatawriter, permissions: deny('DELETE', 'INSERT', 'UPDATE') },
];

/** Users that exist in every database and can never be dropped, impersonated or granted to. */
export const SYSTEM_USER_IDS: readonly number[] = [DATABASE_IDS.informationSchema, DATABASE_IDS.sys];

/** The languages sp_execute_external_script knows without CREATE EXTERNAL LANGUAGE. */
export const BUILTIN_EXTERNAL_LANGUAGES: readonly string[] = ['R', 'Python'];

/** Databases that cannot be dropped; master is created with the instance. */
export const SYSTEM_DATABASES: readonly string[] = ['master', 'tempdb', 'model', 'msdb'];
