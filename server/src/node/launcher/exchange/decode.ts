// Reads the exchange format (see format.ts) that a satellite wrote. The bytes come from a
// sandboxed script, so every count and length is checked against the buffer before use; a
// malformed file is a clear error, never a crash or an out-of-bounds read.
import { isUtf8 } from 'node:buffer';
import { codedText, withColumnarRows, type Columnar, type ColumnValues, type PlainText } from '../../../core/launcher/columnValues';
import type { SqlValue } from '../../../core/launcher/request';
import type { ExchangeKind } from '../../../core/launcher/sqlTypes';
import { CODED_TEXT, COLUMN_HEADER_BYTES, KIND_OF_CODE, MAGIC, paddingAfter } from './format';
import { plainText } from './plainText';

export interface DecodedColumn {
  name: string;
  type: string;
  kind: ExchangeKind;
}

/** Columns as they came (numbers, bits and text in bulk), and rows built from them on first use. */
export interface DecodedDataset {
  columns: DecodedColumn[];
  rows: SqlValue[][];
  columnar: Columnar;
}

export type Decoded = { ok: true; datasets: DecodedDataset[] } | { ok: false; message: string };

class Malformed {
  constructor(readonly message: string) {}
}

export function decodeFile(buf: Buffer): Decoded {
  try {
    if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new Malformed('it does not start with the exchange marker');
    const datasets: DecodedDataset[] = [];
    let pos = MAGIC.length;
    // A row of a data set with columns takes at least a byte, so a real file has no more rows
    // in all than bytes. Rows of a data set without columns take none: without this bound a few
    // KB of such data sets made the launcher build billions of empty rows.
    let rowsLeft = buf.length;
    while (pos < buf.length) {
      const [dataset, next] = readDataset(buf, pos, rowsLeft);
      datasets.push(dataset);
      rowsLeft -= dataset.columnar.rowCount;
      pos = next;
    }
    return { ok: true, datasets };
  } catch (e) {
    if (e instanceof Malformed) return { ok: false, message: `The satellite's result is malformed: ${e.message}.` };
    throw e;
  }
}

function count(buf: Buffer, pos: number, what: string, max: number): number {
  if (pos + 8 > buf.length) throw new Malformed(`it ends inside the ${what}`);
  const n = buf.readDoubleLE(pos);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new Malformed(`the ${what} is ${n}`);
  return n;
}

function readDataset(buf: Buffer, start: number, rowsLeft: number): [DecodedDataset, number] {
  const rowCount = count(buf, start, 'row count', rowsLeft);
  const columnCount = count(buf, start + 8, 'column count', buf.length);
  let pos = start + 16;
  const columns: DecodedColumn[] = [];
  const values: ColumnValues[] = [];
  for (let c = 0; c < columnCount; c++) {
    const code = count(buf, pos, 'column kind', 99);
    const kind = code === CODED_TEXT ? 'str' : KIND_OF_CODE.get(code);
    if (!kind) throw new Malformed(`column ${c + 1} has an unknown kind`);
    const hasNulls = count(buf, pos + 8, 'null flag', 1) === 1;
    const nameBytes = count(buf, pos + 16, 'name length', buf.length);
    const typeBytes = count(buf, pos + 24, 'type length', buf.length);
    const dataBytes = count(buf, pos + 32, 'data length', buf.length);
    pos += COLUMN_HEADER_BYTES;
    const maskBytes = hasNulls ? rowCount : 0;
    const described = nameBytes + typeBytes + maskBytes;
    if (pos + described + paddingAfter(described) + dataBytes + paddingAfter(dataBytes) > buf.length) throw new Malformed(`column ${c + 1} runs past the end`);
    const name = buf.toString('utf8', pos, (pos += nameBytes));
    const type = buf.toString('utf8', pos, (pos += typeBytes));
    const mask = hasNulls ? buf.subarray(pos, (pos += maskBytes)) : undefined;
    pos += paddingAfter(described);
    const data = buf.subarray(pos, (pos += dataBytes));
    pos += paddingAfter(dataBytes);
    columns.push({ name, type, kind });
    values.push(code === CODED_TEXT ? codedColumn(data, mask, rowCount, name) : columnValues(kind, data, mask, rowCount, name));
  }
  return [withColumnarRows({ columns }, { values, rowCount }), pos];
}

/**
 * A column's values: f8, i4 and b1 as typed arrays, text as its bytes where they are valid UTF-8
 * (what the storage takes as they are), the rest one value per row. NULL cells hold 0 in a typed
 * array, as the encoder's do.
 */
function columnValues(kind: ExchangeKind, data: Buffer, mask: Buffer | undefined, n: number, name: string): ColumnValues {
  const nulls = mask && Uint8Array.from(mask, (m) => (m !== 0 ? 1 : 0));
  switch (kind) {
    case 'f8': {
      fixedWidth(data, n, 8, name);
      const xs = viewOf(Float64Array, data);
      let withNonFinite: Uint8Array | undefined;
      for (let r = 0; r < n; r++) {
        const x = xs[r]!;
        if (nulls?.[r] === 1) xs[r] = 0;
        // SQL has no NaN or infinity: the runtimes' non-finite values come back as NULL.
        else if (x - x !== 0) {
          withNonFinite ??= nulls ?? new Uint8Array(n);
          withNonFinite[r] = 1;
          xs[r] = 0;
        }
      }
      return { kind: 'f8', data: xs, nulls: withNonFinite ?? nulls ?? null };
    }
    case 'i4': {
      fixedWidth(data, n, 4, name);
      const xs = viewOf(Int32Array, data);
      if (nulls) for (let r = 0; r < n; r++) if (nulls[r] === 1) xs[r] = 0;
      return { kind: 'i4', data: xs, nulls: nulls ?? null };
    }
    case 'b1': {
      fixedWidth(data, n, 1, name);
      const bits = Uint8Array.from(data, (b, r) => (b !== 0 && nulls?.[r] !== 1 ? 1 : 0));
      return { kind: 'b1', data: bits, nulls: nulls ?? null };
    }
    case 'dt': {
      fixedWidth(data, n, 8, name);
      const dates = datesColumn(viewOf(Float64Array, data), nulls);
      if (dates) return dates;
      break;
    }
    case 'str': {
      const text = textColumn(data, nulls ?? null, n, name);
      if (text) return text;
      break;
    }
  }
  const cell = columnCells(kind, data, n, name);
  return Array.from({ length: n }, (_, r) => (nulls?.[r] === 1 ? null : cell(r)));
}

/** The most milliseconds from 1970 a Date holds (ECMAScript's time range). */
const LATEST_DATE_MS = 8.64e15;

/**
 * Dates as milliseconds, each what new Date(x) would keep (whole milliseconds); a non-finite value
 * is NULL, as row by row. undefined when a value lies beyond a Date's range: row by row, it makes
 * the invalid Date whose refusal that path words.
 */
function datesColumn(xs: Float64Array, nulls: Uint8Array | undefined): ColumnValues | undefined {
  // Checked before anything is changed: the row-by-row path reads the same bytes.
  for (let r = 0; r < xs.length; r++) if (nulls?.[r] !== 1 && Math.abs(xs[r]!) > LATEST_DATE_MS && Number.isFinite(xs[r]!)) return undefined;
  let withNonFinite: Uint8Array | undefined;
  for (let r = 0; r < xs.length; r++) {
    const x = xs[r]!;
    if (nulls?.[r] === 1) xs[r] = 0;
    else if (x - x !== 0) {
      withNonFinite ??= nulls ?? new Uint8Array(xs.length);
      withNonFinite[r] = 1;
      xs[r] = 0;
    } else xs[r] = Math.trunc(x) + 0;
  }
  return { kind: 'dt', data: xs, nulls: withNonFinite ?? nulls ?? null };
}

/** The longest single text value a column may hold (a JavaScript string must be able to take it). */
const LONGEST_TEXT = 256 * 1024 * 1024;

/** Text as its bytes, each value ended by a NUL; undefined when they are not valid UTF-8. */
function textColumn(data: Buffer, nulls: Uint8Array | null, n: number, name: string): PlainText | undefined {
  const starts = new Float64Array(n + 1);
  let pos = 0;
  for (let r = 0; r < n; r++) {
    const end = data.indexOf(0, pos);
    if (end === -1) throw new Malformed(`column '${name}' holds ${r} values for ${n} rows`);
    if (end - pos > LONGEST_TEXT) throw new Malformed(`column '${name}' holds a value longer than ${LONGEST_TEXT} bytes`);
    starts[r] = pos;
    pos = end + 1;
  }
  starts[n] = pos;
  if (pos !== data.length) throw new Malformed(n === 0 || data[data.length - 1] === 0 ? `column '${name}' holds more than ${n} values` : `column '${name}' does not end with a NUL`);
  if (!isUtf8(data)) return undefined;
  return plainText(data, starts, nulls);
}

/** Coded text: each code is checked against the distinct values; a NULL row's code is -1. */
function codedColumn(data: Buffer, mask: Buffer | undefined, n: number, name: string): ColumnValues {
  if (data.length < 4 + n * 4) throw new Malformed(`column '${name}' is too short for its codes`);
  const distinctCount = data.readInt32LE(0);
  if (distinctCount < 0 || distinctCount > data.length) throw new Malformed(`column '${name}' has ${distinctCount} distinct values`);
  const codes = viewOf(Int32Array, data.subarray(4, 4 + n * 4));
  const distinct = textColumn(data.subarray(4 + n * 4), null, distinctCount, name);
  let nulls: Uint8Array | null = null;
  for (let r = 0; r < n; r++) {
    const code = codes[r]!;
    if (code === -1 || mask?.[r]) {
      codes[r] = -1;
      nulls ??= new Uint8Array(n);
      nulls[r] = 1;
    } else if (code < 0 || code >= distinctCount) throw new Malformed(`column '${name}' has code ${code} at row ${r + 1}, for ${distinctCount} distinct values`);
  }
  if (distinct) return codedText(codes, distinct, nulls);
  // Not valid UTF-8: one value per row, each distinct value decoded once, as plain text is.
  const values = decodeText(data.subarray(4 + n * 4), distinctCount, name);
  return Array.from(codes, (code) => (code === -1 ? null : values[code]!));
}

/** A column's value at a row; NULL handling is added on top by the caller. */
type Cell = (row: number) => SqlValue;

function fixedWidth(data: Buffer, n: number, width: number, name: string): void {
  if (data.length !== n * width) throw new Malformed(`column '${name}' holds ${data.length} bytes for ${n} rows`);
}

// The format aligns every column's data, and a file read whole starts aligned, so fixed-width
// columns are views of the file's bytes (which the decoder may change: they are its own). A buffer
// that does not start aligned is copied.
function viewOf<T>(ctor: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; readonly BYTES_PER_ELEMENT: number }, data: Buffer): T {
  const width = ctor.BYTES_PER_ELEMENT;
  if (data.byteOffset % width === 0) return new ctor(data.buffer, data.byteOffset, data.length / width);
  return new ctor(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength), 0, data.length / width);
}

// The values of the kinds that travel one by one (and text that is not valid UTF-8).
function columnCells(kind: 'dt' | 'i8' | 'bin' | 'str', data: Buffer, n: number, name: string): Cell {
  switch (kind) {
    case 'dt': {
      fixedWidth(data, n, 8, name);
      const xs = viewOf(Float64Array, data);
      return (r) => {
        const x = xs[r]!;
        return x - x === 0 ? new Date(x) : null;
      };
    }
    case 'i8': {
      fixedWidth(data, n, 8, name);
      const xs = viewOf(BigInt64Array, data);
      const low = BigInt(Number.MIN_SAFE_INTEGER);
      const high = BigInt(Number.MAX_SAFE_INTEGER);
      return (r) => {
        const x = xs[r]!;
        return x >= low && x <= high ? Number(x) : x;
      };
    }
    case 'str': {
      const texts = decodeText(data, n, name);
      return (r) => texts[r]!;
    }
    case 'bin': {
      if (data.length < n * 4) throw new Malformed(`column '${name}' is too short for its lengths`);
      const lengths = viewOf(Int32Array, data.subarray(0, n * 4));
      const starts = new Float64Array(n);
      let pos = n * 4;
      for (let r = 0; r < n; r++) {
        const len = lengths[r]!;
        if (len < 0 || pos + len > data.length) throw new Malformed(`column '${name}' has a bad length at row ${r + 1}`);
        starts[r] = pos;
        pos += len;
      }
      if (pos !== data.length) throw new Malformed(`column '${name}' has trailing bytes`);
      return (r) => new Uint8Array(data.subarray(starts[r]!, starts[r]! + lengths[r]!));
    }
  }
}

// Text is cut at NUL boundaries into windows, so that no single JavaScript string has to hold a
// column larger than V8 allows, while each window is still split in one native call.
const TEXT_WINDOW = 32 * 1024 * 1024;

function decodeText(data: Buffer, n: number, name: string): string[] {
  let out: string[] = [];
  let pos = 0;
  while (pos < data.length) {
    let end = data.length;
    if (end - pos > TEXT_WINDOW) {
      end = data.lastIndexOf(0, pos + TEXT_WINDOW) + 1;
      if (end <= pos) throw new Malformed(`column '${name}' holds a value longer than ${TEXT_WINDOW} bytes`);
    }
    if (data[end - 1] !== 0) throw new Malformed(`column '${name}' does not end with a NUL`);
    const parts = data.toString('utf8', pos, end - 1).split('\u0000');
    out = out.length === 0 ? parts : out.concat(parts);
    pos = end;
  }
  if (out.length !== n) throw new Malformed(`column '${name}' holds ${out.length} values for ${n} rows`);
  return out;
}
