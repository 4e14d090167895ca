// OUTPUT of INSERT, UPDATE and DELETE: DuckDB's RETURNING, which reads the target's rows as the
// statement left them: `inserted` for INSERT and UPDATE, `deleted` for DELETE (a deleted row as it
// was). An UPDATE's `deleted` (the row before it) has no RETURNING to read it from, so it is
// refused. OUTPUT ... INTO puts the rows in a table as INSERT ... EXEC puts a procedure's
// (the executor stages them, then `insertStagedSql`).
import type { Expression, OutputClause } from '../ast';
import { findNode } from './astNodes';
import type { Context } from './context';
import { unsupported } from './errors';
import { ExpressionTranslator } from './expressions';
import { quoteIdentifier } from './names';
import type { TableInfo } from './ports';
import type { ResultColumn } from './query';
import { Scope } from './scope';

export interface OutputPlan {
  /** ` RETURNING …`, to end the statement with. */
  returning: string;
  columns: ResultColumn[];
  into: OutputClause['into'];
}

/** The OUTPUT clause of a statement writing `table`, whose changed rows are `rows`; null without one. */
export function translateOutput(output: OutputClause | null, table: TableInfo, rows: 'inserted' | 'deleted', statement: 'INSERT' | 'UPDATE' | 'DELETE', ctx: Context): OutputPlan | null {
  if (!output) return null;
  if (statement === 'UPDATE') refuseRowsBefore(output);
  // The target's columns, written without a table: RETURNING binds them to the target alone.
  const scope = new Scope([{ exposed: rows, at: output, table: null, columns: table.columns, bare: true }], null);
  const t = new ExpressionTranslator(ctx, scope);
  const items: string[] = [];
  const columns: ResultColumn[] = [];
  for (const item of output.items) {
    const e = item.expr;
    if (e.kind === 'star') {
      for (const source of scope.starSources(e.qualifier, e)) {
        for (const c of source.columns) {
          items.push(quoteIdentifier(c.name));
          columns.push({ name: c.name, type: c.type });
        }
      }
      continue;
    }
    const typed = t.value(e);
    items.push(typed.sql);
    columns.push({ name: item.alias?.name ?? (e.kind === 'column' ? e.parts[e.parts.length - 1]!.name : ''), type: typed.type });
  }
  return { returning: ` RETURNING ${items.join(', ')}`, columns, into: output.into };
}

/** UPDATE ... OUTPUT deleted.…: the rows before the UPDATE, which the storage does not return. */
function refuseRowsBefore(output: OutputClause): void {
  const before = findNode(output.items, (node) => {
    const n = node as Expression;
    const qualifier = n.kind === 'column' && n.parts.length > 1 ? n.parts[0]! : n.kind === 'star' ? n.qualifier[0] : undefined;
    return qualifier?.name.toLowerCase() === 'deleted';
  });
  if (before) unsupported('OUTPUT deleted.… of an UPDATE (the rows as they were before it)', before as Expression);
}

/** OUTPUT ... INTO with INSERT ... EXEC: the procedure's rows are staged, not returned by one statement. */
export function refuseOutputOfExecute(output: OutputClause | null): void {
  if (output) unsupported('OUTPUT with INSERT ... EXEC', output);
}

