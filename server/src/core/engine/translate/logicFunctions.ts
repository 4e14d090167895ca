// NULL handling and choice: ISNULL, COALESCE, NULLIF, IIF, CHOOSE; and NEWID, ISNUMERIC.
import { inCommonType, values, type BuiltinTable } from './builtin';
import { convert } from './conversions';
import { stop } from './errors';
import { collation, combine, common } from './expressions';
import { INT, isString, UNIQUEIDENTIFIER } from './types';

export const LOGIC_FUNCTIONS: BuiltinTable = {
  ISNULL: {
    args: [2, 2],
    translate: (call, t) => {
      const [a, b] = values(call, t);
      // The result has the first argument's type (the replacement converts to it).
      const type = a!.nullLiteral ? b!.type : a!.type;
      const replacement = convert(b!, type, 'implicit', call.args[1]!);
      return combine(`coalesce(${convert(a!, type, 'implicit', call.args[0]!).sql}, ${replacement.sql})`, type, [a!, b!]);
    },
  },
  COALESCE: {
    args: [2, 1000],
    translate: (call, t) => {
      const args = values(call, t);
      if (args.every((a) => a.nullLiteral)) {
        return stop(4127, 16, 1, 'At least one of the arguments to COALESCE must be an expression that is not the NULL constant.', call);
      }
      const converted = inCommonType(args, call.args);
      return combine(`coalesce(${converted.map((c) => c.sql).join(', ')})`, converted[0]!.type, args);
    },
  },
  NULLIF: {
    args: [2, 2],
    translate: (call, t) => {
      const [a, b] = values(call, t);
      const type = common([a!, b!]);
      const x = convert(a!, type, 'implicit', call.args[0]!);
      const y = convert(b!, type, 'implicit', call.args[1]!);
      return combine(`CASE WHEN ${x.sql}${collation(type)} = ${y.sql} THEN NULL ELSE ${a!.sql} END`, a!.type, [a!, b!]);
    },
  },
  IIF: {
    args: [3, 3],
    translate: (call, t) => {
      const test = t.condition(call.args[0]!);
      const branches = values({ ...call, args: call.args.slice(1) }, t);
      const [yes, no] = inCommonType(branches, call.args.slice(1));
      return combine(`CASE WHEN ${test.sql} THEN ${yes!.sql} ELSE ${no!.sql} END`, yes!.type, [test, ...branches]);
    },
  },
  CHOOSE: {
    args: [2, 1000],
    translate: (call, t) => {
      const [index, ...options] = values(call, t);
      const i = convert(index!, INT, 'implicit', call.args[0]!);
      const converted = inCommonType(options, call.args.slice(1));
      const whens = converted.map((c, k) => `WHEN ${k + 1} THEN ${c.sql}`).join(' ');
      return combine(`CASE ${i.sql} ${whens} END`, converted[0]!.type, [index!, ...options]);
    },
  },
  NEWID: { args: [0, 0], translate: () => ({ sql: 'gen_random_uuid()', type: UNIQUEIDENTIFIER }) },
  ISNUMERIC: {
    args: [1, 1],
    translate: (call, t) => {
      const [v] = values(call, t);
      const test = isString(v!.type) ? `TRY_CAST(trim(${v!.sql}) AS DOUBLE) IS NULL` : `${v!.sql} IS NULL`;
      return combine(`CASE WHEN ${test} THEN 0 ELSE 1 END`, INT, [v!]);
    },
  },
};
