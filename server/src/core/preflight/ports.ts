// The pre-flight's ports: how it asks an instance (plain T-SQL, so a real SQL Server answers the
// same text), and the answers the rules turn into problems.
import type { TablePermission } from './tables';

/** What an instance returns for a T-SQL text split into GO batches (the instance client's RunOutcome fits). */
export interface TsqlOutcome {
  batches: {
    /** 0-based line of the submitted text where the batch starts. */
    line: number;
    resultSets: { columns: { name: string; type: string }[]; rows: unknown[][] }[];
    messages: { kind: 'info' | 'error'; number: number | null; text: string }[];
  }[];
}

export interface TsqlRunner {
  /**
   * Runs T-SQL as the connected login or, with asLogin, as EXECUTE AS LOGIN = asLogin does.
   * Rejects when the instance cannot be reached.
   */
  run(text: string, options: { asLogin?: string }): Promise<TsqlOutcome>;
}

/** An error the instance returned, as SQL Server numbers and words it. */
export interface SqlFailure {
  number: number | null;
  text: string;
}

export interface GroupLogin {
  name: string;
  disabled: boolean;
}

export interface DescribedColumn {
  name: string;
  /** system_type_name: int, nvarchar(50), float, ... */
  type: string;
}

/** What one database said, for the login being checked. */
export interface DatabaseAnswers {
  /** The database asked about (as the document names it); null: the login's default database. */
  database: string | null;
  /** DB_NAME() there: the real name, also of the default database. */
  name: string | null;
  /** USER_NAME() there: the database user the login maps to (GRANT names it). */
  user: string | null;
  /** Why the database could not be used (Msg 911, 916, 4060); null when it could. */
  failure: SqlFailure | null;
  /** HAS_PERMS_BY_NAME(DB_NAME(), 'DATABASE', 'EXECUTE ANY EXTERNAL SCRIPT'); null: unknown. */
  executeAnyExternalScript: boolean | null;
  /** HAS_PERMS_BY_NAME(language, 'EXTERNAL LANGUAGE', 'EXECUTE EXTERNAL SCRIPT') (2019+). */
  languages: { language: string; allowed: boolean | null }[];
  /** HAS_PERMS_BY_NAME(table, 'OBJECT', permission); null: no such object (or not visible). */
  tables: { schema: string | null; name: string; permission: TablePermission; allowed: boolean | null }[];
  /** sys.databases.is_encrypted (TDE) of this database; null or absent: unknown. */
  encrypted?: boolean | null;
  /**
   * Always Encrypted columns (sys.columns.encryption_type IS NOT NULL) of the tables @input_data_1
   * reads, as asked; a table absent here was not answered.
   */
  encryptedColumns?: { schema: string | null; name: string; columns: string[] }[];
}

export interface DescribeAnswer {
  database: string | null;
  query: string;
  /** sp_describe_first_result_set's name and system_type_name; null when it failed. */
  columns: DescribedColumn[] | null;
  failure: SqlFailure | null;
}

/** Everything the instance said about a document's calls. */
export interface PreflightAnswers {
  /** SUSER_SNAME() in the checked context: the login the answers are about. */
  login: string | null;
  /** sys.configurations 'external scripts enabled' value_in_use = 1; null: unknown. */
  externalScriptsEnabled: boolean | null;
  /**
   * The OS-group logins (sys.server_principals type G), and whether the asker sees every login
   * (VIEW ANY DEFINITION): without it, a missing group proves nothing. null: unknown.
   */
  groupLogins: { logins: GroupLogin[]; complete: boolean } | null;
  databases: DatabaseAnswers[];
  describes: DescribeAnswer[];
}
