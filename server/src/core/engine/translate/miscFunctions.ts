// CHECKSUM and BINARY_CHECKSUM (an int hash of their arguments: CHECKSUM ignores the case of
// strings, as the default collation compares them; BINARY_CHECKSUM does not; NULLs hash too),
// FORMAT (formatFunction.ts), the JSON functions JSON_VALUE, JSON_QUERY and ISJSON (DuckDB's json),
// and SCOPE_IDENTITY().
import { asString, values, type BuiltinTable } from './builtin';
import type { Typed } from './context';
import { combine } from './expressions';
import { translateFormat } from './formatFunction';
import { IDENTITY_VALUE, SCOPE_IDENTITY_PARAMETER } from './identityValue';
import { INT, isString, nvarchar } from './types';

/** DuckDB's 64-bit hash folded into a signed 32-bit int. */
function checksum(args: Typed[], foldCase: boolean): Typed {
  const parts = args.map((a) => (foldCase && isString(a.type) ? `lower(${a.sql})` : a.sql));
  return combine(`CAST(CAST(hash(${parts.join(', ')}) % 4294967296 AS BIGINT) - 2147483648 AS INTEGER)`, INT, args);
}

export const MISC_FUNCTIONS: BuiltinTable = {
  CHECKSUM: { args: [1, 255], translate: (call, t) => checksum(values(call, t), true) },
  BINARY_CHECKSUM: { args: [1, 255], translate: (call, t) => checksum(values(call, t), false) },
  FORMAT: { args: [2, 3], translate: translateFormat },
  JSON_VALUE: {
    args: [2, 2],
    translate: (call, t) => {
      const [json, path] = values(call, t).map((v, k) => asString(v, call.args[k]!));
      // SQL Server's lax mode: NULL when the text is not JSON or the path finds no scalar.
      const sql = `CASE WHEN json_valid(${json!.sql}) AND json_type(${json!.sql}, ${path!.sql}) NOT IN ('OBJECT', 'ARRAY') THEN json_extract_string(${json!.sql}, ${path!.sql}) END`;
      return combine(sql, nvarchar(4000), [json!, path!]);
    },
  },
  // The object or array at the path, as JSON text; NULL for a scalar or text that is not JSON (lax mode).
  JSON_QUERY: {
    args: [1, 2],
    translate: (call, t) => {
      const [json, path] = values(call, t).map((v, k) => asString(v, call.args[k]!));
      const at = path ? path.sql : "'$'";
      const sql = `CASE WHEN json_valid(${json!.sql}) AND json_type(${json!.sql}, ${at}) IN ('OBJECT', 'ARRAY') THEN CAST(json_extract(${json!.sql}, ${at}) AS VARCHAR) END`;
      return combine(sql, nvarchar('max'), path ? [json!, path] : [json!]);
    },
  },
  // The identity value the last INSERT of this batch or procedure generated (executor/identity.ts).
  SCOPE_IDENTITY: {
    args: [0, 0],
    translate: (_call, t) => ({ sql: t.ctx.parameter(SCOPE_IDENTITY_PARAMETER, IDENTITY_VALUE), type: IDENTITY_VALUE }),
  },
  ISJSON: {
    args: [1, 1],
    translate: (call, t) => {
      const [json] = values(call, t).map((v, k) => asString(v, call.args[k]!));
      return combine(`CASE WHEN ${json!.sql} IS NULL THEN NULL WHEN json_valid(${json!.sql}) AND left(ltrim(${json!.sql}), 1) IN ('{', '[') THEN 1 ELSE 0 END`, INT, [json!]);
    },
  },
};
