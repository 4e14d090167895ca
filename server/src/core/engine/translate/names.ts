// DuckDB spellings of names and literals. Everything from the T-SQL text that reaches DuckDB
// goes through one of these: identifiers are always double-quoted, strings always escaped.
import type { TableLocation } from './ports';

export function quoteIdentifier(name: string): string {
  return `"${name.split('"').join('""')}"`;
}

/** Whether two names are the same name: T-SQL names ignore case. */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function quoteString(value: string): string {
  return `'${value.split("'").join("''")}'`;
}

/** Column k (0-based) of a staged-rows work table (StorageSession.stageRows): "c1", "c2", … quoted. */
export function stagedColumn(k: number): string {
  return quoteIdentifier(`c${k + 1}`);
}

/** database.schema.table, or temp.main.table for #temp tables and table variables. */
export function duckdbRelation(location: TableLocation): string {
  if (location.kind === 'temp') return `temp.main.${quoteIdentifier(location.name)}`;
  return [location.database, location.schema, location.name].map(quoteIdentifier).join('.');
}

/** The sequence behind an IDENTITY column, beside its table. */
export function identitySequence(location: TableLocation, column: string): string {
  const name = `${location.name}$identity$${column}`;
  if (location.kind === 'temp') return `temp.main.${quoteIdentifier(name)}`;
  return [location.database, location.schema, name].map(quoteIdentifier).join('.');
}

/** The parts of an object's name written in a string ('db.dbo.t', '[dbo].[t]'), as OBJECT_ID reads it, brackets and quotes taken off. */
export function namePartsOf(written: string): string[] {
  return written.split('.').map((p) => p.replace(/^\[|\]$/g, '').replace(/^"|"$/g, ''));
}

/** The WHERE condition that finds an identity column's sequence in duckdb_sequences(). */
export function identitySequenceFilter(location: TableLocation, column: string): string {
  const name = quoteString(`${location.name}$identity$${column}`);
  if (location.kind === 'temp') return `temporary AND sequence_name = ${name}`;
  return `database_name = ${quoteString(location.database)} AND schema_name = ${quoteString(location.schema)} AND sequence_name = ${name}`;
}

/** How SQL Server names a table in messages: db.schema.table. */
export function displayTableName(location: TableLocation): string {
  return location.kind === 'temp' ? `tempdb.dbo.${shownTableName(location.name)}` : `${location.database}.${location.schema}.${location.name}`;
}

/** A table variable is stored under a name unique to its session (`@t$<session>$<n>`); messages name it as written. */
export function shownTableName(name: string): string {
  return name.startsWith('@') ? name.replace(/\$\d+\$\d+$/, '') : name;
}
