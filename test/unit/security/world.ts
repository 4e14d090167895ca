// A small instance for the security tests: the OS account 'carmen' that created it (sysadmin), a
// database 'ml' she owns, SQL logins with users there, an OS login and an OS-group login, two
// nested roles, and a few tables and procedures. Tests change it through the real API.
import {
  alterRoleMember,
  applyPermissionStatement,
  connectWithOsIdentity,
  connectWithSqlLogin,
  createDatabase,
  createLogin,
  createRole,
  createUser,
  initialCatalog,
  registerObject,
  registerSchema,
  type Outcome,
  type PermissionStatement,
  type SecurableName,
  type SecurityCatalog,
  type SessionContext,
  type SqlMessage,
  type Verdict,
} from '../../../server/src/core/security';

/** 'ok', or the message as SQL Server prints it: 'Msg 229, Level 14, State 5: The SELECT ...'. */
export function outcome(result: Verdict | Outcome<unknown>): string {
  return result.ok ? 'ok' : describe(result.error);
}

export function describe(error: SqlMessage): string {
  return `Msg ${error.number}, Level ${error.level}, State ${error.state}: ${error.text}`;
}

export const on = {
  object: (schema: string, name: string): SecurableName => ({ class: 'OBJECT', schema, name }),
  schema: (name: string): SecurableName => ({ class: 'SCHEMA', name }),
  database: { class: 'DATABASE' } as SecurableName,
  server: { class: 'SERVER' } as SecurableName,
  language: (name: string): SecurableName => ({ class: 'EXTERNAL LANGUAGE', name }),
  user: (name: string): SecurableName => ({ class: 'USER', name }),
  role: (name: string): SecurableName => ({ class: 'ROLE', name }),
  login: (name: string): SecurableName => ({ class: 'LOGIN', name }),
};

type Extra = Partial<Pick<PermissionStatement, 'columns' | 'withGrantOption' | 'grantOptionFor' | 'cascade'>>;

function statement(action: PermissionStatement['action'], permissions: string, securable: SecurableName | undefined, principals: string, extra: Extra): PermissionStatement {
  return {
    action,
    permissions: permissions.split(',').map((p) => p.trim()),
    principals: principals.split(',').map((p) => p.trim()),
    ...(securable ? { securable } : {}),
    ...extra,
  };
}

export const grant = (permissions: string, securable: SecurableName | undefined, to: string, extra: Extra = {}) => statement('GRANT', permissions, securable, to, extra);
export const deny = (permissions: string, securable: SecurableName | undefined, to: string, extra: Extra = {}) => statement('DENY', permissions, securable, to, extra);
export const revoke = (permissions: string, securable: SecurableName | undefined, from: string, extra: Extra = {}) => statement('REVOKE', permissions, securable, from, extra);

export const SQL_LOGINS = ['alice', 'bob', 'dave', 'erin', 'sec', 'olga'];

export class World {
  catalog: SecurityCatalog;

  constructor() {
    this.catalog = initialCatalog('carmen');
    const admin = this.admin();
    this.apply(createDatabase(this.catalog, admin, 'ml'));
    for (const name of SQL_LOGINS) this.apply(createLogin(this.catalog, admin, { name, source: { kind: 'password', passwordHash: `hash-of-${name}` } }));
    this.apply(createLogin(this.catalog, admin, { name: 'frank', source: { kind: 'os-user' } }));
    this.apply(createLogin(this.catalog, admin, { name: 'analysts', source: { kind: 'os-group' } }));
    for (const name of ['alice', 'bob', 'dave', 'erin', 'sec', 'frank', 'analysts']) {
      this.apply(createUser(this.catalog, admin, 'ml', { name, mapping: { kind: 'login', login: name } }));
    }
    this.apply(createRole(this.catalog, admin, 'ml', 'readers'));
    this.apply(createRole(this.catalog, admin, 'ml', 'scientists'));
    this.apply(alterRoleMember(this.catalog, admin, 'ml', { role: 'readers', member: 'scientists', action: 'add' }));
    this.apply(registerSchema(this.catalog, 'ml', 'sales'));
    this.apply(registerSchema(this.catalog, 'ml', 'lab', 'bob'));
    this.apply(registerObject(this.catalog, 'ml', { schema: 'dbo', name: 'iris', type: 'U', columns: ['SepalLength', 'SepalWidth', 'Species'] }));
    this.apply(registerObject(this.catalog, 'ml', { schema: 'dbo', name: 'train', type: 'P' }));
    this.apply(registerObject(this.catalog, 'ml', { schema: 'sales', name: 'orders', type: 'U', columns: ['id', 'amount'] }));
    this.apply(registerObject(this.catalog, 'ml', { schema: 'lab', name: 'experiment', type: 'P' }));
  }

  /** The session of the OS account that created the instance. */
  admin(): SessionContext {
    return this.value(connectWithOsIdentity(this.catalog, { user: 'carmen', groups: [] })).session;
  }

  /** A session of a SQL login (its password taken as verified), in its default database. */
  as(login: string): SessionContext {
    return this.value(connectWithSqlLogin(this.catalog, login, true)).session;
  }

  os(user: string, groups: string[] = []): SessionContext {
    return this.value(connectWithOsIdentity(this.catalog, { user, groups })).session;
  }

  /** Keeps the catalog of a change that must succeed (a failed setup is a broken test). */
  apply(result: Outcome<SecurityCatalog>): void {
    this.catalog = this.value(result);
  }

  /** GRANT / DENY / REVOKE in 'ml' (or master for server permissions) as the administrator. */
  permit(stmt: PermissionStatement, database = 'ml'): void {
    this.apply(applyPermissionStatement(this.catalog, this.admin(), database, stmt));
  }

  addMember(role: string, member: string, database = 'ml'): void {
    this.apply(alterRoleMember(this.catalog, this.admin(), database, { role, member, action: 'add' }));
  }

  value<T>(result: Outcome<T>): T {
    if (!result.ok) throw new Error(`setup failed: ${describe(result.error)}`);
    return result.value;
  }
}
