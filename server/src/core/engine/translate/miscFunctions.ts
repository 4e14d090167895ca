// CHECKSUM and BINARY_CHECKSUM (an int hash of their arguments: CHECKSUM ignores the case of
// strings, as the default collation compares them; BINARY_CHECKSUM does not; NULLs hash too),
// FORMAT (formatFunction.ts), the JSON functions JSON_VALUE, JSON_QUERY and ISJSON (DuckDB's json),
// SCOPE_IDENTITY(), and IDENT_CURRENT, IDENT_SEED and IDENT_INCR.
import { asString, values, type BuiltinTable } from './builtin';
import type { Typed } from './context';
import { combine } from './expressions';
import { translateFormat } from './formatFunction';
import type { FunctionCall } from '../ast';
import { unsupported } from './errors';
import type { ExpressionTranslator } from './expressions';
import { IDENTITY_VALUE, SCOPE_IDENTITY_PARAMETER } from './identityValue';
import { identitySequenceFilter, namePartsOf, quoteIdentifier } from './names';
import { duckdbType, INT, isString, nvarchar } from './types';

/** DuckDB's 64-bit hash folded into a signed 32-bit int. */
function checksum(args: Typed[], foldCase: boolean): Typed {
  const parts = args.map((a) => (foldCase && isString(a.type) ? `lower(${a.sql})` : a.sql));
  return combine(`CAST(CAST(hash(${parts.join(', ')}) % 4294967296 AS BIGINT) - 2147483648 AS INTEGER)`, INT, args);
}

/**
 * IDENT_CURRENT / IDENT_SEED / IDENT_INCR('table'), read from the identity column's sequence: the
 * last value any session drew (the seed before the first), its seed, its increment. NULL for a
 * table without one, or one the caller may not see (asked of OBJECT_ID, which follows metadata
 * visibility). The name must be a constant: the table is found when the statement is translated.
 */
function identityOf(name: string, value: string, call: FunctionCall, t: ExpressionTranslator): Typed {
  const [written] = values(call, t);
  if (written!.literal === undefined) return unsupported(`${name} of a name that is not a constant`, call.args[0]!);
  const parts = namePartsOf(written!.literal);
  const table = t.ctx.ports.schema.resolveTable({ database: parts.at(-3) || null, schema: parts.at(-2) || null, name: parts.at(-1)! });
  const column = table?.columns.find((c) => c.identity);
  const objectId = t.ctx.ports.schema.scalarFunction({ database: null, schema: null, name: 'OBJECT_ID' });
  if (!table || !column || !objectId) return { sql: `CAST(NULL AS ${duckdbType(IDENTITY_VALUE)})`, type: IDENTITY_VALUE };
  const read = `(SELECT CAST(${value} AS ${duckdbType(IDENTITY_VALUE)}) FROM duckdb_sequences() WHERE ${identitySequenceFilter(table.location, column.name)})`;
  return { sql: `CASE WHEN ${objectId.duckdbName.map(quoteIdentifier).join('.')}(${written!.sql}) IS NOT NULL THEN ${read} END`, type: IDENTITY_VALUE };
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
  IDENT_CURRENT: { args: [1, 1], translate: (call, t) => identityOf('IDENT_CURRENT', 'COALESCE(last_value, start_value)', call, t) },
  IDENT_SEED: { args: [1, 1], translate: (call, t) => identityOf('IDENT_SEED', 'start_value', call, t) },
  IDENT_INCR: { args: [1, 1], translate: (call, t) => identityOf('IDENT_INCR', 'increment_by', call, t) },
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
