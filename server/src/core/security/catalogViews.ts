// The security catalog views as rows with SQL Server's column names, for the executor to serve
// from SELECT ... FROM sys.server_principals and the like. Like SQL Server, the fixed roles'
// permissions are not rows of the permission views. Every row is returned here: what a session
// may see of them (metadata visibility) is visibility.ts's, applied where the views are served.
import { findDatabase } from './lookup';
import type { AuthenticationType, DatabasePrincipalType, PermissionRow, PermissionState, SecurityCatalog, ServerPrincipalType } from './model';
import { permissionRule, STORAGE_CLASS, type SecurableClass } from './permissions';

export interface ServerPrincipalRow {
  readonly name: string;
  readonly principal_id: number;
  readonly sid: string;
  readonly type: ServerPrincipalType;
  readonly type_desc: string;
  readonly is_disabled: 0 | 1;
  readonly default_database_name: string | null;
  readonly owning_principal_id: number | null;
  readonly is_fixed_role: 0 | 1;
}

export interface RoleMemberRow {
  readonly role_principal_id: number;
  readonly member_principal_id: number;
}

export interface PermissionViewRow {
  readonly class: number;
  readonly class_desc: string;
  readonly major_id: number;
  readonly minor_id: number;
  readonly grantee_principal_id: number;
  readonly grantor_principal_id: number;
  readonly type: string;
  readonly permission_name: string;
  readonly state: PermissionState;
  readonly state_desc: 'GRANT' | 'DENY' | 'GRANT_WITH_GRANT_OPTION';
}

export interface DatabasePrincipalRow {
  readonly name: string;
  readonly principal_id: number;
  readonly type: DatabasePrincipalType;
  readonly type_desc: string;
  readonly default_schema_name: string | null;
  readonly owning_principal_id: number | null;
  readonly sid: string | null;
  readonly is_fixed_role: 0 | 1;
  readonly authentication_type: number;
  readonly authentication_type_desc: AuthenticationType;
}

/** OS logins use SQL Server's Windows descriptions (see model.ts). */
const SERVER_TYPE_DESC: { readonly [T in ServerPrincipalType]: string } = {
  S: 'SQL_LOGIN',
  U: 'WINDOWS_LOGIN',
  G: 'WINDOWS_GROUP',
  R: 'SERVER_ROLE',
};

const DATABASE_TYPE_DESC: { readonly [T in DatabasePrincipalType]: string } = {
  S: 'SQL_USER',
  U: 'WINDOWS_USER',
  G: 'WINDOWS_GROUP',
  R: 'DATABASE_ROLE',
};

const AUTHENTICATION_TYPE: { readonly [A in AuthenticationType]: number } = { NONE: 0, INSTANCE: 1, WINDOWS: 3 };

const STATE_DESC = { G: 'GRANT', D: 'DENY', W: 'GRANT_WITH_GRANT_OPTION' } as const;

const bit = (value: boolean): 0 | 1 => (value ? 1 : 0);

function permissionRows(rows: readonly PermissionRow[]): PermissionViewRow[] {
  const classes = Object.keys(STORAGE_CLASS) as SecurableClass[];
  return rows.map((r) => {
    const candidates = classes.filter((c) => STORAGE_CLASS[c].classCode === r.classCode);
    const rule = candidates.map((c) => permissionRule(c, r.permission)).find((found) => found !== undefined);
    return {
      class: r.classCode,
      class_desc: STORAGE_CLASS[candidates[0]!].classDesc,
      major_id: r.majorId,
      minor_id: r.minorId,
      grantee_principal_id: r.granteeId,
      grantor_principal_id: r.grantorId,
      type: rule?.type ?? '',
      permission_name: r.permission,
      state: r.state,
      state_desc: STATE_DESC[r.state],
    };
  });
}

export function serverPrincipalsView(catalog: SecurityCatalog): ServerPrincipalRow[] {
  return catalog.server.principals.map((p) => ({
    name: p.name,
    principal_id: p.principalId,
    sid: p.sid,
    type: p.type,
    type_desc: SERVER_TYPE_DESC[p.type],
    is_disabled: bit(p.isDisabled),
    default_database_name: p.defaultDatabase,
    owning_principal_id: p.ownerId,
    is_fixed_role: bit(p.isFixedRole),
  }));
}

export function serverRoleMembersView(catalog: SecurityCatalog): RoleMemberRow[] {
  return catalog.server.roleMembers.map((m) => ({ role_principal_id: m.roleId, member_principal_id: m.memberId }));
}

export function serverPermissionsView(catalog: SecurityCatalog): PermissionViewRow[] {
  return permissionRows(catalog.server.permissions);
}

/** sys.database_principals of a database; no rows for a database that does not exist. */
export function databasePrincipalsView(catalog: SecurityCatalog, database: string): DatabasePrincipalRow[] {
  return (findDatabase(catalog, database)?.principals ?? []).map((p) => {
    const authentication = p.authentication ?? 'NONE';
    return {
      name: p.name,
      principal_id: p.principalId,
      type: p.type,
      type_desc: DATABASE_TYPE_DESC[p.type],
      default_schema_name: p.defaultSchema,
      owning_principal_id: p.ownerId,
      sid: p.sid,
      is_fixed_role: bit(p.isFixedRole),
      authentication_type: AUTHENTICATION_TYPE[authentication],
      authentication_type_desc: authentication,
    };
  });
}

export function databaseRoleMembersView(catalog: SecurityCatalog, database: string): RoleMemberRow[] {
  return (findDatabase(catalog, database)?.roleMembers ?? []).map((m) => ({ role_principal_id: m.roleId, member_principal_id: m.memberId }));
}

export function databasePermissionsView(catalog: SecurityCatalog, database: string): PermissionViewRow[] {
  return permissionRows(findDatabase(catalog, database)?.permissions ?? []);
}
