// The sys.* catalog views and DMVs the embedded instance serves, with SQL Server's column names
// and types, and where a schema-qualified name finds them and INFORMATION_SCHEMA's. Their rows
// come from the security catalog, the configuration, the tables and the launcher; the executor
// copies them into a session table just before a statement reads them.
// Each catalog view shows only what the session may see of it (SQL Server's metadata visibility,
// security/visibility.ts); the DMVs need VIEW SERVER STATE.
import {
  databasePermissionsView,
  serverVisibility,
  databasePrincipalsView,
  databaseRoleMembersView,
  serverPermissionsView,
  serverPrincipalsView,
  serverRoleMembersView,
} from '../../security';
import { findDatabase } from '../../security/lookup';
import type { SqlType } from '../translate/types';
import { databaseSees, objectColumns, objectsOf } from './catalogObjects';
import { columnTypeFacts, SYSTEM_TYPES } from './catalogTypes';
import { OPTIONS, optionValue } from './configuration';
import { EXTERNAL_LIBRARY_VIEWS } from './externalLibraryViews';
import { INFORMATION_SCHEMA_VIEWS } from './informationSchemaViews';
import { MONITORING_VIEWS } from './monitoringViews';
import { externalPoolId } from './resourceGovernor';
import { COLLATION } from './systemVariables';
import type { SqlValue } from './ports';
import type { ExecutorSession } from './session';

export interface SystemView {
  /** Server views read the same everywhere; database views read the database they are named in. */
  scope: 'server' | 'database';
  columns: [string, SqlType][];
  /** A server permission needed to read it (the DMVs need VIEW SERVER STATE). */
  permission?: string;
  rows(session: ExecutorSession, database: string): SqlValue[][];
}

const int: SqlType = { name: 'int' };
const bigint: SqlType = { name: 'bigint' };
const bit: SqlType = { name: 'bit' };
const tinyint: SqlType = { name: 'tinyint' };
const smallint: SqlType = { name: 'smallint' };
const sysname: SqlType = { name: 'nvarchar', length: 128 };
const nvarchar = (length: number): SqlType => ({ name: 'nvarchar', length });
const char = (length: number): SqlType => ({ name: 'char', length });
const sid: SqlType = { name: 'varbinary', length: 85 };
const datetime: SqlType = { name: 'datetime' };

function sidBytes(hex: string | null): Uint8Array | null {
  if (hex === null) return null;
  const digits = hex.replace(/^0x/i, '');
  return new Uint8Array(digits.match(/../g)?.map((b) => parseInt(b, 16)) ?? []);
}

const PERMISSION_COLUMNS: [string, SqlType][] = [
  ['class', { name: 'tinyint' }],
  ['class_desc', nvarchar(60)],
  ['major_id', int],
  ['minor_id', int],
  ['grantee_principal_id', int],
  ['grantor_principal_id', int],
  ['type', char(4)],
  ['permission_name', sysname],
  ['state', char(1)],
  ['state_desc', nvarchar(60)],
];

function permissionRows(rows: ReturnType<typeof serverPermissionsView>): SqlValue[][] {
  return rows.map((r) => [r.class, r.class_desc, r.major_id, r.minor_id, r.grantee_principal_id, r.grantor_principal_id, r.type, r.permission_name, r.state, r.state_desc]);
}

const serverSees = (s: ExecutorSession) => serverVisibility(s.catalog, s.security, s.database);

const TYPE_DESC: Readonly<Record<string, string>> = { U: 'USER_TABLE', V: 'VIEW', P: 'SQL_STORED_PROCEDURE', FN: 'SQL_SCALAR_FUNCTION', IF: 'SQL_INLINE_TABLE_VALUED_FUNCTION', TF: 'SQL_TABLE_VALUED_FUNCTION' };

export const SYSTEM_VIEWS: Readonly<Record<string, SystemView>> = {
  configurations: {
    scope: 'server',
    columns: [['configuration_id', int], ['name', nvarchar(35)], ['value', int], ['minimum', int], ['maximum', int], ['value_in_use', int], ['description', nvarchar(255)], ['is_dynamic', bit], ['is_advanced', bit]],
    rows: (s) =>
      OPTIONS.map((o) => {
        const v = optionValue(s.document, o);
        return [o.id, o.name, v.value, o.minimum, o.maximum, v.valueInUse, o.description, true, o.advanced];
      }),
  },
  server_principals: {
    scope: 'server',
    columns: [['name', sysname], ['principal_id', int], ['sid', sid], ['type', char(1)], ['type_desc', nvarchar(60)], ['is_disabled', bit], ['default_database_name', sysname], ['owning_principal_id', int], ['is_fixed_role', bit]],
    rows: (s) => {
      const sees = serverSees(s);
      return serverPrincipalsView(s.catalog)
        .filter((p) => sees.principal(p.principal_id))
        .map((p) => [p.name, p.principal_id, sidBytes(p.sid), p.type, p.type_desc, p.is_disabled === 1, p.default_database_name, p.owning_principal_id, p.is_fixed_role === 1]);
    },
  },
  server_role_members: {
    scope: 'server',
    columns: [['role_principal_id', int], ['member_principal_id', int]],
    rows: (s) => {
      const sees = serverSees(s);
      return serverRoleMembersView(s.catalog)
        .filter((m) => sees.roleMember(m.member_principal_id))
        .map((m) => [m.role_principal_id, m.member_principal_id]);
    },
  },
  server_permissions: {
    scope: 'server',
    columns: PERMISSION_COLUMNS,
    rows: (s) => {
      const sees = serverSees(s);
      return permissionRows(serverPermissionsView(s.catalog).filter((r) => sees.permission(r.grantee_principal_id)));
    },
  },
  database_principals: {
    scope: 'database',
    columns: [['name', sysname], ['principal_id', int], ['type', char(1)], ['type_desc', nvarchar(60)], ['default_schema_name', sysname], ['owning_principal_id', int], ['sid', sid], ['is_fixed_role', bit], ['authentication_type', int], ['authentication_type_desc', nvarchar(60)]],
    rows: (s, db) => {
      const sees = databaseSees(s, db);
      return databasePrincipalsView(s.catalog, db)
        .filter((p) => sees.principal(p.principal_id))
        .map((p) => [p.name, p.principal_id, p.type, p.type_desc, p.default_schema_name, p.owning_principal_id, sidBytes(p.sid), p.is_fixed_role === 1, p.authentication_type, p.authentication_type_desc]);
    },
  },
  database_role_members: {
    scope: 'database',
    columns: [['role_principal_id', int], ['member_principal_id', int]],
    rows: (s, db) => {
      const sees = databaseSees(s, db);
      return databaseRoleMembersView(s.catalog, db)
        .filter((m) => sees.roleMember(m.member_principal_id))
        .map((m) => [m.role_principal_id, m.member_principal_id]);
    },
  },
  database_permissions: {
    scope: 'database',
    columns: PERMISSION_COLUMNS,
    rows: (s, db) => {
      const sees = databaseSees(s, db);
      return permissionRows(databasePermissionsView(s.catalog, db).filter((r) => sees.permission(r.grantee_principal_id)));
    },
  },
  databases: {
    scope: 'server',
    // The columns tools read at connect and the pre-flight's TDE question (is_encrypted): every
    // database here is online, read-write, multi-user, uncontained, without TDE, at SQL Server
    // 2019's compatibility level and the instance's collation; master in the simple recovery model.
    columns: [
      ['name', sysname],
      ['database_id', int],
      ['source_database_id', int],
      ['owner_sid', sid],
      ['compatibility_level', tinyint],
      ['collation_name', sysname],
      ['user_access', tinyint],
      ['user_access_desc', nvarchar(60)],
      ['is_read_only', bit],
      ['state', tinyint],
      ['state_desc', nvarchar(60)],
      ['recovery_model', tinyint],
      ['recovery_model_desc', nvarchar(60)],
      ['is_trustworthy_on', bit],
      ['is_encrypted', bit],
      ['containment', tinyint],
      ['containment_desc', nvarchar(60)],
    ],
    rows: (s) => {
      const sees = serverSees(s);
      return s.catalog.databases
        .filter((d) => sees.database(d.name))
        .map((d) => {
          const simple = d.name.toLowerCase() === 'master';
          const owner = sidBytes(d.principals.find((p) => p.principalId === 1)?.sid ?? null);
          return [d.name, s.instance.databaseId(d.name), null, owner, 150, COLLATION, 0, 'MULTI_USER', 0, 0, 'ONLINE', simple ? 3 : 1, simple ? 'SIMPLE' : 'FULL', 0, 0, 0, 'NONE'];
        });
    },
  },
  schemas: {
    scope: 'database',
    columns: [['name', sysname], ['schema_id', int], ['principal_id', int]],
    rows: (s, db) => {
      const sees = databaseSees(s, db);
      return (findDatabase(s.catalog, db)?.schemas ?? []).filter((x) => sees.schema(x.schemaId)).map((x) => [x.name, x.schemaId, x.ownerId]);
    },
  },
  objects: {
    scope: 'database',
    columns: [['name', sysname], ['object_id', int], ['principal_id', int], ['schema_id', int], ['type', char(2)], ['type_desc', nvarchar(60)]],
    rows: (s, db) => objectsOf(s, db).map((o) => [o.name, o.objectId, o.ownerId, o.schemaId, o.type, TYPE_DESC[o.type] ?? o.type]),
  },
  tables: {
    scope: 'database',
    columns: [['name', sysname], ['object_id', int], ['principal_id', int], ['schema_id', int], ['type', char(2)], ['type_desc', nvarchar(60)]],
    rows: (s, db) => objectsOf(s, db, 'U').map((o) => [o.name, o.objectId, o.ownerId, o.schemaId, 'U', 'USER_TABLE']),
  },
  columns: {
    scope: 'database',
    // No column is encrypted with Always Encrypted here: the encryption columns are NULL, as SQL
    // Server has them for a plain column (the pre-flight asks about them before a call reads a table).
    // The six columns this view had before keep their places (SELECT * of it starts as it did);
    // the type columns follow in SQL Server's order. A view's or function's column has no
    // nullability or identity here (NULL), and one whose definition no longer compiles no type.
    columns: [
      ['object_id', int], ['name', sysname], ['column_id', int], ['encryption_type', int], ['encryption_type_desc', nvarchar(64)], ['column_encryption_key_id', int],
      ['system_type_id', tinyint], ['user_type_id', int], ['max_length', smallint], ['precision', tinyint], ['scale', tinyint], ['collation_name', sysname],
      ['is_nullable', bit], ['is_identity', bit], ['is_computed', bit],
    ],
    rows: (s, db) =>
      objectsOf(s, db).flatMap((o) =>
        objectColumns(s, db, o).map((c) => {
          const t = c.type && columnTypeFacts(c.type);
          const typed = t ? [t.systemTypeId, t.userTypeId, t.maxLength, t.precision, t.scale, t.collation] : [null, null, null, null, null, null];
          return [o.objectId, c.name, c.ordinal, null, null, null, ...typed, c.nullable, c.identity, false];
        }),
      ),
  },
  types: {
    scope: 'database',
    // The system types only (no CREATE TYPE here), all in schema sys (4), owned by no one.
    columns: [
      ['name', sysname], ['system_type_id', tinyint], ['user_type_id', int], ['schema_id', int], ['principal_id', int], ['max_length', smallint],
      ['precision', tinyint], ['scale', tinyint], ['collation_name', sysname], ['is_nullable', bit], ['is_user_defined', bit], ['is_assembly_type', bit],
      ['default_object_id', int], ['rule_object_id', int], ['is_table_type', bit],
    ],
    rows: () =>
      SYSTEM_TYPES.map((t) => [t.name, t.systemTypeId, t.userTypeId, 4, null, t.maxLength, t.precision, t.scale, t.collatable ? COLLATION : null, t.nullable, false, false, 0, 0, false]),
  },
  procedures: {
    scope: 'database',
    columns: [['name', sysname], ['object_id', int], ['principal_id', int], ['schema_id', int], ['type', char(2)], ['type_desc', nvarchar(60)]],
    rows: (s, db) => objectsOf(s, db, 'P').map((o) => [o.name, o.objectId, o.ownerId, o.schemaId, 'P', 'SQL_STORED_PROCEDURE']),
  },
  views: {
    scope: 'database',
    columns: [['name', sysname], ['object_id', int], ['principal_id', int], ['schema_id', int], ['type', char(2)], ['type_desc', nvarchar(60)]],
    rows: (s, db) => objectsOf(s, db, 'V').map((o) => [o.name, o.objectId, o.ownerId, o.schemaId, 'V', 'VIEW']),
  },
  external_languages: {
    scope: 'database',
    columns: [['external_language_id', int], ['language', sysname], ['principal_id', int]],
    rows: (s, db) => {
      const sees = databaseSees(s, db);
      return (findDatabase(s.catalog, db)?.externalLanguages ?? []).filter((l) => sees.externalLanguage(l.languageId)).map((l) => [l.languageId, l.name, l.ownerId]);
    },
  },
  dm_external_script_requests: {
    scope: 'server',
    permission: 'VIEW SERVER STATE',
    columns: [['external_script_request_id', { name: 'uniqueidentifier' }], ['language', nvarchar(128)], ['degree_of_parallelism', int], ['external_user_name', nvarchar(128)]],
    rows: (s) =>
      s.instance.ports.scripts
        .sessions()
        .filter((r) => r.state === 'running' || r.state === 'starting' || r.state === 'queued')
        .map((r) => [r.id, r.language === 'python' ? 'Python' : 'R', 1, r.worker ?? null]),
  },
  resource_governor_external_resource_pools: {
    scope: 'server',
    permission: 'VIEW SERVER STATE',
    columns: [['external_pool_id', int], ['name', sysname], ['max_cpu_percent', int], ['max_memory_percent', int], ['max_processes', int], ['version', bigint]],
    rows: (s) => s.document.pools.map((p) => [externalPoolId(s.document.pools, p), p.name, p.maxCpuPercent, p.maxMemoryPercent, p.maxProcesses, 2n]),
  },
  dm_resource_governor_external_resource_pools: {
    scope: 'server',
    permission: 'VIEW SERVER STATE',
    columns: [
      ['external_pool_id', int], ['name', sysname], ['pool_version', int], ['max_cpu_percent', int], ['max_processes', int], ['max_memory_percent', int],
      ['statistics_start_time', datetime], ['peak_memory_kb', bigint], ['write_io_count', int], ['read_io_count', int], ['total_cpu_kernel_ms', bigint],
      ['total_cpu_user_ms', bigint], ['active_processes_count', int],
    ],
    rows: (s) =>
      s.instance.ports.scripts.pools().map((p) => {
        const defined = s.document.pools.find((d) => d.name.toLowerCase() === p.name.toLowerCase());
        // The kernel's counts for the pool's cgroup (null where nothing measures them).
        const u = p.usage;
        const big = (n: number | null | undefined) => (n === null || n === undefined ? null : BigInt(Math.round(n)));
        const peakKb = u?.peakMemoryBytes == null ? null : u.peakMemoryBytes / 1024;
        return [
          defined ? externalPoolId(s.document.pools, defined) : 2, p.name, 2, p.maxCpuPercent, p.maxProcesses, p.maxMemoryPercent,
          p.statisticsSince === null ? null : new Date(p.statisticsSince), big(peakKb),
          u?.writeIos ?? null, u?.readIos ?? null, big(u?.cpuKernelMs), big(u?.cpuUserMs), p.activeProcesses,
        ];
      }),
  },
};

/** The sys.* views by name (lower case, as SQL Server spells them). */
const SYS_VIEWS: readonly Readonly<Record<string, SystemView>>[] = [SYSTEM_VIEWS, MONITORING_VIEWS, EXTERNAL_LIBRARY_VIEWS];

/** The catalog view a schema-qualified name denotes in any database, case-insensitively (sys.tables, INFORMATION_SCHEMA.COLUMNS). */
export function systemView(schema: string, name: string): SystemView | undefined {
  const own = (record: Readonly<Record<string, SystemView>>, key: string) => (Object.hasOwn(record, key) ? record[key] : undefined);
  switch (schema.toLowerCase()) {
    case 'sys':
      return SYS_VIEWS.map((record) => own(record, name.toLowerCase())).find((view) => view !== undefined);
    case 'information_schema':
      return own(INFORMATION_SCHEMA_VIEWS, name.toUpperCase());
    default:
      return undefined;
  }
}

/** Every catalog view with its schema and name as SQL Server spells them (sp_tables lists them as views). */
export function catalogViews(): { schema: string; name: string; view: SystemView }[] {
  const sys = SYS_VIEWS.flatMap((record) => Object.entries(record).map(([name, view]) => ({ schema: 'sys', name, view })));
  return [...sys, ...Object.entries(INFORMATION_SCHEMA_VIEWS).map(([name, view]) => ({ schema: 'INFORMATION_SCHEMA', name, view }))];
}
