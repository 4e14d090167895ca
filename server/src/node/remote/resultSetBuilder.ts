// A result set read from tedious row by row, kept column by column in the socket protocol's
// layout (core/results/encodedResultSets.ts): numbers, bits and dates in typed arrays, repeating
// text as codes into its distinct values, the rest as wire values. A TDS run then hands the
// language server and the editor the same columns the embedded instance's socket gives, instead
// of a JavaScript array per row and a string per date (a million rows went to the editor as a
// million JSON arrays), and shows every value as the socket shows it.
import type { SqlValue } from '../../core/engine/executor/ports';
import { withRoom } from '../../core/launcher/withRoom';
import { decodeResultSet, wireBigint, wireDate, type EncodedColumn, type WireColumn, type WireValue } from '../../core/results/encodedResultSets';
import { dateWithMicros, microsPastMillisecond } from '../../core/results/microsDate';
import type { WireResultSet } from '../instance/protocol';
import { base64Of, nodeBase64 } from '../instance/wireResultSets';
import { wireValue } from '../instance/wireValues';
import { columnOf, type MssqlColumn } from './columns';

interface Collector {
  add(value: unknown, row: number): void;
  finish(rowCount: number): EncodedColumn;
}

type NumberKind = 'f8' | 'i4' | 'b1' | 'dt';
type NumberArray = Float64Array | Int32Array | Uint8Array;
const ARRAYS: Record<NumberKind, new (n: number) => NumberArray> = { f8: Float64Array, i4: Int32Array, b1: Uint8Array, dt: Float64Array };

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

  finish(): WireResultSet {
    const data = this.collectors.map((collector) => collector.finish(this.rowCount));
    return decodeResultSet({ columns: this.columns, rowCount: this.rowCount, data }, nodeBase64);
  }
}

/**
 * A tedious value as the socket protocol shows it (wireValues.ts): dates as 'yyyy-mm-dd hh:mm:ss.mmm',
 * times as 'hh:mm:ss.mmm', binary as 0x hex, bigints as numbers when exact.
 */
function wireValueOf(value: unknown, declaration: string): WireValue {
  if (value instanceof Date) {
    const text = wireDate(withMicros(value));
    return declaration === 'time' ? text.slice(11) : text;
  }
  // tedious reads bigint as text, which keeps every digit.
  if (declaration === 'bigint' && typeof value === 'string' && /^-?\d+$/.test(value)) return wireBigint(BigInt(value));
  return wireValue(value as SqlValue);
}

/**
 * tedious's Date for a datetime2 or time, with the microseconds its nanosecondsDelta (the 100 ns
 * ticks past the millisecond, in seconds) tells: as the socket gives the same value.
 */
function withMicros(date: Date): Date {
  const delta = (date as Date & { nanosecondsDelta?: number }).nanosecondsDelta;
  return delta ? dateWithMicros(date.getTime(), Math.floor(Math.round(delta * 1e7) / 10)) : date;
}

function collectorFor(declaration: string): Collector {
  const kind = KIND_OF_TYPE[declaration];
  if (kind) return new NumberCollector(kind, declaration);
  return TEXT_TYPES.has(declaration) ? new TextCollector() : new ValuesCollector(declaration);
}

/** A value's number in a typed column, or undefined when it is not one of the kind (the column then takes values). */
function numberOf(kind: NumberKind, value: unknown): number | undefined {
  if (kind === 'b1') return typeof value === 'boolean' ? (value ? 1 : 0) : undefined;
  if (kind === 'dt') return value instanceof Date && !Number.isNaN(value.getTime()) ? value.getTime() : undefined;
  if (typeof value !== 'number') return undefined;
  return kind === 'i4' && (value | 0) !== value ? undefined : value;
}

class NumberCollector implements Collector {
  private data: NumberArray;
  private nulls: Uint8Array | null = null;
  /** Dates: the microseconds past each millisecond, once a row has some (datetime2). */
  private micros: Uint16Array | null = null;
  /** Once a value did not fit the kind (a driver's surprise): every value as it is. */
  private values: ValuesCollector | null = null;

  constructor(
    private readonly kind: NumberKind,
    private readonly declaration: string,
  ) {
    this.data = new ARRAYS[kind](0);
  }

  add(value: unknown, row: number): void {
    if (this.values) return this.values.add(value);
    this.data = withRoom(this.data, row, row + 1, (n) => new ARRAYS[this.kind](n));
    if (value === null || value === undefined) {
      this.nulls = withRoom(this.nulls ?? new Uint8Array(0), row, this.data.length, (n) => new Uint8Array(n));
      this.nulls[row] = 1;
      return;
    }
    const number = numberOf(this.kind, value);
    if (number === undefined) {
      this.values = this.asValues(row);
      this.values.add(value);
      return;
    }
    this.data[row] = number;
    const past = this.kind === 'dt' ? microsPastMillisecond(withMicros(value as Date)) : 0;
    if (past !== 0) {
      this.micros = withRoom(this.micros ?? new Uint16Array(0), row, this.data.length, (n) => new Uint16Array(n));
      this.micros[row] = past;
    }
  }

  finish(rowCount: number): EncodedColumn {
    if (this.values) return this.values.finish();
    const data = this.data.subarray(0, rowCount);
    // A NULL flag per row, when any row is NULL: the flags array may have stopped short of the last rows.
    const nulls = this.nulls && withRoom(this.nulls, this.nulls.length, rowCount, (n) => new Uint8Array(n)).subarray(0, rowCount);
    const encoded = { data: base64Of(data), nulls: nulls && base64Of(nulls) };
    if (this.kind !== 'dt') return { kind: this.kind, ...encoded };
    const micros = this.micros && withRoom(this.micros, this.micros.length, rowCount, (n) => new Uint16Array(n)).subarray(0, rowCount);
    return { kind: 'dt', ...encoded, ...(micros ? { micros: base64Of(micros) } : {}) };
  }

  /** The rows so far as values, as the socket's decoder would read them. */
  private asValues(rows: number): ValuesCollector {
    const values = new ValuesCollector(this.declaration);
    for (let r = 0; r < rows; r++) {
      const n = this.data[r]!;
      values.push(this.nulls?.[r] === 1 ? null : this.kind === 'b1' ? n === 1 : this.kind === 'dt' ? wireDate(dateWithMicros(n, this.micros?.[r] ?? 0)) : n);
    }
    return values;
  }
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

  finish(): EncodedColumn {
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
    this.codes = withRoom(this.codes!, row, row + 1, (n) => new Int32Array(n));
    if (text === null) {
      this.codes[row] = -1;
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

  finish(rowCount: number): EncodedColumn {
    if (!this.plain && this.distinct.length * 2 > rowCount && this.distinct.length > 0) this.turnPlain(rowCount);
    if (this.plain) return { values: this.plain };
    return { kind: 'coded', codes: base64Of(this.codes!.subarray(0, rowCount)), distinct: this.distinct };
  }

  /** The first `rows` rows as plain values, and plain from now on. */
  private turnPlain(rows: number): void {
    const codes = this.codes!;
    this.plain = Array.from({ length: rows }, (_, r) => (codes[r]! < 0 ? null : this.distinct[codes[r]!]!));
    this.codes = null;
    this.codeOf.clear();
  }
}
