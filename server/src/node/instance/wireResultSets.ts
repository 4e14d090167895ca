// Result sets on the instance's socket, column by column (the format and its decoder:
// core/results/encodedResultSets.ts). A query's rows and a script's output
// reach the daemon as columns (vectorColumns.ts, the exchange); they leave it as columns too:
// numbers, bits and dates as bytes (the daemon and its clients share the machine, so its byte
// order) in the message's binary section for a client that takes one (binarySection.ts), else in
// base64; text with few distinct values as codes into those values; other text as its UTF-8
// bytes in the section, else, like anything else, as a JSON array per column. No row array is made on either side until a consumer asks for `rows`:
// a million-row result set is a few strings in the JSON message instead of a million arrays.
import { isBulkColumn, type ColumnValues } from '../../core/launcher/columnValues';
import type { ExecResultSet, RunResult } from '../../core/engine/executor';
import { decodeResultSet, type Base64Decoder, type BinarySection, type EncodedBytes, type EncodedColumn, type EncodedResultSet } from '../../core/results/encodedResultSets';
import { microsPastMillisecond } from '../../core/results/microsDate';
import { incomingSection, type BinarySectionBuilder } from './binarySection';
import type { EncodedRunOutcome, RunOutcome } from './protocol';
import { wireRow, wireValue, type WireValue } from './wireValues';

/** How a typed array goes on the wire: into the binary section, or as base64. */
type BytesEncoder = (array: ArrayBufferView) => EncodedBytes;

/**
 * The daemon's side: a run's outcome as the socket carries it, its typed arrays and text bytes in
 * `section` when the client takes one (the outcome then carries the section for the writer), else
 * typed arrays in base64 and text as JSON strings.
 */
export function encodeRunOutcome(result: RunResult, section?: BinarySectionBuilder): EncodedRunOutcome {
  const encoded: EncodedRunOutcome = {
    batches: result.batches.map((b) => ({ line: b.line, messages: b.messages, resultSets: b.resultSets.map((set) => encodeResultSet(set, section)) })),
    sessions: result.sessions,
  };
  return section ? section.attachTo(encoded) : encoded;
}

/** The client's side: the outcome with each result set's rows made on first use. */
export function decodeRunOutcome(encoded: EncodedRunOutcome): RunOutcome {
  const bytes = incomingSection(encoded);
  const section: BinarySection | undefined = bytes && { bytes, utf8: utf8Slicer, base64: base64Of };
  return { batches: encoded.batches.map((b) => ({ ...b, resultSets: b.resultSets.map((set) => decodeResultSet(set, nodeBase64, section)) })), sessions: encoded.sessions };
}

/** Reads UTF-8 text out of `bytes` (Buffer's decoder, made once per column). */
function utf8Slicer(bytes: Uint8Array): (start: number, end: number) => string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (start, end) => buffer.toString('utf8', start, end);
}

/** Node's base64 decoder, for decodeResultSet. */
export const nodeBase64: Base64Decoder = (text) => Buffer.from(text, 'base64');

/** The daemon's side: a result set's columns as they are, or its rows when it was built as rows. */
function encodeResultSet(resultSet: ExecResultSet, section: BinarySectionBuilder | undefined): EncodedResultSet {
  const columnar = resultSet.columnar;
  if (!columnar) return { columns: resultSet.columns, rows: resultSet.rows.map(wireRow) };
  return { columns: resultSet.columns, rowCount: columnar.rowCount, data: columnar.values.map((column) => encodeColumn(column, columnar.rowCount, section)) };
}

function encodeColumn(column: ColumnValues, rowCount: number, section: BinarySectionBuilder | undefined): EncodedColumn {
  const bytes: BytesEncoder = section ? (array) => section.add(array) : base64Of;
  if (!isBulkColumn(column)) return datesColumn(column, rowCount, bytes) ?? { values: column.map(wireValue) };
  const nulls = column.nulls ? bytes(column.nulls) : null;
  if (column.kind === 'dt' && column.micros) return { kind: 'dt', data: bytes(column.data), nulls, micros: bytes(column.micros) };
  if (column.kind !== 'str') return { kind: column.kind, data: bytes(column.data), nulls };
  if (column.layout === 'coded') {
    const distinct = Array.from({ length: column.distinct.starts.length - 1 }, (_, k) => column.distinct.textAt(k));
    return { kind: 'coded', codes: bytes(column.codes), distinct };
  }
  // Plain text goes as it is kept, its bytes and row starts, to a client that takes a section.
  if (section) return { kind: 'text', bytes: section.add(column.bytes), starts: section.add(column.starts), nulls: column.nulls && section.add(column.nulls) };
  const values: WireValue[] = new Array(rowCount);
  for (let r = 0; r < rowCount; r++) values[r] = column.nulls?.[r] === 1 ? null : column.textAt(r);
  return { values };
}

/**
 * A column of dates and times as their milliseconds since 1970 (UTC fields, as the executor keeps
 * them): the client formats a value when it is read, instead of the daemon making a string per row.
 */
function datesColumn(column: readonly unknown[], rowCount: number, bytes: BytesEncoder): EncodedColumn | undefined {
  // Most per-value columns are not dates: the first value tells, before anything is allocated.
  const first = column.find((value) => value !== null && value !== undefined);
  if (!(first instanceof Date)) return undefined;
  const data = new Float64Array(rowCount);
  let nulls: Uint8Array | null = null;
  let micros: Uint16Array | null = null;
  for (let r = 0; r < rowCount; r++) {
    const value = column[r];
    if (value instanceof Date) {
      data[r] = value.getTime();
      const past = microsPastMillisecond(value);
      if (past !== 0) (micros ??= new Uint16Array(rowCount))[r] = past;
    } else if (value === null || value === undefined) (nulls ??= new Uint8Array(rowCount))[r] = 1;
    else return undefined;
  }
  return { kind: 'dt', data: bytes(data), nulls: nulls && bytes(nulls), ...(micros ? { micros: bytes(micros) } : {}) };
}

/** A typed array's bytes in base64, as the protocol's typed columns carry them. */
export function base64Of(array: ArrayBufferView): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}
