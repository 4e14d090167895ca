// EXECUTE ... WITH RESULT SETS: the result sets a procedure (or a script) sent, checked against
// the clause and given its names and types, with SQL Server's errors when they do not fit (the
// batch is aborted). UNDEFINED, or no clause, passes them on as they are.
import type { ResultSetDefinition, ResultSetsClause, Span } from '../../ast';
import { duckdbType, formatSqlType, resolveDataType, stagedColumn } from '../../translate';
import type { SqlType } from '../../translate/types';
import type { StatementContext } from '../context';
import { fail } from '../errors';
import { columnHasNull, rowCountOf, type ExecResultSet } from '../results';
import { sqlTypeFromText } from '../sqlTypes';
import { conversionSql } from '../values';

/** `at` is the EXEC statement: run-time errors are reported at its line, as SQL Server does. */
export async function applyResultSets(ctx: StatementContext, clause: ResultSetsClause | null, sent: ExecResultSet[], at: Span): Promise<ExecResultSet[]> {
  if (!clause || clause.kind === 'undefined') return sent;
  const declared = clause.kind === 'none' ? [] : clause.sets;
  if (sent.length > declared.length) {
    return fail(11535, 16, 1, `EXECUTE statement failed because its WITH RESULT SETS clause specified ${declared.length} result set(s), and the statement tried to send more result sets than this.`, at, 'batch');
  }
  if (sent.length < declared.length) {
    return fail(11536, 16, 1, `EXECUTE statement failed because its WITH RESULT SETS clause specified ${declared.length} result set(s), but the statement only sent ${sent.length} result set(s) at run time.`, at, 'batch');
  }
  const shaped: ExecResultSet[] = [];
  for (const [k, resultSet] of sent.entries()) shaped.push(await shape(ctx, declared[k]!, resultSet, k + 1, at));
  return shaped;
}

async function shape(ctx: StatementContext, definition: ResultSetDefinition, sent: ExecResultSet, number: number, at: Span): Promise<ExecResultSet> {
  if (definition.columns.length !== sent.columns.length) {
    const text = `EXECUTE statement failed because its WITH RESULT SETS clause specified ${definition.columns.length} column(s) for result set number ${number}, but the statement sent ${sent.columns.length} column(s) at run time.`;
    return fail(11537, 16, 1, text, at, 'batch');
  }
  const targets = definition.columns.map((c) => ctx.translated(resolveDataType(c.type, 'declaration')));
  definition.columns.forEach((column, k) => {
    if (column.nullable !== false) return;
    if (columnHasNull(sent, k)) {
      const text = `EXECUTE statement failed because its WITH RESULT SETS clause specified a non-nullable type for column #${k + 1} in result set #${number}, and the corresponding value sent at run time was null.`;
      fail(11553, 16, 1, text, at, 'batch');
    }
  });
  const sources = sent.columns.map((c) => sqlTypeFromText(c.type) ?? { name: 'nvarchar', length: 'max' as const });
  const rows = await convertRows(ctx, sent, sources, targets, definition);
  return { columns: definition.columns.map((c, k) => ({ name: c.name.name, type: formatSqlType(targets[k]!) })), rows };
}

/** Converts the rows in the storage, staged there as they were sent. */
async function convertRows(ctx: StatementContext, sent: ExecResultSet, from: SqlType[], to: SqlType[], at: ResultSetDefinition): Promise<ExecResultSet['rows']> {
  const conversions = from.map((type, k) => conversionSql(`CAST(${stagedColumn(k)} AS ${duckdbType(type)})`, type, to[k]!, at.columns[k]!));
  if (rowCountOf(sent) === 0) return [];
  const staging = ctx.session.stagingTable();
  return ctx.session.withStagedRows(staging, sent, from.length, at, async () => {
    const converted = await ctx.session.query(`SELECT ${conversions.join(', ')} FROM ${staging.relation}`, [], at);
    return converted.rows;
  });
}
