// What the translator asks of the executor: the tables and columns a name refers to in the
// current session, the types of variables, and the session-dependent functions the executor
// provides in DuckDB (SUSER_SNAME(), HAS_PERMS_BY_NAME(), fn_my_permissions(), ...).
import type { FunctionBody, Identifier, Query } from '../ast';
import type { SqlType } from './types';

/** A table name as written, delimiters removed; missing parts are null (the executor applies defaults). */
export interface TableName {
  database: string | null;
  schema: string | null;
  name: string;
}

/**
 * Where a table lives in DuckDB. A T-SQL database is an attached DuckDB database (catalog) of the
 * same name and a T-SQL schema a DuckDB schema; #temp tables (and the executor's table
 * variables) are DuckDB temporary tables, which belong to one DuckDB connection = one session.
 */
export type TableLocation =
  | { kind: 'database'; database: string; schema: string; name: string }
  | { kind: 'temp'; name: string };

export interface ColumnInfo {
  name: string;
  type: SqlType;
  nullable: boolean;
  identity: boolean;
}

export interface TableInfo {
  location: TableLocation;
  /** The names as stored (their case is what `SELECT *` reports). */
  columns: ColumnInfo[];
  /** PRIMARY KEY and UNIQUE constraints, for the name Msg 2627 gives (absent: none recorded). */
  keys?: KeyConstraint[];
}

/** A PRIMARY KEY or UNIQUE constraint: its name as written in CREATE TABLE (null: SQL Server generates one). */
export interface KeyConstraint {
  kind: 'PK' | 'UQ';
  name: string | null;
  columns: string[];
}

/** A DuckDB function (a macro or a registered function) standing for a T-SQL one. */
export interface FunctionInfo {
  /** The DuckDB name, one to three parts, quoted by the translator. */
  duckdbName: string[];
  returns: SqlType;
}

export interface TableFunctionInfo {
  duckdbName: string[];
  columns: ColumnInfo[];
}

/** Where a view or user function lives, and how names inside its definition resolve. */
export interface ModuleInfo {
  database: string;
  schema: string;
  name: string;
  /**
   * The ports for the definition's own names: its database, its schema then dbo (not the
   * caller's), and no variables of the caller.
   */
  ports: Ports;
}

export interface ViewInfo extends ModuleInfo {
  /** The column list written after the view's name, or empty. */
  columns: Identifier[];
  query: Query;
}

export interface UserFunctionParameter {
  name: string;
  type: SqlType;
}

export interface UserFunctionInfo extends ModuleInfo {
  parameters: UserFunctionParameter[];
  body: FunctionBody;
  /** The scalar function's RETURNS type; null for an inline table-valued function. */
  returns: SqlType | null;
}

export interface SchemaLookup {
  /** The table or view a name denotes for this session (including #temp and sys.* catalog views), or null. */
  resolveTable(name: TableName): TableInfo | null;
  /** A table variable declared in the running batch or procedure, or null. */
  tableVariable(name: string): TableInfo | null;
  /** A table-valued function such as fn_my_permissions, or null. */
  tableFunction(name: TableName): TableFunctionInfo | null;
  /**
   * A scalar function the executor answers (SUSER_SNAME, USER_NAME, DB_NAME, HAS_PERMS_BY_NAME,
   * OBJECT_ID, ERROR_MESSAGE, CURRENT_USER, ...), or null. Asked only for names the translator
   * does not translate itself.
   */
  scalarFunction(name: TableName): FunctionInfo | null;
  /** A user view a name denotes (asked when no table has the name), or null. */
  view?(name: TableName): ViewInfo | null;
  /** A user function (scalar or inline table-valued) a name denotes, or null. */
  userFunction?(name: TableName): UserFunctionInfo | null;
  /** Whether SET IDENTITY_INSERT is ON for the table in this session. */
  identityInsert(location: TableLocation): boolean;
}

export interface VariableLookup {
  /**
   * The declared type of `@name` (or of a system function such as `@@ROWCOUNT`), or null when it
   * is not declared. Names are compared case-insensitively by the executor.
   */
  variableType(name: string): SqlType | null;
}

export interface Ports {
  schema: SchemaLookup;
  variables: VariableLookup;
}
