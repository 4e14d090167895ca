// Result sets on the instance's socket, column by column. A query's rows and a script's output
// reach the daemon as columns (vectorColumns.ts, the exchange); they leave it as columns too:
// numbers, bits and dates as bytes in base64 (the daemon and its clients share the machine, so
// its byte order), text with few distinct values as codes into those values, anything else as a
// JSON array per column. No row array is made on either side until a consumer asks for `rows`:
// a million-row result set is a few strings in the JSON message instead of a million arrays.
import { isBulkColumn, type ColumnValues } from '../../core/launcher/columnValues';
import type { ExecResultSet, RunResult } from '../../core/engine/executor';
import type { EncodedColumn, EncodedResultSet, EncodedRunOutcome, RunOutcome, WireColumnar, WireResultSet } from './protocol';
import { wireRow, wireValue, type WireValue } from './wireValues';

/** The daemon's side: a run's outcome as the socket carries it. */
export function encodeRunOutcome(result: RunResult): EncodedRunOutcome {
  return {
    batches: result.batches.map((b) => ({ line: b.line, messages: b.messages, resultSets: b.resultSets.map(encodeResultSet) })),
    sessions: result.sessions,
  };
}

/** The client's side: the outcome with each result set's rows made on first use. */
export function decodeRunOutcome(encoded: EncodedRunOutcome): RunOutcome {
  return { batches: encoded.batches.map((b) => ({ ...b, resultSets: b.resultSets.map(decodeResultSet) })), sessions: encoded.sessions };
}

/** The daemon's side: a result set's columns as they are, or its rows when it was built as rows. */
function encodeResultSet(resultSet: ExecResultSet): EncodedResultSet {
  const columnar = resultSet.columnar;
  if (!columnar) return { columns: resultSet.columns, rows: resultSet.rows.map(wireRow) };
  return { columns: resultSet.columns, rowCount: columnar.rowCount, data: columnar.values.map((column) => encodeColumn(column, columnar.rowCount)) };
}

function encodeColumn(column: ColumnValues, rowCount: number): EncodedColumn {
  if (!isBulkColumn(column)) return datesColumn(column, rowCount) ?? { values: column.map(wireValue) };
  const nulls = column.nulls ? base64(column.nulls) : null;
  if (column.kind !== 'str') return { kind: column.kind, data: base64(column.data), nulls };
  if (column.layout === 'coded') {
    const distinct = Array.from({ length: column.distinct.starts.length - 1 }, (_, k) => column.distinct.textAt(k));
    return { kind: 'coded', codes: base64(column.codes), distinct };
  }
  const values: WireValue[] = new Array(rowCount);
  for (let r = 0; r < rowCount; r++) values[r] = column.nulls?.[r] === 1 ? null : column.textAt(r);
  return { values };
}

/**
 * A column of dates and times as their milliseconds since 1970 (UTC fields, as the executor keeps
 * them): the client formats a value when it is read, instead of the daemon making a string per row.
 */
function datesColumn(column: readonly unknown[], rowCount: number): EncodedColumn | undefined {
  const data = new Float64Array(rowCount);
  let nulls: Uint8Array | null = null;
  for (let r = 0; r < rowCount; r++) {
    const value = column[r];
    if (value instanceof Date) data[r] = value.getTime();
    else if (value === null || value === undefined) (nulls ??= new Uint8Array(rowCount))[r] = 1;
    else return undefined;
  }
  // An empty or all-NULL column says nothing of its values' kind.
  if (nulls && !nulls.includes(0)) return undefined;
  return { kind: 'dt', data: base64(data), nulls: nulls && base64(nulls) };
}

function base64(array: ArrayBufferView): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

/**
 * The client's side: the result set with `rows` made on first use from the columns, which stay
 * readable as `columnar` (not enumerable: a result set written as JSON shows its rows).
 */
function decodeResultSet(encoded: EncodedResultSet): WireResultSet {
  if ('rows' in encoded) return encoded;
  const readers = encoded.data.map((column) => columnReader(column, encoded.rowCount));
  const columnar: WireColumnar = { rowCount: encoded.rowCount, valueAt: (r, c) => readers[c]!(r) };
  let rows: WireValue[][] | undefined;
  return Object.defineProperties(
    { columns: encoded.columns },
    {
      columnar: { value: columnar, enumerable: false },
      rows: { get: () => (rows ??= rowsOf(columnar, readers.length)), enumerable: true },
    },
  ) as WireResultSet;
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

const ARRAYS = { f8: Float64Array, i4: Int32Array, i8: BigInt64Array, b1: Uint8Array, dt: Float64Array } as const;

/** Reads row r of a decoded column. */
function columnReader(column: EncodedColumn, rowCount: number): (r: number) => WireValue {
  if ('values' in column) return (r) => column.values[r] ?? null;
  if (column.kind === 'coded') {
    const codes = new Int32Array(fromBase64(column.codes, rowCount * 4));
    return (r) => {
      const code = codes[r]!;
      return code < 0 ? null : column.distinct[code]!;
    };
  }
  const Typed = ARRAYS[column.kind];
  const data = new Typed(fromBase64(column.data, rowCount * Typed.BYTES_PER_ELEMENT));
  const nulls = column.nulls === null ? null : new Uint8Array(fromBase64(column.nulls, rowCount));
  const value: (r: number) => WireValue =
    column.kind === 'b1'
      ? (r) => data[r] === 1
      : column.kind === 'i8'
        ? (r) => wireValue(data[r] as bigint)
        : column.kind === 'dt'
          ? (r) => wireValue(new Date(data[r] as number))
          : (r) => data[r] as number;
  return nulls ? (r) => (nulls[r] === 1 ? null : value(r)) : value;
}

/** base64 decoded into a buffer of its own (typed arrays need their element size's alignment). */
function fromBase64(text: string, expectedBytes: number): ArrayBuffer {
  const buffer = new ArrayBuffer(expectedBytes);
  const written = Buffer.from(buffer).write(text, 'base64');
  if (written !== expectedBytes) throw new Error(`the instance sent a column of ${written} bytes where ${expectedBytes} were expected`);
  return buffer;
}
