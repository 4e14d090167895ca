// Function calls: built-ins translated here, aggregates and window functions with SQL Server's
// placement rules, functions the executor provides (through SchemaLookup.scalarFunction), and
// SQL Server's errors for everything else: built-ins not translated are "not supported by the
// embedded instance", unknown names are Msg 195.
import type { FrameBound, FunctionCall, WindowFrame } from '../ast';
import { AGGREGATES, type Aggregate } from './aggregates';
import { values, type Builtin } from './builtin';
import type { Typed } from './context';
import { convert } from './conversions';
import { DATE_FUNCTIONS } from './dateFunctions';
import { stop, unsupported } from './errors';
import { collation, combine, type ExpressionTranslator } from './expressions';
import { HASH_FUNCTIONS } from './hashFunctions';
import { LOGIC_FUNCTIONS } from './logicFunctions';
import { MATH_FUNCTIONS } from './mathFunctions';
import { FROM_PARTS_FUNCTIONS } from './fromParts';
import { MISC_FUNCTIONS } from './miscFunctions';
import { quoteIdentifier } from './names';
import { SOUNDEX_FUNCTIONS } from './soundexFunctions';
import { STRING_FUNCTIONS } from './stringFunctions';
import { scalarFunctionCall } from './userFunctions';
import { BIGINT, duckdbType, FLOAT, INT, isBinary, isNumber, type SqlType } from './types';

const BUILTINS: Readonly<Record<string, Builtin>> = { ...STRING_FUNCTIONS, ...SOUNDEX_FUNCTIONS, ...DATE_FUNCTIONS, ...MATH_FUNCTIONS, ...LOGIC_FUNCTIONS, ...MISC_FUNCTIONS, ...HASH_FUNCTIONS, ...FROM_PARTS_FUNCTIONS };

/** Functions that exist only with OVER (ORDER BY ...), with their argument counts. */
const WINDOW_FUNCTIONS: Readonly<Record<string, [number, number]>> = {
  ROW_NUMBER: [0, 0],
  RANK: [0, 0],
  DENSE_RANK: [0, 0],
  NTILE: [1, 1],
  LAG: [1, 3],
  LEAD: [1, 3],
  FIRST_VALUE: [1, 1],
  LAST_VALUE: [1, 1],
  CUME_DIST: [0, 0],
  PERCENT_RANK: [0, 0],
};

/** SQL Server built-ins the embedded instance does not translate (and the executor may not provide). */
const NOT_TRANSLATED = new Set(
  `STR STRING_ESCAPE STRING_SPLIT COMPRESS DECOMPRESS
CHECKSUM_AGG JSON_MODIFY
OPENJSON SWITCHOFFSET TODATETIMEOFFSET DATETIMEOFFSETFROMPARTS
DATE_BUCKET GREATEST LEAST NEWSEQUENTIALID ROWCOUNT_BIG XACT_STATE ERROR_MESSAGE ERROR_NUMBER ERROR_SEVERITY ERROR_STATE ERROR_LINE
ERROR_PROCEDURE OBJECT_ID OBJECT_NAME OBJECT_SCHEMA_NAME OBJECTPROPERTY COL_LENGTH COL_NAME COLUMNPROPERTY DB_ID DB_NAME
SCHEMA_ID SCHEMA_NAME TYPE_ID TYPE_NAME USER_ID USER_NAME SUSER_ID SUSER_NAME SUSER_SID SUSER_SNAME ORIGINAL_LOGIN
CURRENT_USER SESSION_USER SYSTEM_USER USER HOST_NAME HOST_ID APP_NAME HAS_PERMS_BY_NAME HAS_DBACCESS IS_MEMBER
IS_ROLEMEMBER IS_SRVROLEMEMBER PERMISSIONS SERVERPROPERTY DATABASEPROPERTYEX SESSION_CONTEXT CONTEXT_INFO
CURRENT_TRANSACTION_ID CONNECTIONPROPERTY FULLTEXTCATALOGPROPERTY`.split(/\s+/),
);

export function translateCall(call: FunctionCall, t: ExpressionTranslator): Typed {
  const name = call.name.length === 1 ? call.name[0]!.name.toUpperCase() : null;
  if (name !== null) {
    const aggregate = AGGREGATES[name];
    if (aggregate) return aggregateCall(name, aggregate, call, t);
    const window = WINDOW_FUNCTIONS[name];
    if (window) return windowCall(name, window, call, t);
    if (name === 'PERCENTILE_CONT' || name === 'PERCENTILE_DISC') return percentileCall(name, call, t);
    const builtin = BUILTINS[name];
    if (builtin) {
      if (call.over) notWindowFunction(name, call);
      if (call.distinct || call.star) stop(102, 15, 1, `Incorrect syntax near '${call.name[0]!.name}'.`, call);
      checkArgumentCount(name, builtin.args, call);
      return builtin.translate(call, t);
    }
  }
  const parts = call.name.map((p) => p.name);
  // Scalar user functions are always called with their schema, as SQL Server requires.
  if (parts.length >= 2 && parts[parts.length - 2]!.toLowerCase() !== 'sys') {
    const user = t.ctx.ports.schema.userFunction?.({ database: parts.length === 3 ? parts[0]! : null, schema: parts[parts.length - 2]!, name: parts[parts.length - 1]! });
    if (user) return scalarFunctionCall(user, call, t);
  }
  const provided = t.ctx.ports.schema.scalarFunction({
    database: parts.length === 3 ? parts[0]! : null,
    schema: parts.length >= 2 ? parts[parts.length - 2]! : null,
    name: parts[parts.length - 1]!,
  });
  if (provided) {
    if (call.over) notWindowFunction(parts.join('.'), call);
    const args = values(call, t);
    const sql = `${provided.duckdbName.map(quoteIdentifier).join('.')}(${args.map((a) => a.sql).join(', ')})`;
    // The executor's functions hand binary values over as hex digits (SUSER_SID).
    return combine(isBinary(provided.returns) ? `from_hex(${sql})` : sql, provided.returns, args);
  }
  if (name !== null && NOT_TRANSLATED.has(name)) return unsupported(`The function ${name}`, call);
  if (name === null) {
    const written = parts.join('.');
    return stop(4121, 16, 1, `Cannot find either column "${parts[0]}" or the user-defined function or aggregate "${written}", or the name is ambiguous.`, call);
  }
  return stop(195, 15, 10, `'${call.name[0]!.name}' is not a recognized built-in function name.`, call);
}

function checkArgumentCount(name: string, [min, max]: [number, number], call: FunctionCall): void {
  const n = call.star ? 1 : call.args.length;
  if (n >= min && n <= max) return;
  const lower = name.toLowerCase();
  const message = min === max ? `The ${lower} function requires ${min} argument(s).` : `The ${lower} function requires ${min} to ${max} arguments.`;
  stop(174, 15, 1, message, call);
}

function notWindowFunction(name: string, call: FunctionCall): never {
  return stop(4109, 15, 1, `The function '${name}' is not a valid windowing function, and cannot be used with the OVER clause.`, call);
}

function aggregateCall(name: string, aggregate: Aggregate, call: FunctionCall, t: ExpressionTranslator): Typed {
  const ctx = t.ctx;
  if (call.star && name !== 'COUNT' && name !== 'COUNT_BIG') stop(102, 15, 1, "Incorrect syntax near '*'.", call);
  checkArgumentCount(name, call.star ? [1, 1] : aggregate.args, call);
  if (call.over) {
    const over = overClause(call, t);
    const args = values(call, t);
    const { sql, type } = aggregate.translate(args, call, over.sql);
    return combine(sql, type, [...args, ...over.keys]);
  }
  if (ctx.clause === 'where' || ctx.clause === 'on') {
    const where = ctx.clause === 'where' ? 'WHERE clause' : 'ON clause';
    stop(147, 15, 1, `An aggregate may not appear in the ${where} unless it is in a subquery contained in a HAVING clause or a select list, and the column being aggregated is an outer reference.`, call);
  }
  if (ctx.clause === 'groupBy') stop(144, 15, 1, 'Cannot use an aggregate or a subquery in an expression used for the group by list of a GROUP BY clause.', call);
  if (ctx.aggregateDepth > 0) stop(130, 16, 1, 'Cannot perform an aggregate function on an expression containing an aggregate or a subquery.', call);
  ctx.aggregateDepth++;
  let args: Typed[];
  try {
    args = values(call, t);
  } finally {
    ctx.aggregateDepth--;
  }
  const orderBy = call.withinGroup ? withinGroupOrder(call, t) : '';
  const { sql, type } = aggregate.translate(args, call, '', orderBy);
  return { sql, type, aggregate: true, loose: null };
}

/** WITHIN GROUP (ORDER BY ...): keys of the aggregated rows, strings case-insensitively. */
function withinGroupOrder(call: FunctionCall, t: ExpressionTranslator): string {
  const ctx = t.ctx;
  ctx.aggregateDepth++;
  try {
    const keys = call.withinGroup!.map((o) => {
      const key = t.value(o.expr);
      return `${key.sql}${collation(key.type)}${o.descending ? ' DESC' : ''}`;
    });
    return ` ORDER BY ${keys.join(', ')}`;
  } finally {
    ctx.aggregateDepth--;
  }
}

function windowCall(name: string, argCount: [number, number], call: FunctionCall, t: ExpressionTranslator): Typed {
  if (!call.over) stop(10753, 15, 3, `The function '${name}' must have an OVER clause.`, call);
  if (call.over.orderBy.length === 0) stop(4112, 15, 1, `The function '${name}' must have an OVER clause with ORDER BY.`, call);
  checkArgumentCount(name, argCount, call);
  if (call.over.frame && name !== 'FIRST_VALUE' && name !== 'LAST_VALUE') stop(10752, 15, 3, `The function '${name}' may not have a window frame.`, call.over.frame);
  const window = overClause(call, t);
  const over = window.sql;
  const args = values(call, t);
  const fn = name.toLowerCase();
  const result = (sql: string, type: SqlType): Typed => combine(sql, type, [...args, ...window.keys]);
  switch (name) {
    case 'ROW_NUMBER':
    case 'RANK':
    case 'DENSE_RANK':
      return result(`CAST(${fn}()${over} AS BIGINT)`, BIGINT);
    case 'NTILE':
      return result(`CAST(ntile(${args[0]!.sql})${over} AS BIGINT)`, BIGINT);
    case 'CUME_DIST':
    case 'PERCENT_RANK':
      return result(`${fn}()${over}`, FLOAT);
    case 'LAG':
    case 'LEAD': {
      const [x, offset, fallback] = args;
      const list = [x!.sql];
      if (offset) list.push(convert(offset, INT, 'implicit', call.args[1]!).sql);
      if (fallback) list.push(convert(fallback, x!.type, 'implicit', call.args[2]!).sql);
      return result(`${fn}(${list.join(', ')})${over}`, x!.type);
    }
    default:
      return result(`${fn}(${args[0]!.sql})${over}`, args[0]!.type);
  }
}

/**
 * PERCENTILE_CONT / PERCENTILE_DISC (p) WITHIN GROUP (ORDER BY x [DESC]) OVER ([PARTITION BY ...]),
 * window functions only, as in SQL Server. DuckDB's quantile_cont interpolates at 1 + p * (n - 1)
 * and quantile_disc takes the first value whose cumulative distribution reaches p, as SQL Server
 * defines them. Descending order is the mirror: 1 - p for CONT; for DISC the largest values come
 * first, which the quantile of the negated numbers gives (anything but numbers is not supported).
 */
function percentileCall(name: 'PERCENTILE_CONT' | 'PERCENTILE_DISC', call: FunctionCall, t: ExpressionTranslator): Typed {
  if (!call.withinGroup) stop(10754, 15, 1, `The function '${name}' must have a WITHIN GROUP clause.`, call);
  if (!call.over) stop(10753, 15, 3, `The function '${name}' must have an OVER clause.`, call);
  checkArgumentCount(name, [1, 1], call);
  if (call.withinGroup.length !== 1) stop(102, 15, 1, "Incorrect syntax near ','.", call);
  if (call.over.orderBy.length > 0) unsupported(`ORDER BY in the OVER clause of ${name}`, call);
  const window = overClause(call, t);
  const [fraction] = values(call, t);
  const order = call.withinGroup[0]!;
  const key = t.value(order.expr);
  const continuous = name === 'PERCENTILE_CONT';
  if (!isNumber(key.type) && (continuous || order.descending)) {
    if (!continuous) unsupported('PERCENTILE_DISC over values other than numbers in descending order', call);
    stop(8117, 16, 1, `Operand data type ${key.type.name} is invalid for ${name.toLowerCase()} operator.`, call);
  }
  const p = convert(fraction!, FLOAT, 'implicit', call.args[0]!).sql;
  const sql = continuous
    ? `quantile_cont(${key.sql}, ${order.descending ? `1 - ${p}` : p})${window.sql}`
    : order.descending
      ? // tinyint is unsigned in the storage: negated as an integer, then back.
        `CAST(-quantile_disc(-CAST(${key.sql} AS ${key.type.name === 'tinyint' ? 'INTEGER' : duckdbType(key.type)}), ${p})${window.sql} AS ${duckdbType(key.type)})`
      : `quantile_disc(${key.sql}, ${p})${window.sql}`;
  return combine(continuous ? `CAST(${sql} AS DOUBLE)` : sql, continuous ? FLOAT : key.type, [fraction!, key, ...window.keys]);
}

/**
 * OVER (PARTITION BY ... ORDER BY ...), allowed only in the select list and ORDER BY. The keys are
 * returned too: in a grouped query they must be grouped or aggregated like any other value.
 */
function overClause(call: FunctionCall, t: ExpressionTranslator): { sql: string; keys: Typed[] } {
  const ctx = t.ctx;
  if (ctx.clause !== 'select' && ctx.clause !== 'orderBy') stop(4108, 15, 1, 'Windowed functions can only appear in the SELECT or ORDER BY clauses.', call);
  const spec = call.over!;
  const partition = spec.partitionBy.map((e) => t.value(e));
  const order = spec.orderBy.map((o) => ({ key: t.value(o.expr), descending: o.descending }));
  const pieces: string[] = [];
  if (partition.length) pieces.push(`PARTITION BY ${partition.map((k) => k.sql).join(', ')}`);
  if (order.length) pieces.push(`ORDER BY ${order.map((o) => `${o.key.sql}${collation(o.key.type)}${o.descending ? ' DESC' : ''}`).join(', ')}`);
  if (spec.frame) pieces.push(frameClause(spec.frame, order.length > 0));
  return { sql: ` OVER (${pieces.join(' ')})`, keys: [...partition, ...order.map((o) => o.key)] };
}

/**
 * ROWS|RANGE BETWEEN ... AND ...: DuckDB's frames mean what SQL Server's do (RANGE takes the
 * current row's peers, as the default frame of an OVER with ORDER BY). SQL Server wants an ORDER
 * BY, and keeps RANGE to UNBOUNDED and CURRENT ROW.
 */
function frameClause(frame: WindowFrame, ordered: boolean): string {
  if (!ordered) stop(10756, 15, 1, 'Window frame with ROWS or RANGE must have an ORDER BY clause.', frame);
  const bound = (b: FrameBound) => {
    if (b.offset !== null && frame.unit === 'RANGE') stop(4194, 16, 1, 'RANGE is only supported with UNBOUNDED and CURRENT ROW window frame delimiters.', b);
    return b.offset === null ? b.kind : `${b.offset} ${b.kind}`;
  };
  return `${frame.unit} BETWEEN ${bound(frame.from)} AND ${bound(frame.to)}`;
}
