// ALTER TABLE to DuckDB. A column added gets its default in the rows already there only where SQL
// Server puts it (a NOT NULL column, or WITH VALUES; other rows get NULL, later rows the default).
// A column given a new type has each value converted as storing it in a column of that type
// converts it (Msg 2628 for a value too long), then its nullability set: not saying NOT NULL
// makes it nullable, as in SQL Server.
import type { AlterTableAction, DataType, Identifier } from '../ast';
import { Context } from './context';
import { storeValue } from './conversions';
import { collationClause } from './collations';
import { defaultValue, duplicateColumn, withColumnCollation } from './ddl';
import { unsupported } from './errors';
import { resolveType } from './expressions';
import { duckdbRelation, quoteIdentifier, sameName } from './names';
import type { ColumnInfo, Ports, TableInfo } from './ports';
import { duckdbType, formatSqlType } from './types';

export interface AlteredTable {
  /** DuckDB statements to run in order, in one transaction with the table's new metadata. */
  statements: string[];
  /** The table's T-SQL columns afterwards. */
  columns: ColumnInfo[];
}

export function translateAddColumns(action: Extract<AlterTableAction, { kind: 'addColumns' }>, table: TableInfo, ports: Ports): AlteredTable {
  // Variables have no place in a column's default.
  const ctx = new Context({ schema: ports.schema, variables: { variableType: () => null } });
  const relation = duckdbRelation(table.location);
  const columns = [...table.columns];
  const statements: string[] = [];
  for (const { definition: c, withValues } of action.columns) {
    if (columns.some((existing) => sameName(existing.name, c.name.name))) duplicateColumn(c.name, table.location.name, 4);
    if (c.identity) unsupported('Adding an identity column with ALTER TABLE', c);
    if (c.constraints.length > 0) unsupported('A constraint on a column ALTER TABLE adds', c.constraints[0]!);
    const type = withColumnCollation(resolveType(c.type, 'declaration', columns.length + 1), c.collation);
    const nullable = c.nullable ?? true;
    columns.push({ name: c.name.name, type, nullable, identity: false });
    const column = quoteIdentifier(c.name.name);
    const value = c.default ? defaultValue(c, type, ctx) : null;
    const fill = value !== null && (!nullable || withValues);
    statements.push(`ALTER TABLE ${relation} ADD COLUMN ${column} ${duckdbType(type)}${collationClause(type)}${fill ? ` DEFAULT ${value}` : ''}`);
    if (value !== null && !fill) statements.push(`ALTER TABLE ${relation} ALTER COLUMN ${column} SET DEFAULT ${value}`);
    if (!nullable) statements.push(`ALTER TABLE ${relation} ALTER COLUMN ${column} SET NOT NULL`);
  }
  return { statements, columns };
}

/** ALTER COLUMN `column` (an existing column of the table) to `written` [COLLATE] [NOT] NULL. */
export function translateAlterColumn(table: TableInfo, column: ColumnInfo, written: { type: DataType; collation: Identifier | null; nullable: boolean } & { start: number; end: number }): AlteredTable {
  const relation = duckdbRelation(table.location);
  const position = table.columns.indexOf(column);
  const type = withColumnCollation(resolveType(written.type, 'declaration', position + 1), written.collation);
  const name = quoteIdentifier(column.name);
  const statements: string[] = [];
  if (formatSqlType(type) !== formatSqlType(column.type) || collationClause(type) !== collationClause(column.type)) {
    const stored = storeValue({ sql: name, type: column.type }, { name: column.name, type }, table.location, written);
    statements.push(`ALTER TABLE ${relation} ALTER COLUMN ${name} SET DATA TYPE ${duckdbType(type)}${collationClause(type)} USING (${stored.sql})`);
  }
  if (written.nullable !== column.nullable) statements.push(`ALTER TABLE ${relation} ALTER COLUMN ${name} ${written.nullable ? 'DROP' : 'SET'} NOT NULL`);
  const columns = table.columns.map((c) => (c === column ? { ...c, type, nullable: written.nullable } : c));
  return { statements, columns };
}
