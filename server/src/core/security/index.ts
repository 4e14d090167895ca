// The security model of the embedded instance, as the statement executor uses it. Pure: the Node
// layer persists the catalog (plain JSON data) and computes password hashes; nothing here does I/O.
export { MESSAGES, type SqlMessage } from './messages';
export { ALLOWED, type Outcome, type Refusal, type Verdict } from './outcome';
export { DATABASE_IDS, SERVER_IDS } from './builtins';
export { initialCatalog, type SecurityCatalog } from './model';
export type { SecurableName } from './securables';
export type { SessionContext, SecurityContext, LoginContext, UserContext } from './session';

export {
  authenticateSqlLogin,
  connectWithOsIdentity,
  connectWithSqlLogin,
  sqlLoginPasswordHash,
  type Connection,
  type OsIdentity,
  type SqlLoginAttempt,
} from './authentication';
export { DEFAULT_LOCKOUT_POLICY, loginPolicyProperty, type LockoutPolicy, type LoginPropertyValue } from './lockout';
export { acceptLoopbackConnection, type LoopbackRequest } from './impliedAuth';
export { executeAsLogin, executeAsUser, revert } from './impersonation';
export { isMember, isSrvRoleMember, originalLogin, userName, type SqlBit } from './identity';
export { suserSname } from './tokens';

export { check, checkCreate, hasDbAccess, ownershipChainLink, type CheckOptions, type CreatableObject, type OwnershipChainLink } from './evaluate';
export { checkExternalScriptExecution, type ServerConfiguration } from './externalScripts';
export { fnMyPermissions, hasPermsByName, type MyPermissionRow } from './introspection';

export {
  alterLogin,
  alterServerRoleMember,
  checkConfigurationChange,
  createDatabase,
  createLogin,
  dropDatabase,
  dropLogin,
  type AlterLoginChange,
  type CreateLoginSpec,
  type LoginSource,
} from './serverPrincipals';
export { createUser, dropUser, type CreateUserSpec, type UserMapping } from './databaseUsers';
export { alterRoleMember, createRole, dropRole, roleMemberProcedure, type RoleMemberChange } from './databaseRoles';
export { applyPermissionStatement, type PermissionAction, type PermissionStatement } from './grants';
export { registerExternalLanguage, registerObject, registerSchema, setObjectColumns, unregisterObject, type ObjectSpec } from './registry';

export {
  databasePermissionsView,
  databasePrincipalsView,
  databaseRoleMembersView,
  serverPermissionsView,
  serverPrincipalsView,
  serverRoleMembersView,
  type DatabasePrincipalRow,
  type PermissionViewRow,
  type RoleMemberRow,
  type ServerPrincipalRow,
} from './catalogViews';
export { databaseVisibility, serverVisibility, type DatabaseVisibility, type ServerVisibility } from './visibility';
