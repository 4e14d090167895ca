// @input_data_1: T-SQL run for the caller exactly as if the caller had sent it (no ownership
// chain, no variables but the script's @params), whose one result set, with its T-SQL column
// types, becomes the script's input data set. As in SQL Server, any statements returning one
// result set are accepted (a SELECT with or without ';', WITH ... SELECT, EXEC of a procedure);
// text without statements (N'', N'   ;') and statements returning no rows set mean no input.
import type { ExecuteStatement } from '../../ast';
import type { InputColumns, InputRows } from '../../../launcher/request';
import { parseBatch } from '../../parser';
import { formatSqlType, translateSelect } from '../../translate';
import type { SqlType } from '../../translate/types';
import { StatementContext } from '../context';
import { ExecStop, fail, notSupportedHere } from '../errors';
import { Frame } from '../frame';
import { checkReads } from '../permissions';
import type { SqlValue } from '../ports';
import type { ExecMessage } from '../results';
import { runStatements } from '../runner';
import { CapturingSink } from '../sink';
import { dropFrameTables } from './procedureCall';

/** Takes the input's result sets; its row counts are not the client's business (SQL Server sends none). */
class InputSink extends CapturingSink {
  override message(message: ExecMessage): void {
    if (message.rowCount === undefined) super.message(message);
  }
}

export async function runInputQuery(
  ctx: StatementContext,
  text: string,
  st: ExecuteStatement,
  params: Map<string, { type: SqlType; value: SqlValue }>,
): Promise<InputRows | InputColumns | undefined> {
  const frame = Frame.dynamic(text, ctx.frame, st.start);
  const parsed = parseBatch(text);
  try {
    const error = parsed.errors[0];
    if (error) return fail(error.number, error.level, error.state, error.message, error);
    if (parsed.statements.length === 0) return undefined;
    for (const [name, p] of params) frame.variables.set(`@${name}`, { name: `@${name}`, type: p.type, value: p.value });
    const query = parsed.statements[0]!;
    if (parsed.statements.length === 1 && query.kind === 'select') {
      // One SELECT: run directly, without the row limit a result set sent to the client has.
      const inner = new StatementContext(ctx.session, frame, ctx.sink);
      const used = inner.ports();
      const plan = inner.translated(translateSelect(query, used.ports));
      if (plan.kind === 'rows') {
        checkReads(inner, query);
        await inner.fillViews(used, query);
        // Read column by column: the launcher encodes columns, and a row array each would cost more than the data.
        const result = await ctx.session.queryColumns(plan.sql, ctx.session.parameterValues(plan.parameters, frame), query);
        return { columns: plan.columns.map((c) => ({ name: c.name, type: formatSqlType(c.type) })), values: result.values, rowCount: result.rowCount };
      }
    }
    const captured = new InputSink(ctx.sink);
    const inner = new StatementContext(ctx.session, frame, captured);
    try {
      await runStatements(parsed.statements, inner);
    } finally {
      await dropFrameTables(inner);
    }
    if (captured.captured.length > 1) return notSupportedHere('@input_data_1 returning more than one result set', st);
    const only = captured.captured[0];
    return only && { columns: only.columns.map((c) => ({ name: c.name, type: c.type })), rows: only.rows };
  } catch (e) {
    if (e instanceof ExecStop) e.place ??= frame.place(e.error.start);
    throw e;
  }
}
