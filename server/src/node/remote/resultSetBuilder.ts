// A result set read from tedious row by row, kept column by column in the socket protocol's
// layout (core/results/encodedResultSets.ts): numbers, bits and dates in typed arrays, repeating
// text as codes into its distinct values, the rest as wire values. A TDS run then hands the
// language server and the editor the same columns the embedded instance's socket gives, instead
// of a JavaScript array per row and a string per date (a million rows went to the editor as a
// million JSON arrays), and shows every value as the socket shows it.
import type { SqlValue } from '../../core/engine/executor/ports';
import { columnarResultSet, encodedColumnOf, wireBigint, wireDate, type ColumnData, type DecodedResultSet, type WireColumn, type WireValue } from '../../core/results/encodedResultSets';
import { withRoom } from '../../core/launcher/withRoom';
import { dateWithMicros } from '../../core/results/microsDate';
import { base64Of } from '../instance/wireResultSets';
import { wireValue } from '../instance/wireValues';
import { columnOf, type MssqlColumn } from './columns';

interface Collector {
  add(value: unknown, row: number): void;
  finish(rowCount: number): ColumnData;
}

type NumberKind = 'f8' | 'i4' | 'b1' | 'dt';

/** The layout a column of this T-SQL type (as mssql declares it) is kept in. */
const KIND_OF_TYPE: Readonly<Record<string, NumberKind>> = {
  float: 'f8',
  real: 'f8',
  int: 'i4',
  smallint: 'i4',
  tinyint: 'i4',
  bit: 'b1',
  date: 'dt',
  datetime: 'dt',
  smalldatetime: 'dt',
  datetime2: 'dt',
};

const TEXT_TYPES = new Set(['char', 'varchar', 'nchar', 'nvarchar', 'text', 'ntext', 'uniqueidentifier', 'sysname']);

export class ResultSetBuilder {
  readonly columns: WireColumn[];
  private readonly declarations: string[];
  private readonly collectors: Collector[];
  private rowCount = 0;

  constructor(columns: readonly MssqlColumn[]) {
    this.columns = columns.map(columnOf);
    this.declarations = columns.map((c) => c.type?.declaration ?? '');
    this.collectors = this.declarations.map(collectorFor);
  }

  /** A row as tedious gives it, in the wire's values (for a caller that streams rows). */
  wireRow(row: readonly unknown[]): WireValue[] {
    return row.map((value, c) => (value === null || value === undefined ? null : wireValueOf(value, this.declarations[c]!)));
  }

  /** Adds a row as tedious gives it (arrayRowMode). */
  add(row: readonly unknown[]): void {
    for (let c = 0; c < this.collectors.length; c++) this.collectors[c]!.add(row[c], this.rowCount);
    this.rowCount++;
  }

  /** The result set, read in place from the columns; its wire form is made only if it is handed on. */
  finish(): DecodedResultSet {
    const rowCount = this.rowCount;
    const data = this.collectors.map((collector) => collector.finish(rowCount));
    return columnarResultSet(this.columns, rowCount, data, () => ({ columns: this.columns, rowCount, data: data.map((column) => encodedColumnOf(column, rowCount, base64Of)) }));
  }
}

/**
 * A tedious value as the socket protocol shows it (wireValues.ts): dates as 'yyyy-mm-dd hh:mm:ss.mmm',
 * times as 'hh:mm:ss.mmm', binary as 0x hex, bigints as numbers when exact.
 */
function wireValueOf(value: unknown, declaration: string): WireValue {
  if (value instanceof Date) {
    const text = wireDate(dateWithMicros(value.getTime(), microsOf(value)));
    return declaration === 'time' ? text.slice(11) : text;
  }
  // tedious reads bigint as text, which keeps every digit.
  if (declaration === 'bigint' && typeof value === 'string' && /^-?\d+$/.test(value)) return wireBigint(BigInt(value));
  return wireValue(value as SqlValue);
}

/**
 * The whole microseconds past its millisecond of tedious's Date for a datetime2 or time, which its
 * nanosecondsDelta tells (the 100 ns ticks past the millisecond, in seconds); 0 for other dates.
 */
function microsOf(date: Date): number {
  const delta = (date as Date & { nanosecondsDelta?: number }).nanosecondsDelta;
  return delta ? Math.floor(Math.round(delta * 1e7) / 10) : 0;
}

function collectorFor(declaration: string): Collector {
  const kind = KIND_OF_TYPE[declaration];
  if (kind === 'dt') return new DateCollector(declaration);
  if (kind) return new NumberCollector(kind, declaration);
  return TEXT_TYPES.has(declaration) ? new TextCollector() : new ValuesCollector(declaration);
}

const bytes = (n: number) => new Uint8Array(n);
const shorts = (n: number) => new Uint16Array(n);
const doubles = (n: number) => new Float64Array(n);

/** The first `rowCount` items of a column's array (zeros past its end: rows after it was last written). */
function firstRows<T extends Float64Array | Int32Array | Uint8Array | Uint16Array>(array: T, rowCount: number, make: (n: number) => T): T {
  return withRoom(array, array.length, rowCount, make).subarray(0, rowCount) as T;
}

/**
 * Numbers and bits in a typed array, a NULL flag per row once a row is NULL. Should the driver
 * give a value of another kind, the column takes every value as it is from then on.
 */
class NumberCollector implements Collector {
  private readonly make: (n: number) => Float64Array | Int32Array | Uint8Array;
  private data: Float64Array | Int32Array | Uint8Array;
  private nulls: Uint8Array | null = null;
  private values: ValuesCollector | null = null;

  constructor(
    private readonly kind: 'f8' | 'i4' | 'b1',
    private readonly declaration: string,
  ) {
    this.make = kind === 'f8' ? doubles : kind === 'i4' ? (n) => new Int32Array(n) : bytes;
    this.data = this.make(0);
  }

  add(value: unknown, row: number): void {
    if (this.values) return this.values.add(value);
    // The length is checked here, not in withRoom: a function made per value would cost more than the value.
    if (row >= this.data.length) this.data = withRoom(this.data, row, row + 1, this.make);
    if (value === null || value === undefined) {
      (this.nulls = withRoom(this.nulls ?? bytes(0), row, row + 1, bytes))[row] = 1;
      return;
    }
    const number = this.kind === 'b1' ? (typeof value === 'boolean' ? +value : undefined) : typeof value === 'number' && (this.kind === 'f8' || (value | 0) === value) ? value : undefined;
    if (number === undefined) {
      this.values = asValues(this.declaration, row, (r) => (this.nulls?.[r] === 1 ? null : this.kind === 'b1' ? this.data[r] === 1 : this.data[r]!));
      this.values.add(value);
      return;
    }
    this.data[row] = number;
  }

  finish(rowCount: number): ColumnData {
    if (this.values) return this.values.finish();
    const nulls = this.nulls && firstRows(this.nulls, rowCount, bytes);
    const data = firstRows(this.data, rowCount, this.make);
    if (this.kind === 'f8') return { kind: 'f8', data: data as Float64Array, nulls };
    if (this.kind === 'i4') return { kind: 'i4', data: data as Int32Array, nulls };
    return { kind: 'b1', data: data as Uint8Array, nulls };
  }
}

/** Dates and times as milliseconds since 1970 (UTC fields), with the microseconds past them once a row has some. */
class DateCollector implements Collector {
  private data = new Float64Array(0);
  private nulls: Uint8Array | null = null;
  private micros: Uint16Array | null = null;
  private values: ValuesCollector | null = null;
  /** date, datetime and smalldatetime count no microseconds: only a datetime2 is asked for them. */
  private readonly hasMicros: boolean;

  constructor(private readonly declaration: string) {
    this.hasMicros = declaration === 'datetime2';
  }

  add(value: unknown, row: number): void {
    if (this.values) return this.values.add(value);
    if (row >= this.data.length) this.data = withRoom(this.data, row, row + 1, doubles);
    if (value === null || value === undefined) {
      (this.nulls = withRoom(this.nulls ?? bytes(0), row, row + 1, bytes))[row] = 1;
      return;
    }
    const ms = value instanceof Date ? value.getTime() : Number.NaN;
    if (Number.isNaN(ms)) {
      this.values = asValues(this.declaration, row, (r) => (this.nulls?.[r] === 1 ? null : wireDate(dateWithMicros(this.data[r]!, this.micros?.[r] ?? 0))));
      this.values.add(value);
      return;
    }
    this.data[row] = ms;
    const past = this.hasMicros ? microsOf(value as Date) : 0;
    if (past !== 0) (this.micros = withRoom(this.micros ?? shorts(0), row, row + 1, shorts))[row] = past;
  }

  finish(rowCount: number): ColumnData {
    if (this.values) return this.values.finish();
    return { kind: 'dt', data: firstRows(this.data, rowCount, doubles), nulls: this.nulls && firstRows(this.nulls, rowCount, bytes), micros: this.micros && firstRows(this.micros, rowCount, shorts) };
  }
}

/** A column's first `rows` rows as values, read by `valueAt`, to go on value by value. */
function asValues(declaration: string, rows: number, valueAt: (r: number) => WireValue): ValuesCollector {
  const values = new ValuesCollector(declaration);
  for (let r = 0; r < rows; r++) values.push(valueAt(r));
  return values;
}

class ValuesCollector implements Collector {
  private readonly values: WireValue[] = [];

  constructor(private readonly declaration: string) {}

  add(value: unknown): void {
    this.values.push(value === null || value === undefined ? null : wireValueOf(value, this.declaration));
  }

  push(value: WireValue): void {
    this.values.push(value);
  }

  finish(): ColumnData {
    return { values: this.values };
  }
}

/** Below this many distinct values a text column stays coded whatever the ratio (as the instance's reader). */
const CODED_UP_TO = 1024;

/** Text coded while its values repeat (labels, categories), plain once the distinct values pass half the rows. */
class TextCollector implements Collector {
  private codes: Int32Array | null = new Int32Array(0);
  private readonly distinct: string[] = [];
  private readonly codeOf = new Map<string, number>();
  private plain: WireValue[] | null = null;

  add(value: unknown, row: number): void {
    const text = value === null || value === undefined ? null : typeof value === 'string' ? value : String(value);
    if (this.plain) {
      this.plain.push(text);
      return;
    }
    if (row >= this.codes!.length) this.codes = withRoom(this.codes!, row, row + 1, (n) => new Int32Array(n));
    if (text === null) {
      this.codes![row] = -1;
      return;
    }
    let code = this.codeOf.get(text);
    if (code === undefined) {
      code = this.distinct.push(text) - 1;
      this.codeOf.set(text, code);
      if (this.distinct.length > CODED_UP_TO && this.distinct.length * 2 > row + 1) this.turnPlain(row);
    }
    if (this.codes) this.codes[row] = code;
    else this.plain!.push(text);
  }

  finish(rowCount: number): ColumnData {
    if (!this.plain && this.distinct.length * 2 > rowCount && this.distinct.length > 0) this.turnPlain(rowCount);
    if (this.plain) return { values: this.plain };
    return { kind: 'coded', codes: this.codes!.subarray(0, rowCount), distinct: this.distinct };
  }

  /** The first `rows` rows as plain values, and plain from now on. */
  private turnPlain(rows: number): void {
    const codes = this.codes!;
    this.plain = Array.from({ length: rows }, (_, r) => (codes[r]! < 0 ? null : this.distinct[codes[r]!]!));
    this.codes = null;
    this.codeOf.clear();
  }
}
