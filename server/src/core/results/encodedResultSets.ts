// Result sets as the instance's socket carries them, and as the language server hands them on to
// the editor: column by column (the daemon's encoder is node/instance/wireResultSets.ts). Decoding
// is here, pure, so that every reader (the instance client, the editor's results panel) makes the
// same values; the caller gives the base64 decoder its platform has.
import { dateWithMicros, microsPastMillisecond } from './microsDate';

/** A value as a client reads it: binaries as 0x hex, dates as 'yyyy-mm-dd hh:mm:ss.mmm', bigints as a number when exact. */
export type WireValue = string | number | boolean | null;

export interface WireColumn {
  name: string;
  /** The T-SQL type name, as SQL Server reports it (int, nvarchar(max), float, varbinary(max)…). */
  type: string;
}

/**
 * Bytes a message carries after its JSON, in its binary section (node/instance/binarySection.ts):
 * where they start in the section and how many. Only a client that asked for binary columns is
 * sent these; everything else (the editor, an older client) gets base64 text.
 */
export interface AttachedBytes {
  at: number;
  length: number;
}

/** A typed array's little-endian bytes: as base64 text, or as a range of the message's binary section. */
export type EncodedBytes = string | AttachedBytes;

/**
 * A column on the wire: a JSON value per row; a typed array's bytes with a byte per row (1 = NULL)
 * when any row is NULL (dt: dates and times as f64 milliseconds since 1970, rounded down, and when
 * any has microseconds past its millisecond, those as a u16 per row); a code per row (-1 = NULL)
 * into the distinct values of a text column; or, in a binary section only, text as its UTF-8 bytes,
 * each row's followed by a NUL byte, and where each row starts (an f64 per row and one more).
 */
export type EncodedColumn =
  | { values: WireValue[] }
  | { kind: 'f8' | 'i4' | 'i8' | 'b1'; data: EncodedBytes; nulls: EncodedBytes | null }
  | { kind: 'dt'; data: EncodedBytes; nulls: EncodedBytes | null; micros?: EncodedBytes }
  | { kind: 'coded'; codes: EncodedBytes; distinct: string[] }
  | { kind: 'text'; bytes: AttachedBytes; starts: AttachedBytes; nulls: AttachedBytes | null };

/** A result set on the wire: its rows (JSON values), when it was made as rows, or its columns. */
export type EncodedResultSet = { columns: WireColumn[]; rows: unknown[][] } | { columns: WireColumn[]; rowCount: number; data: EncodedColumn[] };

/** A result set read column by column. */
export interface WireColumnar {
  readonly rowCount: number;
  /** Row r's value in column c, as it would stand in `rows`. */
  valueAt(r: number, c: number): WireValue;
}

/** A decoded result set: `rows` is made on first use; `columnar` reads the columns without making it. */
export interface DecodedResultSet {
  columns: WireColumn[];
  rows: unknown[][];
  readonly columnar?: WireColumnar;
  /** What it was decoded from, to hand on as it came (not enumerable). */
  readonly encoded?: EncodedResultSet;
}

/** The bytes base64 text stands for (Buffer.from(text, 'base64') in Node). */
export type Base64Decoder = (text: string) => Uint8Array;

/**
 * The binary section a message came with; how to read UTF-8 text out of bytes of it (a reader of
 * `bytes` from `start` to `end`); and how to write bytes as base64 (for handing the result set on
 * to a reader that takes JSON only, such as the editor).
 */
export interface BinarySection {
  bytes: Uint8Array;
  utf8(bytes: Uint8Array): (start: number, end: number) => string;
  base64(bytes: Uint8Array): string;
}

/** How many rows a result set holds (the executor's, or one a client decoded), without making them from its columns. */
export function rowCountOf(set: { readonly rows: readonly unknown[][]; readonly columnar?: { readonly rowCount: number } }): number {
  return set.columnar?.rowCount ?? set.rows.length;
}

/** How many rows an encoded result set holds, without decoding it. */
export function encodedRowCount(set: EncodedResultSet): number {
  return 'rows' in set ? set.rows.length : set.rowCount;
}

/**
 * A date's UTC fields as SQL Server's tools show a datetime: 'yyyy-mm-dd hh:mm:ss.mmm', with three
 * more digits when it carries microseconds (a datetime2: 'yyyy-mm-dd hh:mm:ss.mmmuuu').
 */
export function wireDate(date: Date): string {
  const text = date.toISOString().replace('T', ' ').replace('Z', '');
  const micros = microsPastMillisecond(date);
  return micros === 0 ? text : text + String(micros).padStart(3, '0');
}

/** A bigint as a number when a double holds it exactly, else as its digits. */
export function wireBigint(value: bigint): number | string {
  return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
}

/**
 * A column's rows as a client holds them: typed arrays where the wire has base64 (the same
 * layouts as EncodedColumn), or a value per row.
 */
export type ColumnData =
  | { values: WireValue[] }
  | { kind: 'f8'; data: Float64Array; nulls: Uint8Array | null }
  | { kind: 'i4'; data: Int32Array; nulls: Uint8Array | null }
  | { kind: 'i8'; data: BigInt64Array; nulls: Uint8Array | null }
  | { kind: 'b1'; data: Uint8Array; nulls: Uint8Array | null }
  | { kind: 'dt'; data: Float64Array; nulls: Uint8Array | null; micros: Uint16Array | null }
  | { kind: 'coded'; codes: Int32Array; distinct: string[] }
  /** Text decoded a row at a time, when it is read. */
  | { kind: 'text'; textAt: (r: number) => string; nulls: Uint8Array | null };

/**
 * The result set with `rows` made on first use from the columns, which stay readable as `columnar`
 * (not enumerable: a result set written as JSON shows its rows).
 */
export function decodeResultSet(encoded: EncodedResultSet, base64: Base64Decoder, section?: BinarySection): DecodedResultSet {
  if ('rows' in encoded) return encoded;
  const read = (bytes: EncodedBytes): Uint8Array => (typeof bytes === 'string' ? base64(bytes) : attachedRange(bytes, section));
  const data = encoded.data.map((column) => decodeColumn(column, encoded.rowCount, read, section));
  // Handed on, the set goes as JSON alone: its ranges of the section become base64 (text, values) then, and only then.
  const again = section ? () => ({ ...encoded, data: data.map((column) => encodedColumnOf(column, encoded.rowCount, section.base64)) }) : () => encoded;
  return columnarResultSet(encoded.columns, encoded.rowCount, data, again);
}

/** A column held by a client as the wire carries it without a binary section: typed arrays in base64, text as values. */
export function encodedColumnOf(column: ColumnData, rowCount: number, base64: (bytes: Uint8Array) => string): EncodedColumn {
  if ('values' in column) return column;
  const inBase64 = (array: ArrayBufferView) => base64(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  if (column.kind === 'coded') return { kind: 'coded', codes: inBase64(column.codes), distinct: column.distinct };
  if (column.kind === 'text') {
    const read = columnReader(column);
    return { values: Array.from({ length: rowCount }, (_, r) => read(r)) };
  }
  const nulls = column.nulls && inBase64(column.nulls);
  if (column.kind !== 'dt') return { kind: column.kind, data: inBase64(column.data), nulls };
  return { kind: 'dt', data: inBase64(column.data), nulls, ...(column.micros ? { micros: inBase64(column.micros) } : {}) };
}

/** The range of the binary section `bytes` names, checked against what the message carried. */
function attachedRange(bytes: AttachedBytes, section: BinarySection | undefined): Uint8Array {
  const { at, length } = bytes;
  const size = section?.bytes.length ?? 0;
  if (!section || !Number.isSafeInteger(at) || !Number.isSafeInteger(length) || at < 0 || length < 0 || at + length > size) {
    throw new Error(`a column names bytes ${String(at)}..${String(at + length)} of a binary section of ${size} bytes`);
  }
  return section.bytes.subarray(at, at + length);
}

/**
 * A result set held in columns (decoded from the wire, or read from a driver row by row), `rows`
 * made on first use; `encode` makes its wire form the first time it is handed on, and only then.
 */
export function columnarResultSet(columns: WireColumn[], rowCount: number, data: readonly ColumnData[], encode: () => EncodedResultSet): DecodedResultSet {
  const readers = data.map(columnReader);
  const columnar: WireColumnar = { rowCount, valueAt: (r, c) => readers[c]!(r) };
  let rows: WireValue[][] | undefined;
  let encoded: EncodedResultSet | undefined;
  return Object.defineProperties(
    { columns },
    {
      columnar: { value: columnar, enumerable: false },
      encoded: { get: () => (encoded ??= encode()), enumerable: false },
      rows: { get: () => (rows ??= rowsOf(columnar, readers.length)), enumerable: true },
    },
  ) as DecodedResultSet;
}

/** A result set as it goes on the wire again: as it came when it was decoded, else its rows. */
export function encodedAgain(set: DecodedResultSet): EncodedResultSet {
  return set.encoded ?? { columns: set.columns, rows: set.rows };
}

function rowsOf(columnar: WireColumnar, columnCount: number): WireValue[][] {
  const rows: WireValue[][] = new Array(columnar.rowCount);
  for (let r = 0; r < columnar.rowCount; r++) {
    const row: WireValue[] = new Array(columnCount);
    for (let c = 0; c < columnCount; c++) row[c] = columnar.valueAt(r, c);
    rows[r] = row;
  }
  return rows;
}

/** A wire column's typed arrays out of their bytes, checked against the row count. */
function decodeColumn(column: EncodedColumn, rowCount: number, read: (bytes: EncodedBytes) => Uint8Array, section: BinarySection | undefined): ColumnData {
  if ('values' in column) return column;
  if (column.kind === 'coded') return { kind: 'coded', codes: typedView(Int32Array, read(column.codes), rowCount), distinct: column.distinct };
  if (column.kind === 'text') return textColumn(column, rowCount, read, section);
  // The data's length is checked before the NULL flags' (an object's properties are made in order).
  const bytes = read(column.data);
  const nulls = () => (column.nulls === null ? null : typedView(Uint8Array, read(column.nulls), rowCount));
  switch (column.kind) {
    case 'f8':
      return { kind: 'f8', data: typedView(Float64Array, bytes, rowCount), nulls: nulls() };
    case 'i4':
      return { kind: 'i4', data: typedView(Int32Array, bytes, rowCount), nulls: nulls() };
    case 'i8':
      return { kind: 'i8', data: typedView(BigInt64Array, bytes, rowCount), nulls: nulls() };
    case 'b1':
      return { kind: 'b1', data: typedView(Uint8Array, bytes, rowCount), nulls: nulls() };
    case 'dt':
      return { kind: 'dt', data: typedView(Float64Array, bytes, rowCount), nulls: nulls(), micros: column.micros === undefined ? null : typedView(Uint16Array, read(column.micros), rowCount) };
  }
}

/**
 * A text column out of its bytes and row starts, checked whole before any row is read: every row
 * ends with its NUL inside the bytes, after where it starts.
 */
function textColumn(column: Extract<EncodedColumn, { kind: 'text' }>, rowCount: number, read: (bytes: EncodedBytes) => Uint8Array, section: BinarySection | undefined): ColumnData {
  const bytes = read(column.bytes);
  const starts = typedView(Float64Array, read(column.starts), rowCount + 1);
  for (let r = 0; r < rowCount; r++) {
    const start = starts[r]!;
    // An end past the bytes, or not a whole number, finds no NUL there (bytes[...] is undefined).
    if (!Number.isSafeInteger(start) || start < 0 || starts[r + 1]! <= start || bytes[starts[r + 1]! - 1] !== 0) throw new Error(`text row ${r} does not lie within its column's ${bytes.length} bytes`);
  }
  // read() has refused the column's ranges when the message came without a section.
  const slice = section!.utf8(bytes);
  const nulls = column.nulls === null ? null : typedView(Uint8Array, read(column.nulls), rowCount);
  return { kind: 'text', textAt: (r) => slice(starts[r]!, starts[r + 1]! - 1), nulls };
}

/** Reads row r of a column. */
function columnReader(column: ColumnData): (r: number) => WireValue {
  if ('values' in column) return (r) => column.values[r] ?? null;
  if (column.kind === 'text') {
    const { textAt, nulls } = column;
    return nulls ? (r) => (nulls[r] === 1 ? null : textAt(r)) : textAt;
  }
  if (column.kind === 'coded') {
    const { codes, distinct } = column;
    return (r) => {
      const code = codes[r]!;
      return code < 0 ? null : distinct[code]!;
    };
  }
  const value: (r: number) => WireValue =
    column.kind === 'b1'
      ? (r) => column.data[r] === 1
      : column.kind === 'i8'
        ? (r) => wireBigint(column.data[r]!)
        : column.kind === 'dt'
          ? (r) => wireDate(dateWithMicros(column.data[r]!, column.micros?.[r] ?? 0))
          : (r) => column.data[r]!;
  const nulls = column.nulls;
  return nulls ? (r) => (nulls[r] === 1 ? null : value(r)) : value;
}

interface TypedArrayOf<A> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): A;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * The bytes as `rows` elements of a typed array, checked against the row count: a view where they
 * sit at a multiple of the element size (a large decode has a buffer of its own), else a copy.
 */
function typedView<A>(Typed: TypedArrayOf<A>, bytes: Uint8Array, rows: number): A {
  const expected = rows * Typed.BYTES_PER_ELEMENT;
  if (bytes.length !== expected) throw new Error(`a column of ${bytes.length} bytes came where ${expected} were expected`);
  if (bytes.byteOffset % Typed.BYTES_PER_ELEMENT === 0) return new Typed(bytes.buffer, bytes.byteOffset, rows);
  const copy = new Uint8Array(expected);
  copy.set(bytes);
  return new Typed(copy.buffer, 0, rows);
}
