// Mathematical functions. Results keep SQL Server's types: ABS, ROUND, SIGN and POWER return the
// type of their argument (POWER(2, -1) is 0 for an int), CEILING/FLOOR of decimal(p, s) are
// decimal(p, 0); the float functions refuse what SQL Server calls an invalid floating point
// operation.
import type { Expression } from '../ast';
import { asFloat, asInt, values, type Builtin, type BuiltinTable } from './builtin';
import type { Typed } from './context';
import { convert } from './conversions';
import { raiseSql, stop, unsupported } from './errors';
import { combine } from './expressions';
import { decimal, duckdbType, FLOAT, isBit, isExact, isInteger, isNumber, isString, type SqlType } from './types';

/** A numeric argument; strings convert to float, as SQL Server does for these functions. */
function numeric(v: Typed, at: Expression, fn: string): Typed {
  if (isNumber(v.type) || v.nullLiteral) return v;
  if (isString(v.type)) return asFloat(v, at);
  if (isBit(v.type)) return convert(v, { name: 'int' }, 'implicit', at);
  return stop(8116, 16, 1, `Argument data type ${v.type.name} is invalid for argument 1 of ${fn.toLowerCase()} function.`, at);
}

const INVALID_FLOAT = (): string => raiseSql(3623, 16, 1, ['An invalid floating point operation occurred.']);

/** f(x) of the argument's own type: ABS, SIGN. */
function sameType(fn: string): Builtin {
  return {
    args: [1, 1],
    translate: (call, t) => {
      const [v] = values(call, t);
      const x = numeric(v!, call.args[0]!, fn);
      return combine(`CAST(${fn}(${x.sql}) AS ${duckdbType(x.type)})`, x.type, [v!]);
    },
  };
}

/** CEILING / FLOOR: decimals lose their scale. */
function rounding(fn: string): Builtin {
  return {
    args: [1, 1],
    translate: (call, t) => {
      const [v] = values(call, t);
      const x = numeric(v!, call.args[0]!, fn);
      const type: SqlType = x.type.name === 'decimal' || x.type.name === 'numeric' ? decimal(x.type.precision ?? 18, 0) : x.type;
      return combine(`CAST(${fn}(${x.sql}) AS ${duckdbType(type)})`, type, [v!]);
    },
  };
}

/** A float function; `domain` is the SQL condition under which SQL Server raises Msg 3623. */
function floatFunction(fn: string, argCount: number, domain?: (x: string) => string): Builtin {
  return {
    args: [argCount, argCount],
    translate: (call, t) => {
      const args = values(call, t);
      const xs = args.map((a, k) => asFloat(numeric(a, call.args[k]!, fn), call.args[k]!).sql);
      const sql = `${fn}(${xs.join(', ')})`;
      const guarded = domain ? `CASE WHEN ${domain(xs[0]!)} THEN ${INVALID_FLOAT()} ELSE ${sql} END` : sql;
      return combine(guarded, FLOAT, args);
    },
  };
}

export const MATH_FUNCTIONS: BuiltinTable = {
  ABS: sameType('abs'),
  SIGN: sameType('sign'),
  CEILING: rounding('ceil'),
  FLOOR: rounding('floor'),
  ROUND: {
    args: [2, 3],
    translate: (call, t) => {
      const args = values(call, t);
      const x = numeric(args[0]!, call.args[0]!, 'round');
      const n = asInt(args[1]!, call.args[1]!).sql;
      const f = call.args[2];
      if (f && f.kind !== 'number') return unsupported('ROUND with a third argument that is not a constant', f);
      const truncate = f !== undefined && Number(f.text) !== 0;
      if (truncate && !isExact(x.type) && !isInteger(x.type)) return unsupported('ROUND with truncation of a float', call);
      const sql = truncate ? `trunc(${x.sql}, ${n})` : `round(${x.sql}, ${n})`;
      return combine(`CAST(${sql} AS ${duckdbType(x.type)})`, x.type, args);
    },
  },
  POWER: {
    args: [2, 2],
    translate: (call, t) => {
      const args = values(call, t);
      const x = numeric(args[0]!, call.args[0]!, 'power');
      const y = asFloat(numeric(args[1]!, call.args[1]!, 'power'), call.args[1]!).sql;
      const power = `pow(${asFloat(x, call.args[0]!).sql}, ${y})`;
      let type = x.type;
      if (type.name === 'decimal' || type.name === 'numeric') type = decimal(38, type.scale ?? 0);
      // An integer power is truncated to an integer, as SQL Server computes it in the argument's type.
      const sql = isInteger(type) ? `CAST(trunc(${power}) AS ${duckdbType(type)})` : `CAST(${power} AS ${duckdbType(type)})`;
      return combine(sql, type, args);
    },
  },
  SQRT: floatFunction('sqrt', 1, (x) => `${x} < 0`),
  SQUARE: {
    args: [1, 1],
    translate: (call, t) => {
      const [v] = values(call, t);
      const x = asFloat(numeric(v!, call.args[0]!, 'square'), call.args[0]!).sql;
      return combine(`(${x} * ${x})`, FLOAT, [v!]);
    },
  },
  EXP: floatFunction('exp', 1),
  LOG: {
    args: [1, 2],
    translate: (call, t) => {
      const args = values(call, t);
      const [x, base] = args.map((a, k) => asFloat(numeric(a, call.args[k]!, 'log'), call.args[k]!).sql);
      const sql = base === undefined ? `ln(${x})` : `(ln(${x}) / ln(${base}))`;
      return combine(`CASE WHEN ${x} <= 0 THEN ${INVALID_FLOAT()} ELSE ${sql} END`, FLOAT, args);
    },
  },
  LOG10: floatFunction('log10', 1, (x) => `${x} <= 0`),
  SIN: floatFunction('sin', 1),
  COS: floatFunction('cos', 1),
  TAN: floatFunction('tan', 1),
  ASIN: floatFunction('asin', 1, (x) => `abs(${x}) > 1`),
  ACOS: floatFunction('acos', 1, (x) => `abs(${x}) > 1`),
  ATAN: floatFunction('atan', 1),
  ATN2: floatFunction('atan2', 2),
  DEGREES: floatFunction('degrees', 1),
  RADIANS: floatFunction('radians', 1),
  PI: { args: [0, 0], translate: () => ({ sql: 'pi()', type: FLOAT }) },
  RAND: {
    args: [0, 1],
    // RAND(seed) is repeatable: the same seed gives the same value (SQL Server's own sequence differs).
    translate: (call, t) => {
      if (!call.args.length) return { sql: 'random()', type: FLOAT };
      const seed = asInt(t.value(call.args[0]!), call.args[0]!);
      return combine(`(CAST(hash(${seed.sql}) % 1000000007 AS DOUBLE) / 1000000007.0)`, FLOAT, [seed]);
    },
  },
};
