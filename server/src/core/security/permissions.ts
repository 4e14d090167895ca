// The permission vocabulary and its implication graph, in the shape of SQL Server's
// sys.fn_builtin_permissions: for each class, each permission with its compact type code, the
// permissions on the same securable that imply it (covering permissions) and the permissions on
// the containing securable that imply it (parent covering permissions). Evaluation walks this
// graph upwards, so "SELECT on a table" is also granted or denied by SELECT or CONTROL on its
// schema, SELECT or CONTROL on the database, and CONTROL SERVER.

/** The securable classes of GRANT ... ON <class>::name, plus SERVER and DATABASE. */
export type SecurableClass =
  | 'SERVER'
  | 'LOGIN'
  | 'SERVER ROLE'
  | 'DATABASE'
  | 'SCHEMA'
  | 'OBJECT'
  | 'USER'
  | 'ROLE'
  | 'EXTERNAL LANGUAGE';

export interface PermissionRule {
  /** sys.database_permissions.type / sys.server_permissions.type. */
  readonly type: string;
  /** Permissions on the same securable that imply this one. */
  readonly impliedBy: readonly string[];
  /** Permissions on the containing securable (schema, database, server: parentOf in securables.ts) that imply this one. */
  readonly impliedByParent: readonly string[];
}

function rule(type: string, impliedBy: readonly string[], impliedByParent: readonly string[] = []): PermissionRule {
  return { type, impliedBy, impliedByParent };
}

const CONTROL = ['CONTROL'];
const ALTER = ['ALTER'];
const CONTROL_SERVER = ['CONTROL SERVER'];

/** Permissions on objects that a schema-level grant of the same name implies. */
function objectRule(type: string, name: string): PermissionRule {
  return rule(type, CONTROL, [name]);
}

export const BUILTIN_PERMISSIONS: { readonly [C in SecurableClass]: Readonly<Record<string, PermissionRule>> } = {
  SERVER: {
    'ADMINISTER BULK OPERATIONS': rule('ADBO', CONTROL_SERVER),
    'ALTER ANY CONNECTION': rule('ALCO', CONTROL_SERVER),
    'ALTER ANY CREDENTIAL': rule('ALCD', CONTROL_SERVER),
    'ALTER ANY DATABASE': rule('ALDB', CONTROL_SERVER),
    'ALTER ANY ENDPOINT': rule('ALHE', CONTROL_SERVER),
    'ALTER ANY EVENT SESSION': rule('AAES', CONTROL_SERVER),
    'ALTER ANY LINKED SERVER': rule('ALLS', CONTROL_SERVER),
    'ALTER ANY LOGIN': rule('ALLG', CONTROL_SERVER),
    'ALTER ANY SERVER ROLE': rule('ALSR', CONTROL_SERVER),
    'ALTER RESOURCES': rule('ALRS', CONTROL_SERVER),
    'ALTER SERVER STATE': rule('ALSS', CONTROL_SERVER),
    'ALTER SETTINGS': rule('ALST', CONTROL_SERVER),
    'ALTER TRACE': rule('ALTR', CONTROL_SERVER),
    'AUTHENTICATE SERVER': rule('AUTH', CONTROL_SERVER),
    'CONNECT ANY DATABASE': rule('CADB', CONTROL_SERVER),
    'CONNECT SQL': rule('COSQ', CONTROL_SERVER),
    'CONTROL SERVER': rule('CL', []),
    'CREATE ANY DATABASE': rule('CRDB', ['ALTER ANY DATABASE']),
    'CREATE ENDPOINT': rule('CRHE', ['ALTER ANY ENDPOINT']),
    'CREATE SERVER ROLE': rule('CRSR', ['ALTER ANY SERVER ROLE']),
    'IMPERSONATE ANY LOGIN': rule('IAL', CONTROL_SERVER),
    'SELECT ALL USER SECURABLES': rule('SUS', CONTROL_SERVER),
    SHUTDOWN: rule('SHDN', CONTROL_SERVER),
    'VIEW ANY DATABASE': rule('VWDB', ['VIEW ANY DEFINITION']),
    'VIEW ANY DEFINITION': rule('VWAD', CONTROL_SERVER),
    'VIEW SERVER STATE': rule('VWSS', ['ALTER SERVER STATE']),
  },
  LOGIN: {
    ALTER: rule('AL', CONTROL, ['ALTER ANY LOGIN']),
    CONTROL: rule('CL', [], CONTROL_SERVER),
    IMPERSONATE: rule('IM', CONTROL, ['IMPERSONATE ANY LOGIN']),
    'VIEW DEFINITION': rule('VW', CONTROL, ['VIEW ANY DEFINITION']),
  },
  'SERVER ROLE': {
    ALTER: rule('AL', CONTROL, ['ALTER ANY SERVER ROLE']),
    CONTROL: rule('CL', [], CONTROL_SERVER),
    'TAKE OWNERSHIP': rule('TO', CONTROL),
    'VIEW DEFINITION': rule('VW', CONTROL, ['VIEW ANY DEFINITION']),
  },
  DATABASE: {
    ALTER: rule('AL', CONTROL, ['ALTER ANY DATABASE']),
    'ALTER ANY APPLICATION ROLE': rule('ALAR', ALTER),
    'ALTER ANY ROLE': rule('ALRL', ALTER),
    'ALTER ANY SCHEMA': rule('ALSM', ALTER),
    'ALTER ANY USER': rule('ALUS', ALTER),
    'BACKUP DATABASE': rule('BADB', CONTROL),
    'BACKUP LOG': rule('BALO', CONTROL),
    CHECKPOINT: rule('CP', CONTROL),
    CONNECT: rule('CO', CONTROL, ['CONNECT ANY DATABASE']),
    CONTROL: rule('CL', [], CONTROL_SERVER),
    'CREATE DATABASE': rule('CRDB', CONTROL, ['CREATE ANY DATABASE']),
    'CREATE FUNCTION': rule('CRFN', ALTER),
    'CREATE PROCEDURE': rule('CRPR', ALTER),
    'CREATE ROLE': rule('CRRL', ['ALTER ANY ROLE']),
    'CREATE SCHEMA': rule('CRSM', ['ALTER ANY SCHEMA']),
    'CREATE TABLE': rule('CRTB', ALTER),
    'CREATE TYPE': rule('CRTY', ALTER),
    'CREATE VIEW': rule('CRVW', ALTER),
    DELETE: rule('DL', CONTROL),
    EXECUTE: rule('EX', CONTROL),
    'EXECUTE ANY EXTERNAL SCRIPT': rule('EAES', CONTROL),
    // The GRANT table calls it CREATE ANY EXTERNAL LIBRARY, CREATE EXTERNAL LIBRARY's page CREATE EXTERNAL LIBRARY.
    'CREATE EXTERNAL LIBRARY': rule('CRXL', CONTROL),
    'ALTER ANY EXTERNAL LIBRARY': rule('ALXL', CONTROL),
    INSERT: rule('IN', CONTROL),
    REFERENCES: rule('RF', CONTROL),
    SELECT: rule('SL', CONTROL, ['SELECT ALL USER SECURABLES']),
    SHOWPLAN: rule('SPLN', CONTROL, ['ALTER TRACE']),
    'TAKE OWNERSHIP': rule('TO', CONTROL),
    UPDATE: rule('UP', CONTROL),
    'VIEW DATABASE STATE': rule('VWDS', CONTROL, ['VIEW SERVER STATE']),
    'VIEW DEFINITION': rule('VW', CONTROL, ['VIEW ANY DEFINITION']),
  },
  SCHEMA: {
    ALTER: rule('AL', CONTROL, ['ALTER ANY SCHEMA']),
    CONTROL: rule('CL', [], CONTROL),
    DELETE: objectRule('DL', 'DELETE'),
    EXECUTE: objectRule('EX', 'EXECUTE'),
    INSERT: objectRule('IN', 'INSERT'),
    REFERENCES: objectRule('RF', 'REFERENCES'),
    SELECT: objectRule('SL', 'SELECT'),
    'TAKE OWNERSHIP': rule('TO', CONTROL, CONTROL),
    UPDATE: objectRule('UP', 'UPDATE'),
    'VIEW DEFINITION': objectRule('VW', 'VIEW DEFINITION'),
  },
  OBJECT: {
    ALTER: objectRule('AL', 'ALTER'),
    CONTROL: rule('CL', [], CONTROL),
    DELETE: objectRule('DL', 'DELETE'),
    EXECUTE: objectRule('EX', 'EXECUTE'),
    INSERT: objectRule('IN', 'INSERT'),
    REFERENCES: objectRule('RF', 'REFERENCES'),
    SELECT: objectRule('SL', 'SELECT'),
    'TAKE OWNERSHIP': rule('TO', CONTROL, CONTROL),
    UPDATE: objectRule('UP', 'UPDATE'),
    'VIEW DEFINITION': objectRule('VW', 'VIEW DEFINITION'),
  },
  USER: {
    ALTER: rule('AL', CONTROL, ['ALTER ANY USER']),
    CONTROL: rule('CL', [], CONTROL),
    IMPERSONATE: rule('IM', CONTROL),
    'VIEW DEFINITION': rule('VW', CONTROL, ['VIEW DEFINITION']),
  },
  ROLE: {
    ALTER: rule('AL', CONTROL, ['ALTER ANY ROLE']),
    CONTROL: rule('CL', [], CONTROL),
    'TAKE OWNERSHIP': rule('TO', CONTROL),
    'VIEW DEFINITION': rule('VW', CONTROL, ['VIEW DEFINITION']),
  },
  'EXTERNAL LANGUAGE': {
    ALTER: rule('AL', CONTROL),
    CONTROL: rule('CL', [], CONTROL),
    // The per-language permission of SQL Server 2019+; EXECUTE ANY EXTERNAL SCRIPT on the database
    // implies it for every language. The type code is not in the published tables (facts file,
    // UNVERIFIED list item 2); 'EES' follows the pattern of EAES.
    'EXECUTE EXTERNAL SCRIPT': rule('EES', CONTROL, ['EXECUTE ANY EXTERNAL SCRIPT']),
    REFERENCES: rule('RF', CONTROL, ['REFERENCES']),
    'TAKE OWNERSHIP': rule('TO', CONTROL),
    'VIEW DEFINITION': rule('VW', CONTROL, ['VIEW DEFINITION']),
  },
};

/** Permissions that can be granted on single columns (GRANT SELECT (a, b) ON t). */
export const COLUMN_PERMISSIONS: readonly string[] = ['SELECT', 'UPDATE', 'REFERENCES'];

/** 'select', 'Create  Table' -> 'SELECT', 'CREATE TABLE': permission and class names are keywords. */
export function normalizeKeywords(permission: string): string {
  return permission.trim().replace(/\s+/g, ' ').toUpperCase();
}

export function permissionRule(securableClass: SecurableClass, permission: string): PermissionRule | undefined {
  const rules = BUILTIN_PERMISSIONS[securableClass];
  const name = normalizeKeywords(permission);
  return Object.prototype.hasOwnProperty.call(rules, name) ? rules[name] : undefined;
}

/** The class whose permissions a GRANT without ON names: server permissions, else database ones. */
export function unqualifiedPermissionClass(permission: string): 'SERVER' | 'DATABASE' | null {
  if (permissionRule('DATABASE', permission)) return 'DATABASE';
  if (permissionRule('SERVER', permission)) return 'SERVER';
  return null;
}

/** The storage class of sys.database_permissions / sys.server_permissions. */
export interface StorageClass {
  readonly classCode: number;
  readonly classDesc: string;
}

export const STORAGE_CLASS: { readonly [C in SecurableClass]: StorageClass } = {
  SERVER: { classCode: 100, classDesc: 'SERVER' },
  LOGIN: { classCode: 101, classDesc: 'SERVER_PRINCIPAL' },
  'SERVER ROLE': { classCode: 101, classDesc: 'SERVER_PRINCIPAL' },
  DATABASE: { classCode: 0, classDesc: 'DATABASE' },
  SCHEMA: { classCode: 3, classDesc: 'SCHEMA' },
  OBJECT: { classCode: 1, classDesc: 'OBJECT_OR_COLUMN' },
  USER: { classCode: 4, classDesc: 'DATABASE_PRINCIPAL' },
  ROLE: { classCode: 4, classDesc: 'DATABASE_PRINCIPAL' },
  // Class 34 is documented; the docs spell the description "EXTERNAL LANGUAGE", every other
  // multi-word description uses underscores, so this follows them.
  'EXTERNAL LANGUAGE': { classCode: 34, classDesc: 'EXTERNAL_LANGUAGE' },
};

export function isServerClass(securableClass: SecurableClass): boolean {
  return securableClass === 'SERVER' || securableClass === 'LOGIN' || securableClass === 'SERVER ROLE';
}
