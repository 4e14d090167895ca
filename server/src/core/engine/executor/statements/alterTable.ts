// ALTER TABLE: columns added, dropped, or given another type or nullability. The table needs ALTER
// (on it or its schema); a table missing or refused is the same Msg 4902, as in SQL Server. The
// storage's change, the table's new metadata (its storage comment) and the catalog's column list
// commit together; a column permission follows its column.
import type { AlterTableAction, AlterTableStatement } from '../../ast';
import { setObjectColumns } from '../../../security';
import { duckdbRelation, identitySequence, quoteIdentifier, quoteString, translateAlterTableAdd, translateAlterTableColumn, type AlteredTable, type TableInfo } from '../../translate';
import { tableName, writtenName } from '../../translate/from';
import type { StatementContext } from '../context';
import { fail, keyName, notSupportedHere } from '../errors';
import { writeTarget } from '../permissions';
import { resolveUserTable } from '../schemaLookup';
import { tableComment } from '../tableMetadata';

export async function runAlterTable(st: AlterTableStatement, ctx: StatementContext): Promise<void> {
  const table = await alteredTable(ctx, st);
  const action = st.action;
  switch (action.kind) {
    case 'addColumns':
      return apply(ctx, st, table, await addColumns(ctx, action, table));
    case 'dropColumns':
      return apply(ctx, st, table, dropColumns(ctx, action, table));
    case 'alterColumn':
      return apply(ctx, st, table, alterColumn(ctx, action, table));
  }
}

/** The table, resolved as any statement resolves it, with ALTER on it checked. */
async function alteredTable(ctx: StatementContext, st: AlterTableStatement): Promise<TableInfo> {
  const name = st.table;
  const missing = () => fail(4902, 16, 1, `Cannot find the object "${writtenName(name)}" because it does not exist or you do not have permissions.`, name);
  if (!name.name.name.startsWith('#')) await ctx.lockCatalog();
  const table = resolveUserTable(ctx.session, tableName(name)) ?? missing();
  const l = table.location;
  if (l.kind === 'database') {
    const allowed = ctx.allowed('ALTER', { class: 'OBJECT', schema: l.schema, name: l.name }, l.database) || ctx.allowed('ALTER', { class: 'SCHEMA', name: l.schema }, l.database);
    if (!allowed) missing();
  }
  return table;
}

async function addColumns(ctx: StatementContext, action: Extract<AlterTableAction, { kind: 'addColumns' }>, table: TableInfo): Promise<AlteredTable> {
  const altered = ctx.translated(translateAlterTableAdd(action, table, ctx.ports().ports));
  // A NOT NULL column without a default has nothing to put in the rows already there.
  const unfilled = action.columns.find(({ definition }) => definition.nullable === false && !definition.default)?.definition;
  if (unfilled && (await ctx.session.query(`SELECT 1 FROM ${duckdbRelation(table.location)} LIMIT 1`, [], action)).rows.length > 0) {
    const text =
      'ALTER TABLE only allows columns to be added that can contain nulls, or have a DEFAULT definition specified, or the column being added is an identity or timestamp column, ' +
      'or alternatively if none of the previous conditions are satisfied the table must be empty to allow addition of this column. ' +
      `Column '${unfilled.name.name}' cannot be added to non-empty table '${table.location.name}' because it does not satisfy these conditions.`;
    fail(4901, 16, 1, text, unfilled.name);
  }
  return altered;
}

function dropColumns(ctx: StatementContext, action: Extract<AlterTableAction, { kind: 'dropColumns' }>, table: TableInfo): AlteredTable {
  const relation = duckdbRelation(table.location);
  let columns = table.columns;
  const statements: string[] = [];
  for (const id of action.columns) {
    const column = columns.find((c) => c.name.toLowerCase() === id.name.toLowerCase());
    if (!column) {
      if (action.ifExists) continue;
      fail(4924, 16, 1, `ALTER TABLE DROP COLUMN failed because column '${id.name}' does not exist in table '${table.location.name}'.`, id);
    }
    refuseKeyColumn(ctx, table, column.name, 'DROP COLUMN', id);
    if (columns.length === 1) {
      fail(4923, 16, 1, `ALTER TABLE DROP COLUMN failed because '${column.name}' is the only data column in table '${table.location.name}'. A table must have at least one data column.`, id);
    }
    columns = columns.filter((c) => c !== column);
    statements.push(`ALTER TABLE ${relation} DROP COLUMN ${quoteIdentifier(column.name)}`);
    // An identity column's sequence goes with it (its default was what used it).
    if (column.identity) statements.push(`DROP SEQUENCE IF EXISTS ${identitySequence(table.location, column.name)}`);
  }
  return { statements, columns };
}

function alterColumn(ctx: StatementContext, action: Extract<AlterTableAction, { kind: 'alterColumn' }>, table: TableInfo): AlteredTable {
  const column = table.columns.find((c) => c.name.toLowerCase() === action.column.name.toLowerCase());
  if (!column) fail(4924, 16, 1, `ALTER TABLE ALTER COLUMN failed because column '${action.column.name}' does not exist in table '${table.location.name}'.`, action.column);
  if (column.identity) notSupportedHere('ALTER COLUMN of an identity column', action.column);
  refuseKeyColumn(ctx, table, column.name, 'ALTER COLUMN', action.column);
  return ctx.translated(translateAlterTableColumn(action, table, column));
}

/** A column of a PRIMARY KEY or UNIQUE constraint can be neither dropped nor altered: Msg 5074, then 4922. */
function refuseKeyColumn(ctx: StatementContext, table: TableInfo, column: string, what: 'DROP COLUMN' | 'ALTER COLUMN', at: { start: number; end: number }): void {
  const keys = table.keys ?? [];
  const index = keys.findIndex((k) => k.columns.some((c) => c.toLowerCase() === column.toLowerCase()));
  if (index < 0) return;
  ctx.message('error', 5074, 16, 1, `The object '${keyName(keys, index, writeTarget(table, 'UPDATE'))}' is dependent on column '${column}'.`, at);
  fail(4922, 16, 9, `ALTER TABLE ${what} ${column} failed because one or more objects access this column.`, at);
}

/** Runs the change and records the table's new columns where the executor keeps them. */
async function apply(ctx: StatementContext, st: AlterTableStatement, table: TableInfo, altered: AlteredTable): Promise<void> {
  const session = ctx.session;
  const next: TableInfo = { ...table, columns: altered.columns };
  const l = table.location;
  // A value that does not fit its new type fails as an UPDATE of the column would.
  const target = writeTarget(table, 'UPDATE');
  if (l.kind === 'temp') {
    await session.atomically(altered.statements, st, undefined, target);
    session.tempTables.set(l.name.toLowerCase(), next);
    return;
  }
  const comment = `COMMENT ON TABLE ${duckdbRelation(l)} IS ${quoteString(tableComment(next.columns, next.keys ?? []))}`;
  await session.atomically([...altered.statements, comment], st, l.database, target);
  session.tables.add(next);
  const security = setObjectColumns(session.catalog, l.database, l.schema, l.name, next.columns.map((c) => c.name));
  await session.saveDocument({ ...session.document, security });
}
