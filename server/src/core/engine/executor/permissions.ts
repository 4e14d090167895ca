// The permissions a data statement needs, on the tables it names, checked through the security
// core before anything runs: SELECT on every table read; INSERT, UPDATE or DELETE on the target
// (with SELECT too when the statement reads the target's rows to choose them). #temp tables and
// table variables belong to the session and need nothing.
import type { NamedTable, ObjectName, Span, TableSource, VariableRef } from '../ast';
import { tableName } from '../translate/from';
import { shownTableName } from '../translate/names';
import type { TableInfo } from '../translate';
import type { StatementContext } from './context';
import type { WriteTarget } from './errors';
import { functionsCalled, tablesRead } from './references';
import { ownershipChainLink, type OwnershipChainLink } from '../../security';
import type { TableName } from '../translate';
import type { ModuleDefinition } from './document';
import { findModule, moduleScope, parsedModule, sessionScope, type NameScope } from './moduleLookup';
import { resolveUserTable } from './schemaLookup';

export function checkTable(ctx: StatementContext, permission: string, table: TableInfo | null, at: Span): void {
  if (table?.location.kind !== 'database') return;
  const l = table.location;
  ctx.check(permission, { class: 'OBJECT', schema: l.schema, name: l.name }, at, l.database);
}

/**
 * SELECT on each table and view the node reads, SELECT on the table-valued functions and EXECUTE
 * on the scalar functions it calls; inside a view or function, what its definition reads, with
 * the module's ownership chain (a view owned by dbo reads dbo's tables for a caller who may only
 * select from the view), as SQL Server checks them.
 */
export function checkReads(ctx: StatementContext, node: unknown): void {
  checkReadsIn(ctx, node, sessionScope(ctx.session), undefined, null, 0);
}

/** `at`: where the outermost view or function is used (offsets inside a definition are its own). */
function checkReadsIn(ctx: StatementContext, node: unknown, scope: NameScope, chain: OwnershipChainLink | undefined, at: Span | null, depth: number): void {
  const session = ctx.session;
  for (const t of tablesRead(node)) {
    const name = tableName(t.name);
    const table = resolveUserTable(session, name, scope);
    if (table) {
      if (table.location.kind !== 'database') continue;
      const l = table.location;
      ctx.check('SELECT', { class: 'OBJECT', schema: l.schema, name: l.name }, at ?? t, l.database, chain);
      continue;
    }
    const view = findModule(session, name, scope, ['V']);
    if (view) checkModule(ctx, view, 'SELECT', at ?? t, chain, depth);
  }
  for (const f of functionsCalled(node)) {
    const parts = f.kind === 'function' ? tableName(f.name) : callName(f.name.map((p) => p.name));
    const module = findModule(session, parts, scope, f.kind === 'function' ? ['IF'] : ['FN']);
    if (module) checkModule(ctx, module, f.kind === 'function' ? 'SELECT' : 'EXECUTE', at ?? f, chain, depth);
  }
}

function callName(parts: string[]): TableName {
  return { database: parts.length === 3 ? parts[0]! : null, schema: parts[parts.length - 2]!, name: parts[parts.length - 1]! };
}

function checkModule(ctx: StatementContext, module: ModuleDefinition, permission: string, at: Span, chain: OwnershipChainLink | undefined, depth: number): void {
  ctx.check(permission, { class: 'OBJECT', schema: module.schema, name: module.name }, at, module.database, chain);
  const definition = parsedModule(module);
  // Past SQL Server's nesting limit the translator reports Msg 217.
  if (!definition || depth >= 32) return;
  const link = ownershipChainLink(ctx.session.catalog, module.database, module);
  const body = definition.kind === 'createView' ? definition.query : definition.body;
  checkReadsIn(ctx, body, moduleScope(module), link, at, depth + 1);
}

/**
 * The table a DML statement writes: its name, the alias of a FROM item (UPDATE a SET ... FROM
 * dbo.t AS a), or a table variable of the frame (which needs no permission: checkTable passes it).
 */
export function writtenTable(ctx: StatementContext, target: ObjectName | VariableRef, from: readonly TableSource[]): TableInfo | null {
  if (target.kind === 'variable') return ctx.frame.tableVariables.get(target.name.toLowerCase()) ?? null;
  const direct = resolveUserTable(ctx.session, tableName(target));
  if (direct || target.schema || target.database) return direct;
  const aliased = tablesRead(from).find((t: NamedTable) => t.alias?.name.toLowerCase() === target.name.name.toLowerCase());
  return aliased ? resolveUserTable(ctx.session, tableName(aliased.name)) : null;
}

export function writeTarget(table: TableInfo | null, verb: WriteTarget['verb']): WriteTarget | undefined {
  if (!table) return undefined;
  const l = table.location;
  const keys = table.keys ?? [];
  return l.kind === 'database' ? { database: l.database, schema: l.schema, table: l.name, verb, keys } : { database: 'tempdb', schema: 'dbo', table: shownTableName(l.name), verb, keys };
}
