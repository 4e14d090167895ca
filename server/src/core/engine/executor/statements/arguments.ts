// Binding EXEC's arguments to a procedure's parameters as SQL Server does: positional ones first,
// then only `@name = value`; DEFAULT or a missing argument takes the parameter's default;
// OUTPUT arguments must be variables and are copied back when the procedure returns.
import type { ExecuteArgument, ExecuteStatement, Expression, Span } from '../../ast';
import type { SqlType } from '../../translate/types';
import type { StatementContext } from '../context';
import { fail } from '../errors';
import type { SqlValue } from '../ports';
import { castValue } from '../values';

export interface Formal {
  /** With '@'. */
  name: string;
  type: SqlType;
  /** A constant default; null when the parameter has none. */
  default: Expression | null;
  output: boolean;
}

export interface Bound {
  formal: Formal;
  value: SqlValue;
  /** The caller's variable an OUTPUT argument writes back to. */
  outputTo: string | null;
}

/** The arguments matched to formals; unknown names, too many or missing arguments are SQL Server's errors. */
export function matchArguments(procedure: string, formals: readonly Formal[], args: readonly ExecuteArgument[], at: Span): Map<Formal, ExecuteArgument> {
  const matched = new Map<Formal, ExecuteArgument>();
  let named = false;
  args.forEach((arg, index) => {
    if (arg.name === null) {
      if (named) {
        const text = `Must pass parameter number ${index + 1} and subsequent parameters as '@name = value'. After the form '@name = value' has been used, all subsequent parameters must be passed in the form '@name = value'.`;
        fail(119, 15, 1, text, arg, 'batch');
      }
      const formal = formals[index];
      if (!formal) fail(8144, 16, 2, `Procedure or function ${procedure} has too many arguments specified.`, arg);
      matched.set(formal!, arg);
      return;
    }
    named = true;
    const formal = formals.find((f) => f.name.toLowerCase() === arg.name!.toLowerCase());
    if (!formal) fail(8145, 16, 2, `${arg.name} is not a parameter for procedure ${procedure}.`, arg);
    matched.set(formal!, arg);
  });
  for (const formal of formals) {
    const arg = matched.get(formal);
    if ((!arg || arg.value.kind === 'default') && formal.default === null) {
      fail(201, 16, 4, `Procedure or function '${procedure}' expects parameter '${formal.name}', which was not supplied.`, arg ?? at);
    }
  }
  return matched;
}

/** Evaluates matched arguments in the caller's frame (defaults are constants, evaluated there too). */
export async function bindArguments(ctx: StatementContext, procedure: string, formals: readonly Formal[], st: ExecuteStatement): Promise<Bound[]> {
  const matched = matchArguments(procedure, formals, st.args, st);
  const bound: Bound[] = [];
  for (const formal of formals) {
    const arg = matched.get(formal);
    const expression = !arg || arg.value.kind === 'default' ? formal.default! : arg.value;
    let outputTo: string | null = null;
    if (arg?.output) {
      if (arg.value.kind !== 'variable') fail(179, 15, 1, 'Cannot use the OUTPUT option when passing a constant to a stored procedure.', arg, 'batch');
      if (!formal.output) {
        fail(8162, 16, 2, `The formal parameter "${formal.name}" was not declared as an OUTPUT parameter, but the actual parameter passed in requested output.`, arg);
      }
      outputTo = (arg.value as { name: string }).name;
    }
    bound.push({ formal, value: (await ctx.evaluate(expression, formal.type)).value, outputTo });
  }
  return bound;
}

/** Copies an OUTPUT value into the caller's variable, converted to its type. */
export async function writeBack(ctx: StatementContext, variableName: string, value: SqlValue, from: SqlType, at: Span): Promise<void> {
  const variable = ctx.frame.variable(variableName);
  if (!variable) return fail(137, 15, 2, `Must declare the scalar variable "${variableName}".`, at, 'batch');
  variable.value = await castValue(ctx, value, from, variable.type, at);
}
