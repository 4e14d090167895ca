// CREATE TABLE (and DECLARE @t TABLE) to DuckDB: T-SQL types to DuckDB types, string columns
// COLLATE NOCASE (SQL Server's default collation ignores case, so do comparisons, GROUP BY,
// DISTINCT and keys on them) or the collation written on them, IDENTITY as a sequence, DEFAULT,
// keys and CHECK constraints.
import type { ColumnDefinition, Identifier, TableConstraint, TableDefinition } from '../ast';
import { Context } from './context';
import { convert } from './conversions';
import { collationClause, collationNamed } from './collations';
import { stop, throwError, unsupported } from './errors';
import { ExpressionTranslator, resolveType } from './expressions';
import { tableName } from './from';
import { duckdbRelation, identitySequence, quoteIdentifier, quoteString } from './names';
import type { ColumnInfo, KeyConstraint, Ports, TableLocation } from './ports';
import { Scope } from './scope';
import { duckdbType, isInteger, isString, type SqlType } from './types';

export interface TableDdl {
  /** DuckDB statements to run in order: identity sequences, then the table. */
  statements: string[];
  columns: ColumnInfo[];
  keys: KeyConstraint[];
}

export function translateTableDefinition(def: TableDefinition, location: TableLocation, ports: Ports): TableDdl {
  // Variables have no place in a table definition.
  const ctx = new Context({ schema: ports.schema, variables: { variableType: () => null } });
  const owner = location.name;
  const seen = new Set<string>();
  const columns: ColumnInfo[] = [];
  const constraints = [...def.constraints, ...def.columns.flatMap((c) => c.constraints)];
  const primary = constraints.filter((c) => c.kind === 'primaryKey');
  if (primary.length > 1) stop(8110, 16, 0, `Cannot add multiple PRIMARY KEY constraints to table '${owner}'.`, primary[1]!);
  const keyColumns = new Set(primary.flatMap((c) => c.columns.map((id) => id.name.toLowerCase())));
  const identities = def.columns.filter((c) => c.identity);
  if (identities.length > 1) stop(2744, 16, 2, `Multiple identity columns specified for table '${owner}'. Only one identity column per table is allowed.`, identities[1]!);

  const sequences: string[] = [];
  const columnSql = def.columns.map((c, k) => {
    const key = c.name.name.toLowerCase();
    if (seen.has(key)) duplicateColumn(c.name, owner, 3);
    seen.add(key);
    const type = withColumnCollation(resolveType(c.type, 'declaration', k + 1), c.collation);
    const nullable = c.identity || keyColumns.has(key) ? false : c.nullable ?? true;
    columns.push({ name: c.name.name, type, nullable, identity: c.identity !== null });
    let sql = `${quoteIdentifier(c.name.name)} ${duckdbType(type)}${collationClause(type)}`;
    if (c.identity) {
      sequences.push(identitySequenceSql(c, type, location, owner));
      sql += ` DEFAULT nextval(${quoteString(identitySequence(location, c.name.name))})`;
    } else if (c.default) {
      sql += ` DEFAULT ${defaultValue(c, type, ctx)}`;
    }
    if (!nullable) sql += ' NOT NULL';
    return sql;
  });
  const scope = new Scope([{ exposed: owner, at: def, table: null, columns, bare: true }], null);
  const constraintSql = constraints.flatMap((c) => constraintClause(c, columns, location, scope, ctx));
  const temp = location.kind === 'temp' ? 'TEMP ' : '';
  const table = `CREATE ${temp}TABLE ${duckdbRelation(location)} (${[...columnSql, ...constraintSql].join(', ')})`;
  const keys = constraints.flatMap((c): KeyConstraint[] =>
    c.kind === 'primaryKey' || c.kind === 'unique' ? [{ kind: c.kind === 'primaryKey' ? 'PK' : 'UQ', name: c.name?.name ?? null, columns: c.columns.map((id) => id.name) }] : [],
  );
  return { statements: [...sequences, table], columns, keys };
}

/** Msg 2705: a table's column named twice (CREATE TABLE's list, or ALTER TABLE ADD of a name it has). */
export function duplicateColumn(name: Identifier, table: string, state: number): never {
  return stop(2705, 16, state, `Column names in each table must be unique. Column name '${name.name}' in table '${table}' is specified more than once.`, name);
}

/** A column's type with the collation written on it (Msg 447 on a type that is not a string). */
export function withColumnCollation(type: SqlType, collation: Identifier | null): SqlType {
  if (!collation) return type;
  if (!isString(type)) stop(447, 16, 1, `Expression type ${type.name} is invalid for COLLATE clause.`, collation);
  const named = collationNamed(collation, false);
  if (!('duckdb' in named)) return throwError(named);
  return { ...type, collation: named };
}

function identitySequenceSql(c: ColumnDefinition, type: SqlType, location: TableLocation, owner: string): string {
  if (!isInteger(type) && !((type.name === 'decimal' || type.name === 'numeric') && (type.scale ?? 0) === 0)) {
    const message = `Identity column '${c.name.name}' must be of data type int, bigint, smallint, tinyint, or decimal or numeric with a scale of 0, and constrained to be nonnullable.`;
    stop(2749, 16, 2, message, c.name);
  }
  const { seed, increment } = c.identity!;
  if (increment === 0) stop(2748, 16, 1, `Cannot create table '${owner}' because an identity increment cannot be zero.`, c);
  const temp = location.kind === 'temp' ? 'TEMP ' : '';
  const name = location.kind === 'temp' ? quoteIdentifier(`${location.name}$identity$${c.name.name}`) : identitySequence(location, c.name.name);
  return `CREATE ${temp}SEQUENCE ${name} START WITH ${seed} INCREMENT BY ${increment}`;
}

export function defaultValue(c: ColumnDefinition, type: SqlType, ctx: Context): string {
  const t = new ExpressionTranslator(ctx, new Scope([], null));
  const value = t.value(c.default!);
  if (c.default!.kind === 'subquery') unsupported('Subqueries in DEFAULT', c.default!);
  return convert(value, type, 'implicit', c.default!).sql;
}

function columnList(ids: { name: string; start: number; end: number }[], columns: ColumnInfo[]): string {
  return ids
    .map((id) => {
      const column = columns.find((c) => c.name.toLowerCase() === id.name.toLowerCase());
      if (!column) stop(1911, 16, 1, `Column name '${id.name}' does not exist in the target table or view.`, id);
      return quoteIdentifier(column.name);
    })
    .join(', ');
}

function constraintClause(c: TableConstraint, columns: ColumnInfo[], location: TableLocation, scope: Scope, ctx: Context): string[] {
  switch (c.kind) {
    case 'primaryKey':
      return [`PRIMARY KEY (${columnList(c.columns, columns)})`];
    case 'unique':
      return [`UNIQUE (${columnList(c.columns, columns)})`];
    case 'check': {
      const condition = ctx.within('other', () => new ExpressionTranslator(ctx, scope).condition(c.condition));
      return [`CHECK (${condition.sql})`];
    }
    case 'foreignKey': {
      // SQL Server itself skips foreign keys on temporary tables (with a warning).
      if (location.kind === 'temp') return [];
      if (c.referencedColumns.length === 0) unsupported('FOREIGN KEY without the referenced column list', c);
      const referenced = ctx.ports.schema.resolveTable(tableName(c.references));
      if (!referenced) return stop(1767, 16, 0, `Foreign key '${c.name?.name ?? ''}' references invalid table '${c.references.name.name}'.`, c.references);
      const target = referenced.location;
      if (target.kind !== 'database' || target.database.toLowerCase() !== location.database.toLowerCase()) {
        unsupported('Foreign keys to another database', c.references);
      }
      return [`FOREIGN KEY (${columnList(c.columns, columns)}) REFERENCES ${duckdbRelation(target)} (${columnList(c.referencedColumns, referenced.columns)})`];
    }
  }
}

/** DuckDB statements for a table SELECT ... INTO creates from the query's result columns. */
export function createTableFromColumns(location: TableLocation, columns: ColumnInfo[]): string[] {
  const list = columns.map((c) => `${quoteIdentifier(c.name)} ${duckdbType(c.type)}${collationClause(c.type)}`);
  return [`CREATE ${location.kind === 'temp' ? 'TEMP ' : ''}TABLE ${duckdbRelation(location)} (${list.join(', ')})`];
}

/** DROP TABLE with the sequences behind its IDENTITY columns. */
export function dropTableStatements(location: TableLocation, columns: ColumnInfo[]): string[] {
  const sequences = columns.filter((c) => c.identity).map((c) => `DROP SEQUENCE IF EXISTS ${identitySequence(location, c.name)}`);
  return [`DROP TABLE ${duckdbRelation(location)}`, ...sequences];
}
