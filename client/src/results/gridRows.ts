// The rows behind one grid, held by the extension and handed to the page a screenful at a time: the page
// never holds a million rows, only the ones it shows. The grid's order (after a sort) is a permutation of
// the result set's rows; selections arrive as rectangles in that order and come back as result sets of
// their own, for copying and saving. Pure: no VS Code, no Node.
import { rowCountOf, type DecodedResultSet } from '../../../server/src/core/results/encodedResultSets';
import { cellText } from '../../../server/src/core/text/cellText';
import type { ResultSetLike } from './export';

/** A rectangle of cells as the grid selects it: rows in the grid's order, columns as shown (0-based, inclusive). */
export interface CellRange {
  fromRow: number;
  toRow: number;
  fromCell: number;
  toCell: number;
}

/** A cell as the page shows it: its text, or null for SQL NULL (which the page styles apart from the text 'NULL'). */
export type ShownCell = string | null;

export class GridRows {
  /** The grid's row i is the result set's row order[i]; null while unsorted. */
  private order: Uint32Array | null = null;
  /** Row r's value in column c: read from the columns when the result set came as columns, never making its rows. */
  private readonly value: (r: number, c: number) => unknown;

  constructor(readonly set: DecodedResultSet) {
    const columnar = set.columnar;
    this.value = columnar ? (r, c) => columnar.valueAt(r, c) : (r, c) => set.rows[r]![c];
  }

  get length(): number {
    return rowCountOf(this.set);
  }

  /** The result set's index of the grid's row `row`. */
  sourceRow(row: number): number {
    return this.order ? this.order[row]! : row;
  }

  /** Rows start … start+count-1 of the grid (clipped to the rows there are), as the page shows them. */
  page(start: number, count: number): ShownCell[][] {
    const end = Math.min(this.length, Math.max(0, start) + Math.max(0, count));
    const out: ShownCell[][] = [];
    for (let r = Math.max(0, start); r < end; r++) {
      const row = this.sourceRow(r);
      out.push(
        this.set.columns.map((c, i) => {
          const value = this.value(row, i);
          return value === null || value === undefined ? null : cellText(value, c.type);
        }),
      );
    }
    return out;
  }

  /**
   * Orders the grid by one column, as SQL Server's ORDER BY does: NULL first when ascending, numbers by
   * value, text by code point. Stable, so sorting by a second column keeps the first one's order within ties.
   */
  sort(column: number, ascending: boolean): void {
    // The column's values read once: a comparison then costs no read (nor a date's formatting).
    const keys = Array.from({ length: this.length }, (_, r) => this.value(r, column));
    const next = this.order ? Uint32Array.from(this.order) : Uint32Array.from(keys.keys());
    const direction = ascending ? 1 : -1;
    const compare = EXACT_NUMERIC.test(this.set.columns[column]?.type ?? '') ? compareNumeric : compareValues;
    const sorted = Array.from(next).sort((a, b) => direction * compare(keys[a], keys[b]));
    next.set(sorted);
    this.order = next;
  }

  /** The result set as the grid shows it (its order), every row. */
  all(): ResultSetLike {
    return this.pick([{ fromRow: 0, toRow: this.length - 1, fromCell: 0, toCell: this.set.columns.length - 1 }]);
  }

  /**
   * The selected cells as a result set: the columns any range covers (in grid order) and the rows any
   * range covers (in grid order, each once). Cells of those rows and columns outside every range are
   * blank (undefined), as a spreadsheet pastes a ragged selection.
   */
  pick(ranges: readonly CellRange[]): ResultSetLike {
    const valid = ranges.map((r) => this.clip(r)).filter((r): r is CellRange => r !== undefined);
    const columns = [...new Set(valid.flatMap((r) => span(r.fromCell, r.toCell)))].sort((a, b) => a - b);
    const rowSet = new Set<number>();
    for (const r of valid) for (let row = r.fromRow; row <= r.toRow; row++) rowSet.add(row);
    const gridRows = [...rowSet].sort((a, b) => a - b);
    const inside = (row: number, column: number) => valid.some((r) => row >= r.fromRow && row <= r.toRow && column >= r.fromCell && column <= r.toCell);
    const simple = valid.length === 1;
    return {
      columns: columns.map((c) => this.set.columns[c]!),
      rows: gridRows.map((row) => {
        const source = this.sourceRow(row);
        return columns.map((c) => (simple || inside(row, c) ? this.value(source, c) : undefined));
      }),
    };
  }

  private clip(r: CellRange): CellRange | undefined {
    const lastRow = this.length - 1;
    const lastCell = this.set.columns.length - 1;
    const range = {
      fromRow: Math.max(0, Math.min(r.fromRow, r.toRow)),
      toRow: Math.min(lastRow, Math.max(r.fromRow, r.toRow)),
      fromCell: Math.max(0, Math.min(r.fromCell, r.toCell)),
      toCell: Math.min(lastCell, Math.max(r.fromCell, r.toCell)),
    };
    return range.fromRow <= range.toRow && range.fromCell <= range.toCell ? range : undefined;
  }
}

function span(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** NULL (null or missing) first; numbers (and bit) by value; everything else by its text, code point by code point. */
export function compareValues(a: unknown, b: unknown): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = cellText(a);
  const y = cellText(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Types whose values come as exact text where a double cannot hold them (wireBigint; decimals past 15 digits). */
const EXACT_NUMERIC = /^(bigint|decimal|numeric)\b/i;
const DIGITS = /^-?\d+(\.\d+)?$/;

const isNumeric = (v: unknown): v is number | string => typeof v === 'number' || (typeof v === 'string' && DIGITS.test(v));

/** compareValues for a bigint or decimal column: its numbers and its exact texts by value. */
export function compareNumeric(a: unknown, b: unknown): number {
  if (!isNumeric(a) || !isNumeric(b)) return compareValues(a, b);
  const x = Number(a);
  const y = Number(b);
  // Rounding to the nearest double keeps the order: only values with the same double need their digits.
  return x !== y ? x - y : compareDecimalTexts(exactText(a), exactText(b));
}

/** A number's exact value in digits (a double is a finite binary fraction: 100 decimals hold any below 1e21). */
function exactText(v: number | string): string {
  if (typeof v === 'string') return v;
  return Number.isInteger(v) ? BigInt(v).toString() : v.toFixed(100);
}

function compareDecimalTexts(a: string, b: string): number {
  const negative = a.startsWith('-');
  if (negative !== b.startsWith('-')) return negative ? -1 : 1;
  const sign = negative ? -1 : 1;
  const [aWhole = '', aFraction = ''] = (negative ? a.slice(1) : a).split('.');
  const [bWhole = '', bFraction = ''] = (negative ? b.slice(1) : b).split('.');
  const x = aWhole.replace(/^0+(?=\d)/, '');
  const y = bWhole.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return sign * (x.length - y.length);
  if (x !== y) return sign * (x < y ? -1 : 1);
  const width = Math.max(aFraction.length, bFraction.length);
  const f = aFraction.padEnd(width, '0');
  const g = bFraction.padEnd(width, '0');
  return f === g ? 0 : sign * (f < g ? -1 : 1);
}
