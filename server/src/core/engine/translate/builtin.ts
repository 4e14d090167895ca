// The shape of a built-in function translation and the argument conversions they share.
import type { Expression, FunctionCall } from '../ast';
import type { Typed } from './context';
import { convert } from './conversions';
import { common, type ExpressionTranslator } from './expressions';
import { DATETIME_TYPE, FLOAT, INT, isDateTime, isString, varchar } from './types';

export interface Builtin {
  /** How many arguments it takes: [min, max]. */
  args: [number, number];
  translate(call: FunctionCall, t: ExpressionTranslator): Typed;
}

export type BuiltinTable = Readonly<Record<string, Builtin>>;

/** The call's arguments as values. */
export function values(call: FunctionCall, t: ExpressionTranslator): Typed[] {
  return call.args.map((a) => t.value(a));
}

/** A string argument: other types convert implicitly, as SQL Server converts them (LEN(123) = 3). */
export function asString(v: Typed, at: Expression): Typed {
  return isString(v.type) ? v : convert(v, varchar(30), 'implicit', at);
}

export function asInt(v: Typed, at: Expression): Typed {
  return convert(v, INT, 'implicit', at);
}

export function asFloat(v: Typed, at: Expression): Typed {
  return convert(v, FLOAT, 'implicit', at);
}

/** A date argument: a string is read as a datetime. */
export function asDateTime(v: Typed, at: Expression): Typed {
  return isDateTime(v.type) ? v : convert(v, DATETIME_TYPE, 'implicit', at);
}

/** Values converted to the type they meet in (COALESCE, IIF, CHOOSE). */
export function inCommonType(vs: Typed[], at: Expression[]): Typed[] {
  const type = common(vs);
  return vs.map((v, k) => convert(v, type, 'implicit', at[k]!));
}
