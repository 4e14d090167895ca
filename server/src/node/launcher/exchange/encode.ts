// Writes rows of SQL values into the exchange format (see format.ts), one column at a time.
// Values are checked against their column's kind on the way: a wrong value is reported with its
// row and column, never sent.
import { isBulkColumn, valueAt, type BulkColumn, type CodedText, type ColumnValues, type TextColumn } from '../../../core/launcher/columnValues';
import type { SqlValue } from '../../../core/launcher/request';
import type { ExchangeKind } from '../../../core/launcher/sqlTypes';
import { CODED_TEXT, COLUMN_HEADER_BYTES, KIND_CODES, paddingAfter } from './format';

export interface EncodedColumn {
  name: string;
  /** The SQL type text, carried along so the satellite can tell e.g. real from float. */
  type: string;
  kind: ExchangeKind;
}

export type Encoded = { ok: true; chunks: Buffer[]; bytes: number } | { ok: false; message: string };

/** Says where a bad value sits, e.g. "row 3, column 'x' (int)" or "parameter @x (int)". */
export type Place = (row: number, column: EncodedColumn) => string;

export const rowPlace: Place = (row, column) => `row ${row + 1}, column '${column.name}' (${column.type})`;

class BadValue {
  constructor(readonly message: string) {}
}

/** Rows given one array each (parameters, a caller's rows): turned into columns, then encoded. */
export function encodeDataset(columns: readonly EncodedColumn[], rows: readonly SqlValue[][], place: Place = rowPlace): Encoded {
  const values = columns.map((_, c) => rows.map((row) => row[c] ?? null));
  return encodeColumns(columns, values, { order: null, start: 0, count: rows.length }, place);
}

/**
 * The rows a chunk takes from columns held whole (`values[c][r]`): positions start … start + count - 1
 * of `order` (row numbers), or of the columns themselves when order is null. Nothing is copied.
 */
export interface Selection {
  order: Int32Array | null;
  start: number;
  count: number;
}

export function encodeColumns(columns: readonly EncodedColumn[], values: readonly ColumnValues[], selection: Selection, place: Place = rowPlace): Encoded {
  const header = Buffer.alloc(16);
  header.writeDoubleLE(selection.count, 0);
  header.writeDoubleLE(columns.length, 8);
  const chunks: Buffer[] = [header];
  try {
    columns.forEach((column, c) => chunks.push(...encodeColumn(column, { values: values[c]!, ...selection }, place)));
  } catch (e) {
    if (e instanceof BadValue) return { ok: false, message: e.message };
    throw e;
  }
  return { ok: true, chunks, bytes: chunks.reduce((n, b) => n + b.length, 0) };
}

/** One column's values of a selection; `at(cells, k)` is the k-th. */
interface Cells extends Selection {
  values: ColumnValues;
}

function at(cells: Cells, k: number): SqlValue {
  return valueAt(cells.values, cells.order ? cells.order[cells.start + k]! : cells.start + k);
}

function encodeColumn(column: EncodedColumn, cells: Cells, place: Place): Buffer[] {
  const typed = isBulkColumn(cells.values) && cells.values.kind === column.kind ? cells.values : undefined;
  const { mask, nulls } = typed ? typedMask(typed, cells) : valueMask(cells);
  const bad = (r: number, why: string): never => {
    throw new BadValue(`The value at ${place(r, column)} ${why}.`);
  };
  const { code, data } = typed ? typedData(typed, cells) : { code: KIND_CODES[column.kind], data: encodeValues(column.kind, cells, bad) };
  const name = Buffer.from(column.name, 'utf8');
  const type = Buffer.from(column.type, 'utf8');
  const head = Buffer.alloc(COLUMN_HEADER_BYTES);
  head.writeDoubleLE(code, 0);
  head.writeDoubleLE(nulls > 0 ? 1 : 0, 8);
  head.writeDoubleLE(name.length, 16);
  head.writeDoubleLE(type.length, 24);
  const dataBytes = data.reduce((s, b) => s + b.length, 0);
  head.writeDoubleLE(dataBytes, 32);
  const described = name.length + type.length + (nulls > 0 ? mask.length : 0);
  return [head, name, type, ...(nulls > 0 ? [mask] : []), zeros(paddingAfter(described)), ...data, zeros(paddingAfter(dataBytes))];
}

const ZEROS = Buffer.alloc(8);

function zeros(n: number): Buffer {
  return ZEROS.subarray(0, n);
}

function valueMask(cells: Cells): { mask: Buffer; nulls: number } {
  const mask = Buffer.alloc(cells.count);
  let nulls = 0;
  for (let r = 0; r < cells.count; r++) {
    if (at(cells, r) === null) {
      mask[r] = 1;
      nulls++;
    }
  }
  return { mask, nulls };
}

// A bulk column of the column's own kind already holds the exchange's bytes (its NULL cells hold
// 0, or nothing but the NUL for text): a selection in input order is sent as a view of it, a
// reordered one gathered row by row.
function typedMask(column: BulkColumn, cells: Cells): { mask: Buffer; nulls: number } {
  const source = column.nulls;
  if (!source) return { mask: Buffer.alloc(0), nulls: 0 };
  const mask = Buffer.alloc(cells.count);
  let nulls = 0;
  for (let r = 0; r < cells.count; r++) {
    const flag = source[cells.order ? cells.order[cells.start + r]! : cells.start + r]!;
    mask[r] = flag;
    nulls += flag;
  }
  return { mask, nulls };
}

/** A bulk column's data as the exchange sends it, with the kind code of its layout. */
function typedData(column: BulkColumn, cells: Cells): { code: number; data: Buffer[] } {
  if (column.kind === 'str') return textData(column, cells);
  const { data } = column;
  const width = data.BYTES_PER_ELEMENT;
  const code = KIND_CODES[column.kind];
  if (!cells.order) return { code, data: [Buffer.from(data.buffer, data.byteOffset + cells.start * width, cells.count * width)] };
  const out = new (data.constructor as new (n: number) => typeof data)(cells.count);
  for (let r = 0; r < cells.count; r++) out[r] = data[cells.order[cells.start + r]!]!;
  return { code, data: [Buffer.from(out.buffer, out.byteOffset, out.byteLength)] };
}

// Coded text stays coded unless the selection (a partition, a chunk of @r_rowsPerRead) is too
// small for its distinct values to be worth sending whole: then its rows go plain.
function textData(column: TextColumn, cells: Cells): { code: number; data: Buffer[] } {
  if (column.layout === 'coded' && column.distinct.starts.length - 1 <= cells.count) return codedData(column, cells);
  if (column.layout === 'plain' && !cells.order) {
    const { bytes, starts } = column;
    const from = starts[cells.start]!;
    return { code: KIND_CODES.str, data: [Buffer.from(bytes.buffer, bytes.byteOffset + from, starts[cells.start + cells.count]! - from)] };
  }
  // Row by row: each row's bytes from where its column keeps them.
  const { bytes, starts } = column.layout === 'plain' ? column : column.distinct;
  const codes = column.layout === 'coded' ? column.codes : null;
  const pieces: Uint8Array[] = new Array(cells.count);
  let size = 0;
  for (let r = 0; r < cells.count; r++) {
    const row = cells.order ? cells.order[cells.start + r]! : cells.start + r;
    const index = codes ? codes[row]! : row;
    const piece = index === -1 ? NUL : bytes.subarray(starts[index]!, starts[index + 1]!);
    pieces[r] = piece;
    size += piece.length;
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return { code: KIND_CODES.str, data: [out] };
}

const NUL = new Uint8Array(1);

/** A decimal's exact text, as the storage gives a decimal past a double's digits ('-19999999999999999.98'). */
const EXACT_DECIMAL = /^-?\d+(\.\d+)?$/;

function codedData(column: CodedText, cells: Cells): { code: number; data: Buffer[] } {
  const { codes, distinct } = column;
  const count = Buffer.alloc(4);
  count.writeInt32LE(distinct.starts.length - 1, 0);
  let selected: Int32Array;
  if (cells.order) {
    selected = new Int32Array(cells.count);
    for (let r = 0; r < cells.count; r++) selected[r] = codes[cells.order[cells.start + r]!]!;
  } else selected = codes.subarray(cells.start, cells.start + cells.count);
  const values = distinct.bytes;
  return {
    code: CODED_TEXT,
    data: [count, Buffer.from(selected.buffer, selected.byteOffset, selected.byteLength), Buffer.from(values.buffer, values.byteOffset, values.byteLength)],
  };
}

type Bad = (row: number, why: string) => never;

// Typed arrays are in the platform's byte order, which is little-endian on every platform the
// satellites run on (x86-64, arm64), as the format requires. NULL cells (null or undefined) keep
// the zero the arrays start with; the mask says they are NULL.
function encodeValues(kind: ExchangeKind, cells: Cells, bad: Bad): Buffer[] {
  const n = cells.count;
  switch (kind) {
    case 'f8': {
      const out = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        const v = at(cells, r);
        if (typeof v === 'number') out[r] = v;
        else if (typeof v === 'bigint') out[r] = Number(v);
        // A decimal of more digits than a double holds comes as its text: the nearest double, as SQL Server sends it.
        else if (typeof v === 'string' && EXACT_DECIMAL.test(v)) out[r] = Number(v);
        else if (v !== null && v !== undefined) bad(r, `is a ${describe(v)}, not a number`);
      }
      return [Buffer.from(out.buffer)];
    }
    case 'i4': {
      const out = new Int32Array(n);
      for (let r = 0; r < n; r++) {
        const v = at(cells, r);
        if (v === null || v === undefined) continue;
        const x = typeof v === 'bigint' ? Number(v) : v;
        if (typeof x !== 'number' || !Number.isInteger(x) || x < -2147483648 || x > 2147483647) bad(r, 'is not a 32-bit whole number');
        out[r] = x as number;
      }
      return [Buffer.from(out.buffer)];
    }
    case 'i8': {
      const out = new BigInt64Array(n);
      for (let r = 0; r < n; r++) {
        const v = at(cells, r);
        if (typeof v === 'bigint') out[r] = v;
        else if (typeof v === 'number' && Number.isInteger(v)) out[r] = BigInt(v);
        else if (v !== null && v !== undefined) bad(r, 'is not a whole number');
      }
      return [Buffer.from(out.buffer)];
    }
    case 'b1': {
      const out = Buffer.alloc(n);
      for (let r = 0; r < n; r++) {
        const v = at(cells, r);
        if (v === true || v === 1) out[r] = 1;
        else if (v !== false && v !== 0 && v !== null && v !== undefined) bad(r, 'is not a bit (true, false, 1 or 0)');
      }
      return [out];
    }
    case 'dt': {
      const out = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        const v = at(cells, r);
        if (v === null || v === undefined) continue;
        if (!(v instanceof Date) || Number.isNaN(v.getTime())) bad(r, 'is not a valid Date');
        out[r] = (v as Date).getTime();
      }
      return [Buffer.from(out.buffer)];
    }
    case 'str':
      return encodeText(cells, bad);
    case 'bin': {
      const lengths = new Int32Array(n);
      const parts: Buffer[] = [];
      for (let r = 0; r < n; r++) {
        const v = at(cells, r);
        if (v === null || v === undefined) continue;
        if (!(v instanceof Uint8Array)) bad(r, `is a ${describe(v)}, not bytes`);
        const bytes = v as Uint8Array;
        lengths[r] = bytes.length;
        parts.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      }
      return [Buffer.from(lengths.buffer), ...parts];
    }
  }
}

// Text goes out in slices so that no single JavaScript string grows past V8's length limit.
const TEXT_SLICE = 65536;

function encodeText(cells: Cells, bad: Bad): Buffer[] {
  const out: Buffer[] = [];
  for (let start = 0; start < cells.count; start += TEXT_SLICE) {
    const end = Math.min(cells.count, start + TEXT_SLICE);
    const slice: string[] = new Array(end - start);
    for (let r = start; r < end; r++) {
      const v = at(cells, r);
      if (v === null || v === undefined) slice[r - start] = '';
      else if (typeof v !== 'string') bad(r, `is a ${describe(v)}, not text`);
      else if (v.includes('\u0000')) bad(r, 'contains a NUL character, which the external runtimes cannot receive');
      else slice[r - start] = v;
    }
    out.push(Buffer.from(`${slice.join('\u0000')}\u0000`, 'utf8'));
  }
  return out;
}

function describe(v: SqlValue): string {
  if (v instanceof Date) return 'Date';
  if (v instanceof Uint8Array) return 'byte array';
  return typeof v;
}
