// TRUNCATE TABLE: a missing table is Msg 4701 (not 208, as for other statements); ALTER on the
// table is needed; the rows go and the IDENTITY column starts again at its seed, as in SQL Server.
// DuckDB cannot restart a sequence a column's default uses, so the default is taken off, the
// sequence made again with the same seed and increment, and the default put back, in one
// storage transaction.
import type { TruncateStatement } from '../../ast';
import { duckdbRelation, quoteIdentifier, quoteString, translateTruncateStatement } from '../../translate';
import { tableName, writtenName } from '../../translate/from';
import { identitySequence, identitySequenceFilter } from '../../translate/names';
import type { StatementContext } from '../context';
import { fail } from '../errors';
import { checkTable } from '../permissions';
import { resolveUserTable } from '../schemaLookup';

export async function runTruncate(s: TruncateStatement, ctx: StatementContext): Promise<void> {
  const session = ctx.session;
  const table = resolveUserTable(session, tableName(s.table));
  if (!table) return fail(4701, 16, 1, `Cannot find the object "${writtenName(s.table)}" because it does not exist or you do not have permissions.`, s.table);
  checkTable(ctx, 'ALTER', table, s.table);
  const sql = ctx.translated(translateTruncateStatement(s, ctx.ports().ports));
  const l = table.location;
  const statements = [sql];
  for (const column of table.columns.filter((c) => c.identity)) {
    const sequenceName = `${l.name}$identity$${column.name}`;
    const found = await session.query(`SELECT start_value, increment_by FROM duckdb_sequences() WHERE ${identitySequenceFilter(l, column.name)}`, [], s);
    const row = found.rows[0];
    if (!row) continue;
    const sequence = identitySequence(l, column.name);
    const alter = `ALTER TABLE ${duckdbRelation(l)} ALTER COLUMN ${quoteIdentifier(column.name)}`;
    statements.push(
      `${alter} DROP DEFAULT`,
      `DROP SEQUENCE ${sequence}`,
      `CREATE ${l.kind === 'temp' ? 'TEMP ' : ''}SEQUENCE ${l.kind === 'temp' ? quoteIdentifier(sequenceName) : sequence} START WITH ${String(row[0])} INCREMENT BY ${String(row[1])}`,
      `${alter} SET DEFAULT nextval(${quoteString(sequence)})`,
    );
  }
  await session.atomically(statements, s, l.kind === 'database' ? l.database : undefined);
}
