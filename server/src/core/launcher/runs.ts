// How the input is cut into script executions, as SQL Server does it: with
// @input_data_1_partition_by_columns the script runs once per partition (each with fresh
// variables), partitions in key order and rows ordered by @input_data_1_order_by_columns; with
// @r_rowsPerRead the rows of a run arrive in chunks, each chunk running the script again in the
// same session so that variables carry over (mlservices-facts.md §1.3).
import type { NormalizedRequest, SqlValue } from './request';

export interface Run {
  /** The rows of each chunk, in order. A run always has at least one chunk. */
  chunks: SqlValue[][][];
}

export function planRuns(request: Pick<NormalizedRequest, 'input' | 'partitionBy' | 'orderBy' | 'rowsPerRead'>): Run[] {
  const rows = request.input?.rows ?? [];
  const order = (part: SqlValue[][]) => (request.orderBy.length > 0 ? stableSort(part, request.orderBy) : part);
  const groups = request.partitionBy.length > 0 && rows.length > 0 ? partitions(rows, request.partitionBy) : [rows];
  return groups.map((group) => ({ chunks: chunk(order(group), request.rowsPerRead) }));
}

function chunk(rows: SqlValue[][], size: number | undefined): SqlValue[][][] {
  if (!size || rows.length <= size) return [rows];
  const out: SqlValue[][][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

function partitions(rows: SqlValue[][], by: number[]): SqlValue[][][] {
  const groups = new Map<string, SqlValue[][]>();
  for (const row of rows) {
    const key = by.map((i) => keyPart(row[i] ?? null)).join('\u0001');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(row);
  }
  return [...groups.values()].sort((a, b) => compareRows(a[0]!, b[0]!, by));
}

function stableSort(rows: SqlValue[][], by: number[]): SqlValue[][] {
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => compareRows(a.row, b.row, by) || a.i - b.i)
    .map((x) => x.row);
}

function compareRows(a: SqlValue[], b: SqlValue[], by: number[]): number {
  for (const i of by) {
    const c = compareValues(a[i] ?? null, b[i] ?? null);
    if (c !== 0) return c;
  }
  return 0;
}

// Grouping and ordering follow SQL Server's default collation, which ignores case; NULL sorts
// first and NULLs form one partition, as GROUP BY makes them.
function keyPart(v: SqlValue): string {
  if (v === null) return 'n';
  if (typeof v === 'string') return `s${v.toLowerCase()}`;
  if (v instanceof Date) return `d${v.getTime()}`;
  if (v instanceof Uint8Array) return `b${Array.from(v).join(',')}`;
  return `v${String(v)}`;
}

export function compareValues(a: SqlValue, b: SqlValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime());
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  }
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
