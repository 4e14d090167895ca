// What the system procedures share: their shape, and their arguments taken by parameter name or
// position as EXEC binds them, each optional one NULL when not given.
import type { ExecuteStatement, Expression } from '../../ast';
import type { SqlType } from '../../translate/types';
import type { StatementContext } from '../context';
import { matchArguments, type Formal } from './arguments';

export type SystemProcedure = (st: ExecuteStatement, ctx: StatementContext) => Promise<void>;

export const NVARCHAR_MAX: SqlType = { name: 'nvarchar', length: 'max' };
/** A default of NULL: these procedures' optional parameters. */
export const NULL: Expression = { kind: 'null', start: 0, end: 0 };

/** The procedure's arguments by parameter name (lower case, with '@'); DEFAULT and missing ones are absent. */
export function argumentsOf(procedure: string, names: string[], st: ExecuteStatement): Map<string, Expression> {
  const formals: Formal[] = names.map((name) => ({ name, type: NVARCHAR_MAX, default: NULL, output: false }));
  const matched = matchArguments(procedure, formals, st.args, st);
  const values = new Map<string, Expression>();
  for (const [formal, arg] of matched) if (arg.value.kind !== 'default') values.set(formal.name.toLowerCase(), arg.value);
  return values;
}

export async function text(ctx: StatementContext, expr: Expression | undefined): Promise<string | null> {
  if (!expr) return null;
  const { value } = await ctx.evaluate(expr, NVARCHAR_MAX);
  return value === null ? null : String(value);
}
