// Rows staged in a temporary table through DuckDB's appender: the way many rows (a script's result
// set on its way into a table, or through WITH RESULT SETS) enter the storage. One prepared INSERT
// per row costs about half a millisecond in the bindings; appending value by value costs a few
// microseconds a value (each becomes a DuckDB value object first); filling a data chunk's vectors
// column by column and appending whole chunks costs a fraction of that. Columns that arrive in bulk
// (a script's output, columnValues.ts) are copied into the vectors whole, text without decoding it.
// Each column gets the DuckDB type that holds its values exactly as they are, as binding them
// would; the statement reading the table then converts them as T-SQL says.
import duckdb from '@duckdb/node-bindings';
import {
  BIGINT,
  BLOB,
  BOOLEAN,
  DOUBLE,
  DuckDBDataChunk,
  HUGEINT,
  INTEGER,
  TIMESTAMP,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
  type DuckDBVector,
} from '@duckdb/node-api';
import type { SqlValue } from '../../core/engine/executor/ports';
import { wireDate } from '../../core/results/encodedResultSets';
import { isBulkColumn, valueAt, type BulkColumn, type CodedText, type Columnar, type TextColumn } from '../../core/launcher/columnValues';
import { quoteIdentifier, stagedColumn } from '../../core/engine/translate';
import { CHUNK_ROWS, toDuckdb } from './duckdbValues';
import { INLINE_BYTES, STRING_BYTES } from './vectorColumns';

interface StagedColumn {
  type: DuckDBType;
  sql: string;
  value(v: Exclude<SqlValue, null>): DuckDBValue;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const asText = (v: Exclude<SqlValue, null>): string => (v instanceof Date ? wireDate(v) : String(v));

const COLUMNS = {
  boolean: { type: BOOLEAN, sql: 'BOOLEAN', value: (v) => v as boolean },
  text: { type: VARCHAR, sql: 'VARCHAR', value: asText },
  timestamp: { type: TIMESTAMP, sql: 'TIMESTAMP', value: toDuckdb },
  blob: { type: BLOB, sql: 'BLOB', value: toDuckdb },
  double: { type: DOUBLE, sql: 'DOUBLE', value: (v) => Number(v) },
  bigint: { type: BIGINT, sql: 'BIGINT', value: (v) => BigInt(v as number | bigint) },
  hugeint: { type: HUGEINT, sql: 'HUGEINT', value: (v) => BigInt(v as number | bigint) },
} satisfies Record<string, StagedColumn>;

/** The staging column for a column's `count` values: the narrowest exact type for all of them. */
function columnFor(cell: (r: number) => SqlValue | undefined, count: number): StagedColumn {
  let kind: 'none' | 'boolean' | 'string' | 'date' | 'bytes' | 'number' | 'mixed' = 'none';
  let needsDouble = false;
  let beyondInt64 = false;
  for (let r = 0; r < count; r++) {
    const v = cell(r) ?? null;
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

export function stageRows(connection: DuckDBConnection, table: string, width: number, rows: readonly (readonly SqlValue[])[]): Promise<void> {
  const values = Array.from({ length: width }, (_, k) => rows.map((row) => row[k] ?? null));
  return stageColumns(connection, table, { values, rowCount: rows.length });
}

// A bulk column is staged in the DuckDB type of its layout, its bytes copied as they are.
const BULK_COLUMNS: Record<BulkColumn['kind'], StagedColumn> = {
  f8: COLUMNS.double,
  i4: { type: INTEGER, sql: 'INTEGER', value: (v) => v as number },
  i8: COLUMNS.bigint,
  b1: COLUMNS.boolean,
  str: COLUMNS.text,
  dt: COLUMNS.timestamp,
};

export async function stageColumns(connection: DuckDBConnection, table: string, columnar: Columnar): Promise<void> {
  const { values, rowCount } = columnar;
  const columns = values.map((column) => (isBulkColumn(column) ? BULK_COLUMNS[column.kind] : columnFor((r) => valueAt(column, r), rowCount)));
  const types = columns.map((c) => c.type);
  const definitions = columns.map((c, k) => `${stagedColumn(k)} ${c.sql}`).join(', ');
  await connection.run(`CREATE TEMP TABLE ${quoteIdentifier(table)} (${definitions})`);
  const appender = await connection.createAppender(table, 'main', 'temp');
  // One chunk serves every batch: the appender copies what it is given, and a fresh chunk per
  // 2,048 rows meant fresh vector memory, faulted in page by page, for every batch.
  const chunk = DuckDBDataChunk.create(types);
  for (let start = 0; start < rowCount; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, rowCount - start);
    chunk.reset();
    chunk.rowCount = count;
    values.forEach((column, k) => {
      if (isBulkColumn(column)) return copyBulk(duckdb.data_chunk_get_vector(chunk.chunk, k), column, start, count);
      const staged = columns[k]!;
      const vector = chunk.getColumnVector(k) as DuckDBVector<DuckDBValue>;
      for (let r = 0; r < count; r++) {
        const v = valueAt(column, start + r);
        vector.setItem(r, v === null ? null : staged.value(v));
      }
      vector.flush();
    });
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
}

/** Rows start … start + count - 1 of a bulk column into a chunk's vector, with their validity. */
function copyBulk(vector: duckdb.Vector, column: BulkColumn, start: number, count: number): void {
  if (column.kind === 'str') copyText(vector, column, start, count);
  else if (column.kind === 'dt') copyTimestamps(vector, column.data, column.micros ?? null, start, count);
  else {
    const { data } = column;
    const width = data.BYTES_PER_ELEMENT;
    duckdb.copy_data_to_vector(vector, 0, data.buffer as ArrayBuffer, data.byteOffset + start * width, count * width);
  }
  const nulls = column.nulls?.subarray(start, start + count);
  if (!nulls || !nulls.includes(1)) return;
  // The validity mask: a bit per row, 1 = valid, in 64-bit words.
  const validity = new Uint8Array(Math.ceil(count / 64) * 8).fill(0xff);
  for (let r = 0; r < count; r++) if (nulls[r] === 1) validity[r >> 3]! &= ~(1 << (r & 7));
  duckdb.vector_ensure_validity_writable(vector);
  duckdb.copy_data_to_vector_validity(vector, 0, validity.buffer, 0, validity.byteLength);
}

/** Milliseconds into a TIMESTAMP vector's microseconds (a NULL row's 0 stays 0). */
function copyTimestamps(vector: duckdb.Vector, ms: Float64Array, pastMs: Uint16Array | null, start: number, count: number): void {
  const micros = new BigInt64Array(count);
  for (let r = 0; r < count; r++) micros[r] = BigInt(ms[start + r]!) * 1000n + BigInt(pastMs?.[start + r] ?? 0);
  duckdb.copy_data_to_vector(vector, 0, micros.buffer, 0, micros.byteLength);
}

/**
 * Text rows into a VARCHAR vector. The short strings most columns hold (labels, codes) are written
 * as DuckDB's inline string structs (vectorColumns.ts: the length, then the bytes zero-padded, as
 * DuckDB's own constructor leaves them) in one buffer, copied in one call; only longer ones go in one by
 * one, through DuckDB, which keeps their bytes. One native call per value cost 0.3 s a million rows.
 */
function copyText(vector: duckdb.Vector, column: TextColumn, start: number, count: number): void {
  const { nulls } = column;
  const structs = new Int32Array(count * (STRING_BYTES / 4));
  const long: number[] = [];
  if (column.layout === 'coded') {
    // A coded column's structs are made once per distinct value, then copied by code.
    const known = structsOf(column);
    for (let r = 0; r < count; r++) {
      if (nulls?.[start + r] === 1) continue;
      const s = column.codes[start + r]! * 4;
      if (known[s]! > INLINE_BYTES) {
        long.push(r);
        continue;
      }
      const at = r * 4;
      structs[at] = known[s]!;
      structs[at + 1] = known[s + 1]!;
      structs[at + 2] = known[s + 2]!;
      structs[at + 3] = known[s + 3]!;
    }
  } else {
    const bytes = new Uint8Array(structs.buffer);
    for (let r = 0; r < count; r++) {
      if (nulls?.[start + r] === 1) continue;
      if (!writeStruct(bytes, r, column.bytes, column.starts, start + r)) long.push(r);
    }
  }
  duckdb.copy_data_to_vector(vector, 0, structs.buffer, 0, structs.byteLength);
  // Each long row's bytes from where its column keeps them: its own, or its distinct value's.
  const { bytes, starts } = column.layout === 'plain' ? column : column.distinct;
  for (const r of long) {
    const index = column.layout === 'coded' ? column.codes[start + r]! : start + r;
    duckdb.vector_assign_string_element_len(vector, r, bytes.subarray(starts[index]!, starts[index + 1]! - 1));
  }
}

/**
 * Writes value `index` of bytes/starts as the inline struct at position `at` of `out`; false (and
 * nothing written) when it is too long to be inline.
 */
function writeStruct(out: Uint8Array, at: number, bytes: Uint8Array, starts: Float64Array, index: number): boolean {
  const from = starts[index]!;
  const length = starts[index + 1]! - 1 - from;
  if (length > INLINE_BYTES) return false;
  const to = at * STRING_BYTES;
  // The length is a little-endian uint32; at most 12, it is its low byte (the others stay 0).
  out[to] = length;
  for (let i = 0; i < length; i++) out[to + 4 + i] = bytes[from + i]!;
  return true;
}

const codedStructs = new WeakMap<CodedText, Int32Array>();

/** A coded column's distinct values as inline structs; a long one's holds only its length. */
function structsOf(column: CodedText): Int32Array {
  let known = codedStructs.get(column);
  if (!known) {
    const { bytes, starts } = column.distinct;
    const count = starts.length - 1;
    const raw = new Uint8Array(count * STRING_BYTES);
    const view = new DataView(raw.buffer);
    for (let d = 0; d < count; d++) if (!writeStruct(raw, d, bytes, starts, d)) view.setUint32(d * STRING_BYTES, starts[d + 1]! - 1 - starts[d]!, true);
    known = new Int32Array(raw.buffer);
    codedStructs.set(column, known);
  }
  return known;
}
