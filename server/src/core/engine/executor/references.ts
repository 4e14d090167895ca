// The tables a statement reads, found in its syntax tree (FROM clauses, joins, subqueries at any
// depth), so that SELECT permission is checked on each of them as SQL Server does. Names of
// common table expressions are not tables.
import type { CommonTableExpression, FunctionCall, NamedTable, TableFunction } from '../ast';

export function tablesRead(node: unknown): NamedTable[] {
  const ctes = new Set<string>();
  const found: NamedTable[] = [];
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    const n = value as { kind?: string; name?: { kind?: string }; ctes?: unknown };
    // INSERT ... SELECT's source is also of kind 'query'; a Query, an UPDATE and a DELETE have CTEs.
    if ((n.kind === 'query' || n.kind === 'update' || n.kind === 'delete') && Array.isArray(n.ctes)) for (const cte of n.ctes as CommonTableExpression[]) ctes.add(cte.name.name.toLowerCase());
    if (n.kind === 'table' && n.name?.kind === 'objectName') found.push(value as NamedTable);
    for (const child of Object.values(value)) visit(child);
  };
  visit(node);
  return found.filter((t) => t.name.schema !== null || t.name.database !== null || !ctes.has(t.name.name.name.toLowerCase()));
}

/**
 * The functions a statement calls that may be user functions: table-valued ones in FROM and
 * schema-qualified scalar calls (SQL Server requires the schema for those), sys.* excluded.
 */
export function functionsCalled(node: unknown): (TableFunction | FunctionCall)[] {
  const found: (TableFunction | FunctionCall)[] = [];
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    const n = value as { kind?: string; name?: unknown };
    if (n.kind === 'function' && (n.name as { kind?: string })?.kind === 'objectName') found.push(value as TableFunction);
    if (n.kind === 'call' && Array.isArray(n.name) && n.name.length >= 2 && (n.name as { name: string }[])[n.name.length - 2]!.name.toLowerCase() !== 'sys') {
      found.push(value as FunctionCall);
    }
    for (const child of Object.values(value)) visit(child);
  };
  visit(node);
  return found;
}
