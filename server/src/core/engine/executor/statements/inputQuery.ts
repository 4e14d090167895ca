// @input_data_1: a query run for the caller exactly as if the caller had sent it (no ownership
// chain, no variables but the script's @params), whose rows and T-SQL column types become the
// script's input data set.
import type { ExecuteStatement } from '../../ast';
import type { InputRows } from '../../../launcher/request';
import { parseBatch } from '../../parser';
import { formatSqlType, translateSelect } from '../../translate';
import type { SqlType } from '../../translate/types';
import { StatementContext } from '../context';
import { ExecStop, fail, notSupportedHere } from '../errors';
import { Frame } from '../frame';
import { checkReads } from '../permissions';
import type { SqlValue } from '../ports';

export async function runInputQuery(ctx: StatementContext, text: string, st: ExecuteStatement, params: Map<string, { type: SqlType; value: SqlValue }>): Promise<InputRows> {
  const frame = Frame.dynamic(text, ctx.frame, st.start);
  const parsed = parseBatch(text);
  const inner = new StatementContext(ctx.session, frame, ctx.sink);
  try {
    const error = parsed.errors[0];
    if (error) return fail(error.number, error.level, error.state, error.message, error);
    const query = parsed.statements[0];
    if (parsed.statements.length !== 1 || query?.kind !== 'select') return notSupportedHere('@input_data_1 other than one SELECT', st);
    for (const [name, p] of params) frame.variables.set(`@${name}`, { name: `@${name}`, type: p.type, value: p.value });
    const used = inner.ports();
    const plan = inner.translated(translateSelect(query, used.ports));
    if (plan.kind !== 'rows') return notSupportedHere('@input_data_1 that assigns variables or selects INTO a table', query);
    checkReads(inner, query);
    await inner.fillViews(used, query);
    const result = await ctx.session.query(plan.sql, ctx.session.parameterValues(plan.parameters, frame), query);
    return { columns: plan.columns.map((c) => ({ name: c.name, type: formatSqlType(c.type) })), rows: result.rows };
  } catch (e) {
    if (e instanceof ExecStop) e.place ??= frame.place(e.error.start);
    throw e;
  }
}
