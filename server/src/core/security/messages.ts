// The one table of SQL Server messages the security model returns. Numbers, severities and texts
// are SQL Server's (sql-docs "Database engine events and errors" tables, `%ls` filled in); the
// state is the one SQL Server raises where it is known (229: 5, 297 from sp_execute_external_script:
// 101, 1801: 3, 2714: 6) and 1 elsewhere. Errors are values: the executor turns them into
// "Msg n, Level l, State s" lines, nothing here throws.

export interface SqlMessage {
  readonly number: number;
  /** The severity, shown by SQL Server as "Level". */
  readonly level: number;
  readonly state: number;
  readonly text: string;
}

function message(number: number, level: number, state: number, text: string): SqlMessage {
  return { number, level, state, text };
}

/** The kinds of thing Msg 15150/15151 name ("Cannot drop the user 'x'"). */
export type EntityKind =
  | 'login'
  | 'server role'
  | 'user'
  | 'role'
  | 'principal'
  | 'object'
  | 'schema'
  | 'external language';

/** The verbs of Msg 15150/15151. */
export type EntityAction = 'find' | 'drop' | 'alter' | 'add';

export const MESSAGES = {
  columnNotFound: (column: string) => message(207, 16, 1, `Invalid column name '${column}'.`),
  invalidObjectName: (name: string) => message(208, 16, 1, `Invalid object name '${name}'.`),
  objectPermissionDenied: (permission: string, object: string, database: string, schema: string) =>
    message(229, 14, 5, `The ${permission} permission was denied on the object '${object}', database '${database}', schema '${schema}'.`),
  columnPermissionDenied: (permission: string, column: string, object: string, database: string, schema: string) =>
    message(230, 14, 1, `The ${permission} permission was denied on the column '${column}' of the object '${object}', database '${database}', schema '${schema}'.`),
  statementPermissionDenied: (permission: string, database: string) =>
    message(262, 14, 1, `${permission} permission denied in database '${database}'.`),
  externalScriptPermissionDenied: () => message(297, 16, 101, 'The user does not have permission to perform this action.'),
  serverPermissionDenied: (permission: string) =>
    message(300, 14, 1, `${permission} permission was denied on object 'server', database 'master'.`),
  databaseDoesNotExist: (database: string) =>
    message(911, 16, 1, `Database '${database}' does not exist. Make sure that the name is entered correctly.`),
  databaseNotAccessible: (login: string, database: string) =>
    message(916, 14, 1, `The server principal "${login}" is not able to access the database "${database}" under the current security context.`),
  databaseExists: (database: string) =>
    message(1801, 16, 3, `Database '${database}' already exists. Choose a different database name.`),
  objectExists: (name: string) => message(2714, 16, 6, `There is already an object named '${name}' in the database.`),
  schemaNotUsable: (schema: string) =>
    message(2760, 16, 1, `The specified schema name "${schema}" either does not exist or you do not have permission to use it.`),
  cannotDropDatabase: (database: string) =>
    message(3701, 11, 1, `Cannot drop the database '${database}', because it does not exist or you do not have permission.`),
  cannotDropSystemDatabase: (database: string) =>
    message(3708, 16, 1, `Cannot drop the database '${database}' because it is a system database.`),
  cannotOpenRequestedDatabase: (database: string) =>
    message(4060, 11, 1, `Cannot open database "${database}" requested by the login. The login failed.`),
  cannotOpenDefaultDatabase: () => message(4064, 11, 1, 'Cannot open user default database. Login failed.'),
  privilegeNotCompatible: (permission: string) =>
    message(4606, 16, 1, `Granted or revoked privilege ${permission} is not compatible with object.`),
  cascadeRequired: () => message(4611, 16, 1, 'To revoke or deny grantable privileges, specify the CASCADE option.'),
  grantorLacksPermission: () => message(4613, 16, 1, 'Grantor does not have GRANT permission.'),
  invalidColumnName: (column: string) => message(4615, 16, 1, `Invalid column name '${column}'.`),
  specialRoleGrantee: () => message(4617, 16, 1, 'Cannot grant, deny or revoke permissions to or from special roles.'),
  createDatabaseOutsideMaster: () => message(4619, 16, 1, 'CREATE DATABASE permission can only be granted in the master database.'),
  mixedPermissionScopes: () =>
    message(4620, 16, 1, 'All permissions in a grant/deny/revoke statement should be at the same scope (e.g., server or database)'),
  serverScopeOutsideMaster: () =>
    message(4621, 16, 1, 'Permissions at the server scope can only be granted when the current database is master'),
  serverScopeToNonLogin: () => message(4622, 16, 1, 'Permissions at the server scope can only be granted to logins'),
  selfOrSpecialGrantee: () =>
    message(4624, 16, 1, 'Cannot grant, deny, or revoke permissions to sa, dbo, entity owner, information_schema, sys, or yourself.'),
  connectToRole: () =>
    message(4627, 16, 1, 'Cannot grant, deny, or revoke the connect database permission to roles and application roles.'),
  notAValidLogin: (login: string) => message(15007, 16, 1, `'${login}' is not a valid login or you do not have permission.`),
  roleNotInDatabase: (role: string) => message(15014, 16, 1, `The role '${role}' does not exist in the current database.`),
  databasePrincipalExists: (name: string) =>
    message(15023, 16, 1, `User, group, or role '${name}' already exists in the current database.`),
  serverPrincipalExists: (name: string) => message(15025, 16, 1, `The server principal '${name}' already exists.`),
  loginAlreadyMapped: () => message(15063, 16, 1, 'The login already has an account under a different user name.'),
  passwordOnOsLogin: (parameter = 'PASSWORD') => message(15080, 16, 1, `Cannot use parameter ${parameter} for a Windows login.`),
  publicMembershipFixed: () => message(15081, 16, 1, 'Membership of the public role cannot be changed.'),
  ownsSchema: () => message(15138, 16, 1, 'The database principal owns a schema in the database, and cannot be dropped.'),
  roleHasMembers: () => message(15144, 16, 1, 'The role has members. It must be empty before it can be dropped.'),
  cannotActOnSpecial: (action: EntityAction, kind: EntityKind, name: string) =>
    message(15150, 16, 1, `Cannot ${action} the ${kind} '${name}'.`),
  notFoundOrNoPermission: (action: EntityAction, kind: EntityKind, name: string) =>
    message(15151, 16, 1, `Cannot ${action} the ${kind} '${name}', because it does not exist or you do not have permission.`),
  loginHasGranted: (login: string) =>
    message(15173, 16, 1, `Login '${login}' has granted one or more permission(s). Revoke the permission(s) before dropping the login.`),
  loginOwnsDatabases: (login: string) =>
    message(15174, 16, 1, `Login '${login}' owns one or more database(s). Change the owner of the database(s) before dropping the login.`),
  ownsObjects: () => message(15183, 16, 1, 'The database principal owns objects in the database and cannot be dropped.'),
  revertInOtherDatabase: () =>
    message(15199, 16, 1, "The current security context cannot be reverted. Please switch to the original database where 'Execute As' was called and try it again."),
  noPermission: () => message(15247, 16, 1, 'User does not have permission to perform this action.'),
  principalHasGranted: () =>
    message(15284, 16, 1, 'The database principal has granted or denied permissions to objects in the database and cannot be dropped.'),
  specialPrincipal: (name: string) => message(15405, 11, 1, `Cannot use the special principal '${name}'.`),
  cannotExecuteAsLogin: (login: string) =>
    message(15406, 16, 1, `Cannot execute as the server principal because the principal "${login}" does not exist, this type of principal cannot be impersonated, or you do not have permission.`),
  userOrRoleNotInDatabase: (name: string) => message(15410, 11, 1, `User or role '${name}' does not exist in this database.`),
  roleMemberOfItself: () => message(15413, 11, 1, 'Cannot make a role a member of itself.'),
  ownsRole: () => message(15421, 16, 1, 'The database principal owns a database role and cannot be dropped.'),
  loginInUse: (login: string) => message(15434, 16, 1, `Could not drop login '${login}' as the user is currently logged in.`),
  emptyPasswordLogin: () => message(15510, 16, 1, 'Cannot enable a login that has an empty password.'),
  cannotExecuteAsUser: (user: string) =>
    message(15517, 16, 1, `Cannot execute as the database principal because the principal "${user}" does not exist, this type of principal cannot be impersonated, or you do not have permission.`),
  loginFailed: (login: string) => message(18456, 14, 1, `Login failed for user '${login}'.`),
  loginLockedOut: (login: string) =>
    message(18486, 14, 1, `Login failed for user '${login}' because the account is currently locked out. The system administrator can unlock it.`),
  externalScriptsDisabled: () =>
    message(39023, 16, 1, "'sp_execute_external_script' is disabled on this instance of SQL Server. Use sp_configure 'external scripts enabled' to enable it."),
} as const;
