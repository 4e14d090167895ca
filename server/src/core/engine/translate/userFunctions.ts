// Views and user functions, expanded where they are used, as SQL Server's optimizer expands views
// and inline functions (and, since 2019, inlines scalar functions): a view is its query as a
// derived table; an inline table-valued function its query with the arguments in place of the
// parameters; a scalar function its body compiled into one expression. The body of a scalar
// function is run symbolically: each variable holds the expression of its current value, SET
// replaces it, IF becomes CASE over the rest of the body, RETURN ends a path. Bodies that do not
// fit that model (loops, statements with effects) are refused with the instance's positioned error.
import type { Expression, FunctionCall, Identifier, Span, Statement, TableSource } from '../ast';
import type { Context, Typed } from './context';
import { convert } from './conversions';
import { stop, unsupported } from './errors';
import { combine, ExpressionTranslator, resolveType } from './expressions';
import { quoteIdentifier } from './names';
import type { UserFunctionInfo, ViewInfo } from './ports';
import { namedColumns, translateQuery, type TranslatedQuery } from './query';
import { Scope, type Source } from './scope';
import { duckdbType, type SqlType } from './types';

/** The largest expression a scalar function may compile to (IF duplicates the rest of the body). */
const MAX_INLINED_SQL = 200_000;

export interface ModuleSource {
  sql: string;
  sources: Source[];
}

/** A derived table's SQL and source for a query with its column names. */
function asSource(result: TranslatedQuery, names: Identifier[], owner: string, exposed: string, at: Span): ModuleSource {
  const columns = namedColumns(result, names.length ? names.map((c) => c.name) : null, owner, at);
  const list = columns.map((c) => quoteIdentifier(c.name)).join(', ');
  const source: Source = { exposed, at, table: null, columns: columns.map((c) => ({ ...c, nullable: true, identity: false })) };
  return { sql: `(${result.sql}) AS ${quoteIdentifier(exposed)}(${list})`, sources: [source] };
}

/** A view in FROM: its query, translated in the view's own database and schema. */
export function viewSource(view: ViewInfo, item: Extract<TableSource, { kind: 'table' }>, ctx: Context): ModuleSource {
  const result = ctx.inModule(view.ports, null, item, () => translateQuery(view.query, ctx, null, 'derived'));
  const source = asSource(result, view.columns, view.name, item.alias?.name ?? view.name, item);
  // `dbo.v.c` names a column of an unaliased view, as it does a table's.
  if (!item.alias) source.sources[0]!.table = { database: view.database, schema: view.schema, name: view.name };
  return source;
}

/** The arguments of a call bound to the function's parameters, converted to their types. */
function bindArguments(fn: UserFunctionInfo, args: Expression[], at: Span, t: ExpressionTranslator): Map<string, Typed> {
  const display = `${fn.schema}.${fn.name}`;
  if (args.length < fn.parameters.length) stop(313, 16, 3, `An insufficient number of arguments were supplied for the procedure or function ${display}.`, at);
  if (args.length > fn.parameters.length) stop(8144, 16, 2, `Procedure or function ${display} has too many arguments specified.`, at);
  const bindings = new Map<string, Typed>();
  fn.parameters.forEach((p, k) => bindings.set(p.name.toLowerCase(), convert(t.value(args[k]!), p.type, 'implicit', args[k]!)));
  return bindings;
}

/** An inline table-valued function in FROM (or APPLY): its query with the arguments bound. */
export function inlineFunctionSource(fn: UserFunctionInfo, item: Extract<TableSource, { kind: 'function' }>, ctx: Context, outer: Scope | null): ModuleSource {
  if (fn.body.kind !== 'inline') return stop(208, 16, 1, `Invalid object name '${fn.schema}.${fn.name}'.`, item.name);
  const query = fn.body.query;
  const args = new ExpressionTranslator(ctx, outer ?? new Scope([], null));
  const bindings = ctx.within('other', () => bindArguments(fn, item.args, item, args));
  const result = ctx.inModule(fn.ports, bindings, item, () => translateQuery(query, ctx, null, 'derived'));
  return asSource(result, [], fn.name, item.alias?.name ?? fn.name, item);
}

/** A scalar user function called in an expression. */
export function scalarFunctionCall(fn: UserFunctionInfo, call: FunctionCall, t: ExpressionTranslator): Typed {
  const display = `${fn.schema}.${fn.name}`;
  if (fn.body.kind !== 'scalar' || !fn.returns) {
    return stop(4121, 16, 1, `Cannot find either column "${fn.schema}" or the user-defined function or aggregate "${display}", or the name is ambiguous.`, call);
  }
  if (call.over) stop(4109, 15, 1, `The function '${display}' is not a valid windowing function, and cannot be used with the OVER clause.`, call);
  const bindings = bindArguments(fn, call.args, call, t);
  const body = fn.body;
  const returns = fn.returns;
  const value = t.ctx.inModule(fn.ports, bindings, call, () => compileScalarBody(body.statements, body, returns, t.ctx));
  // The caller's flags (a loose column, an aggregate) come from the arguments.
  return combine(value.sql, returns, [value, ...bindings.values()]);
}

/**
 * A scalar function's body as one expression of its parameters: also how CREATE FUNCTION checks
 * a body before keeping it (`ctx.bindings` holds the parameters).
 */
export function compileScalarBody(statements: Statement[], at: Span, returns: SqlType, ctx: Context): Typed {
  const value = compilePath(statements, 0, new Map(ctx.bindings ?? []), returns, ctx, at);
  if (value.sql.length > MAX_INLINED_SQL) unsupported('A scalar function this large (its IF statements expand it beyond what the instance inlines)', at);
  return value;
}

/** The value the function returns when it runs `statements` from `index` with the variables `env`. */
function compilePath(statements: Statement[], index: number, env: Map<string, Typed>, returns: SqlType, ctx: Context, body: Span): Typed {
  const s = statements[index];
  if (!s) return stop(455, 16, 2, 'The last statement included within a function must be a return statement.', statements[statements.length - 1] ?? body);
  const rest = (nextEnv: Map<string, Typed>) => compilePath(statements, index + 1, nextEnv, returns, ctx, body);
  const valueOf = (e: Expression): Typed => {
    const saved = ctx.bindings;
    ctx.bindings = env;
    try {
      return new ExpressionTranslator(ctx, new Scope([], null)).value(e);
    } finally {
      ctx.bindings = saved;
    }
  };
  const conditionOf = (e: Expression): Typed => {
    const saved = ctx.bindings;
    ctx.bindings = env;
    try {
      return new ExpressionTranslator(ctx, new Scope([], null)).condition(e);
    } finally {
      ctx.bindings = saved;
    }
  };
  switch (s.kind) {
    case 'declare': {
      const next = new Map(env);
      for (const v of s.variables) {
        if (v.kind === 'table') unsupported('Table variables in a scalar function', v);
        const key = v.name.name.toLowerCase();
        if (next.has(key)) {
          stop(134, 15, 1, `The variable name '${v.name.name}' has already been declared. Variable names must be unique within a query batch or stored procedure.`, v.name);
        }
        const type = resolveType(v.type, 'declaration');
        const initial: Typed = v.value ? valueOf(v.value) : { sql: 'NULL', type, nullLiteral: true };
        next.set(key, convert(initial, type, 'implicit', v));
      }
      return rest(next);
    }
    case 'setVariable': {
      const key = s.variable.name.toLowerCase();
      const current = env.get(key);
      if (!current) return stop(137, 15, 2, `Must declare the scalar variable "${s.variable.name}".`, s.variable);
      const expr: Expression = s.op === '=' ? s.value : { kind: 'binaryOp', op: s.op[0] as '+', left: s.variable, right: s.value, start: s.start, end: s.end };
      const next = new Map(env);
      next.set(key, convert(valueOf(expr), current.type, 'implicit', s));
      return rest(next);
    }
    case 'block':
      return compilePath([...s.statements, ...statements.slice(index + 1)], 0, env, returns, ctx, body);
    case 'if': {
      const test = conditionOf(s.condition);
      const tail = statements.slice(index + 1);
      const then = compilePath([s.then, ...tail], 0, env, returns, ctx, body);
      const otherwise = compilePath(s.else ? [s.else, ...tail] : tail, 0, env, returns, ctx, body);
      return combine(`CASE WHEN ${test.sql} THEN ${then.sql} ELSE ${otherwise.sql} END`, returns, [test, then, otherwise]);
    }
    case 'return': {
      if (!s.value) return stop(178, 15, 1, 'A RETURN statement with a return value cannot be used in this context.', s);
      return convert(valueOf(s.value), returns, 'implicit', s.value);
    }
    case 'print':
    case 'raiserror':
    case 'execute':
    case 'executeString':
      return stop(443, 16, 14, `Invalid use of a side-effecting operator '${s.kind === 'print' ? 'PRINT' : s.kind === 'raiserror' ? 'RAISERROR' : 'EXECUTE STRING'}' within a function.`, s);
    default:
      return unsupported(`${statementName(s)} inside a scalar function (the instance inlines DECLARE, SET, IF and RETURN)`, s);
  }
}

function statementName(s: Statement): string {
  switch (s.kind) {
    case 'while':
      return 'WHILE';
    case 'select':
      return 'SELECT';
    case 'tryCatch':
      return 'TRY...CATCH';
    default:
      return `The ${s.kind} statement`;
  }
}

/**
 * CREATE VIEW's check of its definition: it must translate in the view's scope, and every column
 * must have a name, each once (Msg 4511, 4506). Errors keep their offsets in the definition.
 */
export function viewColumns(view: ViewInfo, ctx: Context, at: Span): { name: string; type: SqlType }[] {
  ctx.ports = view.ports;
  const result = translateQuery(view.query, ctx, null, 'derived');
  if (view.columns.length && view.columns.length !== result.columns.length) {
    const more = result.columns.length > view.columns.length;
    stop(more ? 8158 : 8159, 16, 1, `'${view.name}' has ${more ? 'more' : 'fewer'} columns than were specified in the column list.`, at);
  }
  return moduleColumns(result.columns.map((c, k) => ({ name: view.columns[k]?.name ?? c.name, type: c.type })), view.name, at);
}

function moduleColumns(columns: { name: string; type: SqlType }[], owner: string, at: Span): { name: string; type: SqlType }[] {
  const seen = new Set<string>();
  columns.forEach((c, k) => {
    if (c.name === '') stop(4511, 16, 1, `Create View or Function failed because no column name was specified for column ${k + 1}.`, at);
    if (seen.has(c.name.toLowerCase())) {
      stop(4506, 16, 1, `Column names in each view or function must be unique. Column name '${c.name}' in view or function '${owner}' is specified more than once.`, at);
    }
    seen.add(c.name.toLowerCase());
  });
  return columns;
}

/**
 * CREATE FUNCTION's check of its definition, with each parameter standing for a value of its type:
 * the inline function's columns, or the scalar function's compiled body. Errors keep their offsets.
 */
export function functionColumns(fn: UserFunctionInfo, ctx: Context, at: Span): { name: string; type: SqlType }[] {
  ctx.ports = fn.ports;
  ctx.bindings = new Map(fn.parameters.map((p) => [p.name.toLowerCase(), { sql: `CAST(NULL AS ${duckdbType(p.type)})`, type: p.type }]));
  if (fn.body.kind === 'scalar') {
    compileScalarBody(fn.body.statements, fn.body, fn.returns!, ctx);
    return [];
  }
  const result = translateQuery(fn.body.query, ctx, null, 'derived');
  return moduleColumns(result.columns, fn.name, at);
}
