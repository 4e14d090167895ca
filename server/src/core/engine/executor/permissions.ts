// The permissions a data statement needs, on the tables it names, checked through the security
// core before anything runs: SELECT on every table read; INSERT, UPDATE or DELETE on the target
// (with SELECT too when the statement reads the target's rows to choose them). #temp tables and
// table variables belong to the session and need nothing.
import type { NamedTable, ObjectName, Span, TableSource, VariableRef } from '../ast';
import { tableName } from '../translate/from';
import type { TableInfo } from '../translate';
import type { StatementContext } from './context';
import type { WriteTarget } from './errors';
import { tablesRead } from './references';
import { resolveUserTable } from './schemaLookup';

export function checkTable(ctx: StatementContext, permission: string, table: TableInfo | null, at: Span): void {
  if (table?.location.kind !== 'database') return;
  const l = table.location;
  ctx.check(permission, { class: 'OBJECT', schema: l.schema, name: l.name }, at, l.database);
}

/** SELECT on each table the node reads. */
export function checkReads(ctx: StatementContext, node: unknown): void {
  for (const t of tablesRead(node)) checkTable(ctx, 'SELECT', resolveUserTable(ctx.session, tableName(t.name)), t);
}

/**
 * The table a DML statement writes: its name, or the alias of a FROM item (UPDATE a SET ... FROM
 * dbo.t AS a). Null for table variables.
 */
export function writtenTable(ctx: StatementContext, target: ObjectName | VariableRef, from: readonly TableSource[]): TableInfo | null {
  if (target.kind === 'variable') return null;
  const direct = resolveUserTable(ctx.session, tableName(target));
  if (direct || target.schema || target.database) return direct;
  const aliased = tablesRead(from).find((t: NamedTable) => t.alias?.name.toLowerCase() === target.name.name.toLowerCase());
  return aliased ? resolveUserTable(ctx.session, tableName(aliased.name)) : null;
}

export function writeTarget(table: TableInfo | null, verb: WriteTarget['verb']): WriteTarget | undefined {
  if (!table) return undefined;
  const l = table.location;
  return l.kind === 'database' ? { database: l.database, schema: l.schema, table: l.name, verb } : { database: 'tempdb', schema: 'dbo', table: l.name, verb };
}
