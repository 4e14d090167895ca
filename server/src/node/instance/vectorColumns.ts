// Reads a result's number, boolean and text columns chunk by chunk from DuckDB's vectors into the
// exchange's layout (columnValues.ts), with a null mask. A number vector's data and validity are
// copied in two bulk operations per chunk; a text vector's bytes are copied without decoding them.
// Reading item by item (getItem) cost ten to forty times as much and made a JavaScript value per cell.
import duckdb from '@duckdb/node-bindings';
import { DuckDBTypeId, type DuckDBDataChunk } from '@duckdb/node-api';
import { codedText, type ColumnValues, type NumberColumn, type TextColumn } from '../../core/launcher/columnValues';
import type { SqlValue } from '../../core/launcher/request';
import { TextDictionary } from '../../core/launcher/textDictionary';
import { withRoom } from '../../core/launcher/withRoom';
import { plainText } from '../launcher/exchange/plainText';
import { floorMillis, fromDuckdb, MS_PER_DAY } from './duckdbValues';

export interface BulkColumnReader {
  /** Appends the chunk's first `count` rows of the column (all of them by default). */
  append(chunk: DuckDBDataChunk, column: number, count?: number): void;
  finish(): ColumnValues;
}

/** A bulk reader for a column of this type, or undefined when its values take the per-value path. */
export function bulkColumnReader(typeId: DuckDBTypeId): BulkColumnReader | undefined {
  if (typeId === DuckDBTypeId.VARCHAR) return new TextColumnReader();
  const type = SOURCES.get(typeId);
  return type && new NumberColumnReader(type);
}

/**
 * A result's columns gathered chunk by chunk: in bulk where a reader exists for the column's type,
 * else one value at a time.
 */
export class ChunkColumns {
  private readonly readers: (BulkColumnReader | undefined)[];
  private readonly values: SqlValue[][];
  rowCount = 0;

  constructor(typeIds: readonly DuckDBTypeId[]) {
    this.readers = typeIds.map(bulkColumnReader);
    this.values = typeIds.map(() => []);
  }

  /** The chunk's first `count` rows. */
  append(chunk: DuckDBDataChunk, count: number): void {
    for (let c = 0; c < this.readers.length; c++) {
      const reader = this.readers[c];
      if (reader) {
        reader.append(chunk, c, count);
        continue;
      }
      const vector = chunk.getColumnVector(c);
      const column = this.values[c]!;
      for (let r = 0; r < count; r++) column.push(fromDuckdb(vector.getItem(r)));
    }
    this.rowCount += count;
  }

  finish(): { values: ColumnValues[]; rowCount: number } {
    return { values: this.readers.map((reader, c) => reader?.finish() ?? this.values[c]!), rowCount: this.rowCount };
  }
}

/** The validity mask of a vector's first `count` rows: a bit per row (1 = valid); null when all are. */
function validityOf(vector: duckdb.Vector, count: number): Uint8Array | null {
  return duckdb.vector_get_validity(vector, Math.ceil(count / 64) * 8) || null;
}

const isValid = (validity: Uint8Array, r: number) => ((validity[r >> 3]! >> (r & 7)) & 1) === 1;

type TypedArray = Float64Array | Int32Array | BigInt64Array | Uint8Array;
type SourceArray = TypedArray | Float32Array | Int16Array | Int8Array | Uint16Array;

interface Source {
  kind: NumberColumn['kind'];
  /** The array the vector's data is read as (DuckDB's in-memory layout of the type). */
  source: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): SourceArray; readonly BYTES_PER_ELEMENT: number };
  /** The array the column is held in: the exchange's layout of its kind. */
  target: new (length: number) => TypedArray;
  /**
   * Copies `from` into `to` at `at` where the units differ (dates); else the values are copied as
   * they are. A timestamp's microseconds past its millisecond go to `pastMs`, for the few that have some.
   */
  convert?(from: SourceArray, to: TypedArray, at: number, pastMs: (row: number, micros: number) => void): void;
}

/** DATE: days since 1970 to milliseconds. */
function daysToMs(from: SourceArray, to: TypedArray, at: number): void {
  for (let i = 0; i < from.length; i++) to[at + i] = (from[i] as number) * MS_PER_DAY;
}

/**
 * TIMESTAMP: microseconds to whole milliseconds, rounded down as a Date made value by value is
 * (fromDuckdb's floorMillis), and the microseconds past them. Below 2^53 the remainder and the
 * division are exact in doubles; beyond (after the year 2255) BigInt's are.
 */
function microsToMs(from: SourceArray, to: TypedArray, at: number, pastMs: (row: number, micros: number) => void): void {
  const micros = from as BigInt64Array;
  for (let i = 0; i < micros.length; i++) {
    const v = micros[i]!;
    const n = Number(v);
    const exact = Math.abs(n) < 2 ** 53;
    const ms = exact ? (n - (((n % 1000) + 1000) % 1000)) / 1000 : floorMillis(v, 1000n);
    const past = exact ? n - ms * 1000 : Number(v - BigInt(ms) * 1000n);
    to[at + i] = ms;
    if (past !== 0) pastMs(at + i, past);
  }
}

// Only types whose every value the target holds exactly: a float widens to a double, the small
// integers to 32 bits. Dates and timestamps become milliseconds, as exact as the Date the per-value
// path makes. DECIMAL (a scaled integer) and UINTEGER/UBIGINT keep the per-value path.
const SOURCES: ReadonlyMap<DuckDBTypeId, Source> = new Map<DuckDBTypeId, Source>([
  [DuckDBTypeId.DOUBLE, { kind: 'f8', source: Float64Array, target: Float64Array }],
  [DuckDBTypeId.FLOAT, { kind: 'f8', source: Float32Array, target: Float64Array }],
  [DuckDBTypeId.INTEGER, { kind: 'i4', source: Int32Array, target: Int32Array }],
  [DuckDBTypeId.SMALLINT, { kind: 'i4', source: Int16Array, target: Int32Array }],
  [DuckDBTypeId.TINYINT, { kind: 'i4', source: Int8Array, target: Int32Array }],
  [DuckDBTypeId.UTINYINT, { kind: 'i4', source: Uint8Array, target: Int32Array }],
  [DuckDBTypeId.USMALLINT, { kind: 'i4', source: Uint16Array, target: Int32Array }],
  [DuckDBTypeId.BIGINT, { kind: 'i8', source: BigInt64Array, target: BigInt64Array }],
  [DuckDBTypeId.BOOLEAN, { kind: 'b1', source: Uint8Array, target: Uint8Array }],
  [DuckDBTypeId.DATE, { kind: 'dt', source: Int32Array, target: Float64Array, convert: daysToMs }],
  [DuckDBTypeId.TIMESTAMP, { kind: 'dt', source: BigInt64Array, target: Float64Array, convert: microsToMs }],
]);

class NumberColumnReader implements BulkColumnReader {
  private data: TypedArray;
  private nulls: Uint8Array | null = null;
  /** Timestamps: the microseconds past each millisecond, once a row has some. */
  private micros: Uint16Array | null = null;
  private length = 0;
  private readonly pastMs = (row: number, micros: number): void => {
    this.micros ??= new Uint16Array(this.data.length);
    this.micros[row] = micros;
  };

  constructor(private readonly type: Source) {
    // Grown to the first chunk's size: a one-row answer (SELECT 1) allocates one row.
    this.data = new type.target(0);
  }

  append(chunk: DuckDBDataChunk, column: number, count = chunk.rowCount): void {
    const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
    const width = this.type.source.BYTES_PER_ELEMENT;
    const bytes = duckdb.vector_get_data(vector, count * width);
    this.reserve(count);
    const from = new this.type.source(bytes.buffer, bytes.byteOffset, count);
    // A BigInt64Array cannot be set from a number array nor the reverse; the table keeps them apart.
    if (this.type.convert) this.type.convert(from, this.data, this.length, this.pastMs);
    else (this.data as { set(a: ArrayLike<number | bigint>, at: number): void }).set(from, this.length);
    const validity = validityOf(vector, count);
    if (validity) {
      const zero = this.type.kind === 'i8' ? 0n : 0;
      for (let r = 0; r < count; r++) {
        if (isValid(validity, r)) continue;
        this.nulls ??= new Uint8Array(this.data.length);
        this.nulls[this.length + r] = 1;
        (this.data as { [i: number]: number | bigint })[this.length + r] = zero;
        if (this.micros) this.micros[this.length + r] = 0;
      }
    }
    this.length += count;
  }

  finish(): NumberColumn {
    const data = this.data.subarray(0, this.length);
    const nulls = this.nulls?.subarray(0, this.length) ?? null;
    const micros = this.micros?.subarray(0, this.length);
    return (micros ? { kind: this.type.kind, data, nulls, micros } : { kind: this.type.kind, data, nulls }) as NumberColumn;
  }

  private reserve(count: number): void {
    this.data = withRoom(this.data, this.length, this.length + count, (n) => new this.type.target(n));
    if (this.nulls) this.nulls = withRoom(this.nulls, this.length, this.data.length, (n) => new Uint8Array(n));
    if (this.micros) this.micros = withRoom(this.micros, this.length, this.data.length, (n) => new Uint16Array(n));
  }
}

// DuckDB keeps a string as 16 bytes: its length (uint32), then up to 12 bytes inline, or else a
// 4-byte prefix and a pointer to the bytes.
export const STRING_BYTES = 16;
export const INLINE_BYTES = 12;

/**
 * Text is read coded (a code per row into its distinct values) while the values repeat, as labels
 * and categories do, and turned plain (each row's bytes) once the distinct values pass half the
 * rows. Either way no JavaScript string is made.
 */
class TextColumnReader implements BulkColumnReader {
  private rows = 0;
  private nulls: Uint8Array | null = null;
  private dictionary: TextDictionary | null = new TextDictionary();
  private codes = new Int32Array(0);
  private bytes = new Uint8Array(0);
  private used = 0;
  private starts = new Float64Array(1);
  /** Once a value holds a NUL byte (which the layout cannot carry): the values one by one. */
  private values: SqlValue[] | undefined;

  append(chunk: DuckDBDataChunk, column: number, count = chunk.rowCount): void {
    if (!this.values && this.appendBulk(chunk, column, count)) return;
    if (!this.values) {
      const column = this.finish() as TextColumn;
      this.values = Array.from({ length: this.rows }, (_, r) => (column.nulls?.[r] === 1 ? null : column.textAt(r)));
    }
    const vector = chunk.getColumnVector(column);
    for (let r = 0; r < count; r++) this.values.push(fromDuckdb(vector.getItem(r)));
  }

  finish(): ColumnValues {
    if (this.values) return this.values;
    const nulls = this.nulls?.subarray(0, this.rows) ?? null;
    if (this.dictionary && this.dictionary.count * 2 > this.rows) this.turnPlain();
    const { dictionary } = this;
    if (!dictionary) return plainText(this.bytes.subarray(0, this.used), this.starts.subarray(0, this.rows + 1), nulls);
    const distinct = plainText(dictionary.bytes.subarray(0, dictionary.starts[dictionary.count]), dictionary.starts.subarray(0, dictionary.count + 1), null);
    return codedText(this.codes.subarray(0, this.rows), distinct, nulls);
  }

  /** Appends the chunk's rows; false (having appended none) when a value holds a NUL byte. */
  private appendBulk(chunk: DuckDBDataChunk, column: number, count: number): boolean {
    const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
    const data = duckdb.vector_get_data(vector, count * STRING_BYTES);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const validity = validityOf(vector, count);
    this.reserveRows(count);
    const { dictionary } = this;
    const used = this.used;
    const long = new LongStrings(data, view, validity, count);
    for (let r = 0; r < count; r++) {
      const row = this.rows + r;
      if (validity && !isValid(validity, r)) {
        this.nulls ??= new Uint8Array(this.rowRoom());
        this.nulls[row] = 1;
        if (dictionary) this.codes[row] = -1;
        else this.endRow(row);
        continue;
      }
      const at = r * STRING_BYTES;
      const length = view.getUint32(at, true);
      const inline = length <= INLINE_BYTES;
      let source = data;
      let from = at + 4;
      if (!inline) {
        long.locate(r, length);
        source = long.source;
        from = long.from;
      }
      if (dictionary) {
        let code = dictionary.find(source, from, length);
        if (code === -1) {
          if (holdsNul(source, from, length)) return this.undo(used, count);
          code = dictionary.add(source, from, length);
        }
        this.codes[row] = code;
        continue;
      }
      if (holdsNul(source, from, length)) return this.undo(used, count);
      this.reserveBytes(length + 1);
      if (length <= 64) for (let i = 0; i < length; i++) this.bytes[this.used + i] = source[from + i]!;
      else this.bytes.set(source.subarray(from, from + length), this.used);
      this.used += length;
      this.endRow(row);
    }
    this.rows += count;
    if (dictionary && dictionary.count >= PLAIN_AFTER && dictionary.count * 2 > this.rows) this.turnPlain();
    return true;
  }

  /** Ends row `row` of plain text: its NUL, and where the next begins. */
  private endRow(row: number): void {
    this.reserveBytes(1);
    this.bytes[this.used++] = 0;
    this.starts[row + 1] = this.used;
  }

  /** Forgets a chunk's rows read so far (the dictionary may keep their values; no row refers to them). */
  private undo(used: number, count: number): false {
    this.used = used;
    this.nulls?.fill(0, this.rows, this.rows + count);
    return false;
  }

  /** The rows read so far as plain text, and plain from now on. */
  private turnPlain(): void {
    const dictionary = this.dictionary!;
    this.dictionary = null;
    this.starts = new Float64Array(this.codes.length + 1);
    this.bytes = new Uint8Array(0);
    this.used = 0;
    for (let row = 0; row < this.rows; row++) {
      const code = this.codes[row]!;
      if (code !== -1) {
        const from = dictionary.starts[code]!;
        const length = dictionary.starts[code + 1]! - 1 - from;
        this.reserveBytes(length + 1);
        this.bytes.set(dictionary.bytes.subarray(from, from + length), this.used);
        this.used += length;
      }
      this.endRow(row);
    }
    this.codes = new Int32Array(0);
  }

  private reserveRows(count: number): void {
    if (this.dictionary) this.codes = withRoom(this.codes, this.rows, this.rows + count, (n) => new Int32Array(n));
    else this.starts = withRoom(this.starts, this.rows + 1, this.rows + count + 1, (n) => new Float64Array(n));
    if (this.nulls) this.nulls = withRoom(this.nulls, this.rows, this.rowRoom(), (n) => new Uint8Array(n));
  }

  /** How many rows the current layout's arrays have room for: NULL flags need as many. */
  private rowRoom(): number {
    return this.dictionary ? this.codes.length : this.starts.length;
  }

  private reserveBytes(count: number): void {
    this.bytes = withRoom(this.bytes, this.used, this.used + count, (n) => new Uint8Array(n));
  }
}

/**
 * The bytes of a chunk's strings too long to be inline, read a run at a time. DuckDB mostly keeps
 * a vector's long strings one after another (a scan's, a CONCAT's): where each starts where the
 * one before ended, one call reads them all. A call per string cost about a microsecond and an
 * object: 1.5 s of the daemon's CPU for a million 16-byte names. Where they are apart (strings
 * from two tables, interleaved), a run is one string, as before.
 */
class LongStrings {
  /** Row r's bytes are source[from … from + length), after locate(r, length). */
  source: Uint8Array = new Uint8Array(0);
  from = 0;
  /** The run last read, and the address of its first byte. */
  private run: Uint8Array | undefined;
  private runAddress = 0;

  constructor(
    private readonly data: Uint8Array,
    private readonly view: DataView,
    private readonly validity: Uint8Array | null,
    private readonly count: number,
  ) {}

  locate(r: number, length: number): void {
    const address = this.addressOf(r);
    const run = this.run;
    if (run && address >= this.runAddress && address + length <= this.runAddress + run.length) {
      this.source = run;
      this.from = address - this.runAddress;
      return;
    }
    // The run: the long strings after this one, while each starts where the last ended.
    let end = address + length;
    for (let next = r + 1; next < this.count; next++) {
      if (this.validity && !isValid(this.validity, next)) continue;
      const size = this.view.getUint32(next * STRING_BYTES, true);
      if (size <= INLINE_BYTES) continue;
      if (this.addressOf(next) !== end) break;
      end += size;
    }
    this.run = duckdb.get_data_from_pointer(this.data.buffer as ArrayBuffer, this.data.byteOffset + r * STRING_BYTES + 8, end - address);
    this.runAddress = address;
    this.source = this.run;
    this.from = 0;
  }

  /** Where row r's bytes are: the string struct's pointer (user-space addresses are below 2^53). */
  private addressOf(r: number): number {
    const at = r * STRING_BYTES + 8;
    return this.view.getUint32(at, true) + this.view.getUint32(at + 4, true) * 2 ** 32;
  }
}

/** Below this many distinct values a column stays coded whatever the ratio, until its end. */
const PLAIN_AFTER = 1024;

function holdsNul(source: Uint8Array, from: number, length: number): boolean {
  if (length > 64) return source.subarray(from, from + length).indexOf(0) !== -1;
  for (let i = 0; i < length; i++) if (source[from + i] === 0) return true;
  return false;
}
