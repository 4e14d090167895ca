// One input column as the storage hands it to the launcher: a SQL value per row, or, for the
// fixed-width numbers, bits, dates and text most large inputs are made of, bytes read in bulk from the
// storage's vectors, laid out as the exchange sends them, with a null mask. A million doubles are
// then one 8 MB array sent as it is, instead of a million JavaScript values read one by one and
// written again.
import { dateWithMicros } from '../results/microsDate';
import type { SqlValue } from './request';

interface Typed<K extends string, A> {
  readonly kind: K;
  readonly data: A;
  /** 1 where the row is NULL (its data cell holds 0); null when no row is. */
  readonly nulls: Uint8Array | null;
}

export type NumberColumn =
  | Typed<'f8', Float64Array>
  | Typed<'i4', Int32Array>
  | Typed<'i8', BigInt64Array>
  /** Bits: 1 or 0 per row. */
  | Typed<'b1', Uint8Array>
  /**
   * Dates and times: milliseconds since 1970 of their UTC fields, rounded down (the executor's
   * Dates, the exchange's dt), and the microseconds past each millisecond when any row has some
   * (datetime2 values; the exchange, which carries no datetime2, leaves them).
   */
  | (Typed<'dt', Float64Array> & { readonly micros?: Uint16Array | null });

/** Text: each row's UTF-8 bytes followed by a NUL byte (a NULL row: the NUL alone), no NUL inside. */
export interface PlainText {
  readonly kind: 'str';
  readonly layout: 'plain';
  readonly bytes: Uint8Array;
  /** Where each row's bytes start, and one more entry: where the last row's NUL ends. */
  readonly starts: Float64Array;
  readonly nulls: Uint8Array | null;
  /** Row r's text (UTF-8 decoding is the storage side's). */
  textAt(r: number): string;
}

/**
 * Text with few distinct values (labels, categories, codes: most text columns of large inputs): a
 * code per row into the distinct values, -1 for NULL. The satellites then make one string per
 * distinct value instead of one per row, and pandas groups on shared strings as it does after
 * read_csv.
 */
export interface CodedText {
  readonly kind: 'str';
  readonly layout: 'coded';
  readonly codes: Int32Array;
  /** The distinct values, in order of first appearance, without NULLs. */
  readonly distinct: PlainText;
  readonly nulls: Uint8Array | null;
  textAt(r: number): string;
}

export type TextColumn = PlainText | CodedText;

/** Each distinct value is decoded once, however many rows hold it. */
export function codedText(codes: Int32Array, distinct: PlainText, nulls: Uint8Array | null): CodedText {
  const decoded: (string | undefined)[] = new Array(distinct.starts.length - 1);
  return {
    kind: 'str',
    layout: 'coded',
    codes,
    distinct,
    nulls,
    textAt: (r) => {
      const code = codes[r]!;
      return (decoded[code] ??= distinct.textAt(code));
    },
  };
}

export type BulkColumn = NumberColumn | TextColumn;

export type ColumnValues = readonly SqlValue[] | BulkColumn;

export function isBulkColumn(column: ColumnValues): column is BulkColumn {
  return !Array.isArray(column);
}

export function columnLength(column: ColumnValues): number {
  if (!isBulkColumn(column)) return column.length;
  if (column.kind !== 'str') return column.data.length;
  return column.layout === 'plain' ? column.starts.length - 1 : column.codes.length;
}

/** Row r's value as the storage would have given it one by one (bits as booleans, i8 as bigint). */
export function valueAt(column: ColumnValues, r: number): SqlValue {
  if (!isBulkColumn(column)) return column[r] ?? null;
  if (column.nulls?.[r] === 1) return null;
  if (column.kind === 'str') return column.textAt(r);
  if (column.kind === 'b1') return column.data[r] === 1;
  if (column.kind === 'dt') return dateWithMicros(column.data[r]!, column.micros?.[r] ?? 0);
  return column.data[r]!;
}

/** A result set's rows held column by column, as a script's output arrives. */
export interface Columnar {
  readonly values: readonly ColumnValues[];
  readonly rowCount: number;
}

/**
 * `target` with `rows` built from `columnar` on first use: what stages the rows in the storage
 * (INSERT ... EXEC, WITH RESULT SETS) reads the columns and never makes the million row arrays;
 * whatever needs rows (a client, a check) still finds them.
 */
export function withColumnarRows<T extends object>(target: T, columnar: Columnar): T & { rows: SqlValue[][]; columnar: Columnar } {
  let rows: SqlValue[][] | undefined;
  return Object.defineProperties(target, {
    columnar: { value: columnar, enumerable: false },
    rows: { get: () => (rows ??= rowsOf(columnar)), enumerable: true },
  }) as T & { rows: SqlValue[][]; columnar: Columnar };
}

function rowsOf({ values, rowCount }: Columnar): SqlValue[][] {
  const rows: SqlValue[][] = new Array(rowCount);
  const template: SqlValue[] = values.map(() => null);
  for (let r = 0; r < rowCount; r++) {
    const row = template.slice();
    for (let c = 0; c < values.length; c++) row[c] = valueAt(values[c]!, r);
    rows[r] = row;
  }
  return rows;
}
