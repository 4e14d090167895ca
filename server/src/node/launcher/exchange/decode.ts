// Reads the exchange format (see format.ts) that a satellite wrote. The bytes come from a
// sandboxed script, so every count and length is checked against the buffer before use; a
// malformed file is a clear error, never a crash or an out-of-bounds read.
import type { SqlValue } from '../../../core/launcher/request';
import type { ExchangeKind } from '../../../core/launcher/sqlTypes';
import { COLUMN_HEADER_BYTES, KIND_OF_CODE, MAGIC } from './format';

export interface DecodedColumn {
  name: string;
  type: string;
  kind: ExchangeKind;
}

export interface DecodedDataset {
  columns: DecodedColumn[];
  rows: SqlValue[][];
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
      rowsLeft -= dataset.rows.length;
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
  const cells: Cell[] = [];
  for (let c = 0; c < columnCount; c++) {
    const kind = KIND_OF_CODE.get(count(buf, pos, 'column kind', 99));
    if (!kind) throw new Malformed(`column ${c + 1} has an unknown kind`);
    const hasNulls = count(buf, pos + 8, 'null flag', 1) === 1;
    const nameBytes = count(buf, pos + 16, 'name length', buf.length);
    const typeBytes = count(buf, pos + 24, 'type length', buf.length);
    const dataBytes = count(buf, pos + 32, 'data length', buf.length);
    pos += COLUMN_HEADER_BYTES;
    const maskBytes = hasNulls ? rowCount : 0;
    if (pos + nameBytes + typeBytes + maskBytes + dataBytes > buf.length) throw new Malformed(`column ${c + 1} runs past the end`);
    const name = buf.toString('utf8', pos, (pos += nameBytes));
    const type = buf.toString('utf8', pos, (pos += typeBytes));
    const mask = hasNulls ? buf.subarray(pos, (pos += maskBytes)) : undefined;
    const data = buf.subarray(pos, (pos += dataBytes));
    columns.push({ name, type, kind });
    const cell = columnCells(kind, data, rowCount, name);
    cells.push(mask ? (r) => (mask[r] !== 0 ? null : cell(r)) : cell);
  }
  return [{ columns, rows: buildRows(cells, rowCount) }, pos];
}

/** A column's value at a row; NULL handling is added on top by the caller. */
type Cell = (row: number) => SqlValue;

function fixedWidth(data: Buffer, n: number, width: number, name: string): void {
  if (data.length !== n * width) throw new Malformed(`column '${name}' holds ${data.length} bytes for ${n} rows`);
}

// Buffers handed to typed arrays must be aligned; a copy into a fresh buffer guarantees it.
function aligned(data: Buffer): ArrayBuffer {
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

// Columns stay in their compact form (typed arrays, one string array) until the rows are built,
// so that each value is boxed once, straight into its row.
function columnCells(kind: ExchangeKind, data: Buffer, n: number, name: string): Cell {
  switch (kind) {
    case 'f8': {
      fixedWidth(data, n, 8, name);
      const xs = new Float64Array(aligned(data));
      // SQL has no NaN or infinity: the runtimes' non-finite values come back as NULL.
      return (r) => {
        const x = xs[r]!;
        return x - x === 0 ? x : null;
      };
    }
    case 'dt': {
      fixedWidth(data, n, 8, name);
      const xs = new Float64Array(aligned(data));
      return (r) => {
        const x = xs[r]!;
        return x - x === 0 ? new Date(x) : null;
      };
    }
    case 'i4': {
      fixedWidth(data, n, 4, name);
      const xs = new Int32Array(aligned(data));
      return (r) => xs[r]!;
    }
    case 'i8': {
      fixedWidth(data, n, 8, name);
      const xs = new BigInt64Array(aligned(data));
      const low = BigInt(Number.MIN_SAFE_INTEGER);
      const high = BigInt(Number.MAX_SAFE_INTEGER);
      return (r) => {
        const x = xs[r]!;
        return x >= low && x <= high ? Number(x) : x;
      };
    }
    case 'b1':
      fixedWidth(data, n, 1, name);
      return (r) => data[r] !== 0;
    case 'str': {
      const texts = decodeText(data, n, name);
      return (r) => texts[r]!;
    }
    case 'bin': {
      if (data.length < n * 4) throw new Malformed(`column '${name}' is too short for its lengths`);
      const lengths = new Int32Array(aligned(data.subarray(0, n * 4)));
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

// Each row starts as a copy of a packed template of the right width: measured several times faster
// for a million rows than growing each row with push.
function buildRows(cells: Cell[], n: number): SqlValue[][] {
  const rows: SqlValue[][] = new Array(n);
  const width = cells.length;
  const template: SqlValue[] = cells.map(() => null);
  for (let r = 0; r < n; r++) {
    const row = template.slice();
    for (let c = 0; c < width; c++) row[c] = cells[c]!(r);
    rows[r] = row;
  }
  return rows;
}
