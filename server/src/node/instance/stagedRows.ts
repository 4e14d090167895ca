// Rows staged in a temporary table through DuckDB's appender: the way many rows (a script's result
// set on its way into a table, or through WITH RESULT SETS) enter the storage. One prepared INSERT
// per row costs about half a millisecond in the bindings; appending value by value costs a few
// microseconds a value (each becomes a DuckDB value object first); filling a data chunk's vectors
// column by column and appending whole chunks costs a fraction of that.
// Each column gets the DuckDB type that holds its values exactly as they are, as binding them
// would; the statement reading the table then converts them as T-SQL says.
import {
  BIGINT,
  BLOB,
  BOOLEAN,
  DOUBLE,
  DuckDBDataChunk,
  HUGEINT,
  TIMESTAMP,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
  type DuckDBVector,
} from '@duckdb/node-api';
import type { SqlValue } from '../../core/engine/executor/ports';
import { quoteIdentifier, stagedColumn } from '../../core/engine/translate';
import { CHUNK_ROWS, toDuckdb } from './duckdbValues';

interface StagedColumn {
  type: DuckDBType;
  sql: string;
  value(v: Exclude<SqlValue, null>): DuckDBValue;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const asText = (v: Exclude<SqlValue, null>): string => (v instanceof Date ? v.toISOString().replace('T', ' ').replace('Z', '') : String(v));

const COLUMNS = {
  boolean: { type: BOOLEAN, sql: 'BOOLEAN', value: (v) => v as boolean },
  text: { type: VARCHAR, sql: 'VARCHAR', value: asText },
  timestamp: { type: TIMESTAMP, sql: 'TIMESTAMP', value: toDuckdb },
  blob: { type: BLOB, sql: 'BLOB', value: toDuckdb },
  double: { type: DOUBLE, sql: 'DOUBLE', value: (v) => Number(v) },
  bigint: { type: BIGINT, sql: 'BIGINT', value: (v) => BigInt(v as number | bigint) },
  hugeint: { type: HUGEINT, sql: 'HUGEINT', value: (v) => BigInt(v as number | bigint) },
} satisfies Record<string, StagedColumn>;

/** The staging column for the values of column `k`: the narrowest exact type for all of them. */
function columnFor(rows: readonly (readonly SqlValue[])[], k: number): StagedColumn {
  let kind: 'none' | 'boolean' | 'string' | 'date' | 'bytes' | 'number' | 'mixed' = 'none';
  let needsDouble = false;
  let beyondInt64 = false;
  for (const row of rows) {
    const v = row[k] ?? null;
    if (v === null) continue;
    const here = typeof v === 'boolean' ? 'boolean' : typeof v === 'string' ? 'string' : v instanceof Date ? 'date' : v instanceof Uint8Array ? 'bytes' : 'number';
    if (here === 'number') {
      // A JavaScript number beyond the exact integers is a double whatever its digits; as BIGINT it could overflow.
      if (typeof v === 'number' && !Number.isSafeInteger(v)) needsDouble = true;
      else if (typeof v === 'bigint' && (v < INT64_MIN || v > INT64_MAX)) beyondInt64 = true;
    }
    if (kind === 'none') kind = here;
    else if (kind !== here) kind = 'mixed';
  }
  switch (kind) {
    case 'boolean':
      return COLUMNS.boolean;
    case 'date':
      return COLUMNS.timestamp;
    case 'bytes':
      return COLUMNS.blob;
    case 'number':
      return needsDouble ? COLUMNS.double : beyondInt64 ? COLUMNS.hugeint : COLUMNS.bigint;
    default:
      // Strings, no values at all, or kinds no one source mixes: text converts to every type.
      return COLUMNS.text;
  }
}

export async function stageRows(connection: DuckDBConnection, table: string, width: number, rows: readonly (readonly SqlValue[])[]): Promise<void> {
  const columns = Array.from({ length: width }, (_, k) => columnFor(rows, k));
  const definitions = columns.map((c, k) => `${stagedColumn(k)} ${c.sql}`).join(', ');
  await connection.run(`CREATE TEMP TABLE ${quoteIdentifier(table)} (${definitions})`);
  const appender = await connection.createAppender(table, 'main', 'temp');
  const types = columns.map((c) => c.type);
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, rows.length - start);
    const chunk = DuckDBDataChunk.create(types, count);
    for (let k = 0; k < width; k++) {
      const column = columns[k]!;
      const vector = chunk.getColumnVector(k) as DuckDBVector<DuckDBValue>;
      for (let r = 0; r < count; r++) {
        const v = rows[start + r]![k] ?? null;
        vector.setItem(r, v === null ? null : column.value(v));
      }
      vector.flush();
    }
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
}
