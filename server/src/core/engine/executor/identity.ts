// SCOPE_IDENTITY() and @@IDENTITY: after an INSERT (or a MERGE that inserts) into a table with an
// identity column, the last value its sequence gave on this session's connection becomes the
// session's @@IDENTITY and the current batch's or procedure's SCOPE_IDENTITY(). A statement that
// inserted nothing leaves both as they were, as in SQL Server.
import { identitySequence, quoteString } from '../translate/names';
import type { TableInfo } from '../translate';
import type { StatementContext } from './context';

export async function noteIdentity(ctx: StatementContext, table: TableInfo | null, inserted: number): Promise<void> {
  const column = table?.columns.find((c) => c.identity);
  if (!table || !column || inserted === 0) return;
  let value;
  try {
    const result = await ctx.session.query(`SELECT currval(${quoteString(identitySequence(table.location, column.name))})`, [], { start: 0, end: 0 });
    value = result.rows[0]?.[0] ?? null;
  } catch {
    // A MERGE whose rows all matched drew no value from the sequence: nothing to note.
    return;
  }
  ctx.session.lastIdentity = value;
  ctx.frame.scopeIdentity = value;
}
