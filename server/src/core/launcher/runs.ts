// How the input is cut into script executions, as SQL Server does it: with
// @input_data_1_partition_by_columns the script runs once per partition (each with fresh
// variables), partitions in key order and rows ordered by @input_data_1_order_by_columns; with
// @r_rowsPerRead the rows of a run arrive in chunks, each chunk running the script again in the
// same session so that variables carry over (mlservices-facts.md §1.3).
// The plan holds row numbers, never copies of rows: the input stays in its columns, once.
import { valueAt, type ColumnValues } from './columnValues';
import type { NormalizedRequest, SqlValue } from './request';

/** Positions `start` … `start + count - 1` of the plan's row order. */
export interface Chunk {
  start: number;
  count: number;
}

export interface Run {
  /** The chunks, in order. A run always has at least one chunk. */
  chunks: Chunk[];
}

export interface RunPlan {
  /** The input's row numbers in the order the runs take them; null: the input's own order. */
  order: Int32Array | null;
  runs: Run[];
}

export function planRuns(request: Pick<NormalizedRequest, 'input' | 'partitionBy' | 'orderBy' | 'rowsPerRead'>): RunPlan {
  const input = request.input;
  const rowCount = input?.rowCount ?? 0;
  if (!input || rowCount === 0 || (request.partitionBy.length === 0 && request.orderBy.length === 0)) {
    return { order: null, runs: [{ chunks: chunks(0, rowCount, request.rowsPerRead) }] };
  }
  const compareAt = (by: number[]) => (a: number, b: number) => {
    for (const c of by) {
      const d = compareValues(valueAt(input.values[c]!, a), valueAt(input.values[c]!, b));
      if (d !== 0) return d;
    }
    return 0;
  };
  const all = Array.from({ length: rowCount }, (_, r) => r);
  const groups = request.partitionBy.length > 0 ? partitions(all, request.partitionBy, input.values).sort((a, b) => compareAt(request.partitionBy)(a[0]!, b[0]!)) : [all];
  const byOrder = compareAt(request.orderBy);
  const order = new Int32Array(rowCount);
  const runs: Run[] = [];
  let at = 0;
  for (const group of groups) {
    if (request.orderBy.length > 0) group.sort((a, b) => byOrder(a, b) || a - b);
    order.set(group, at);
    runs.push({ chunks: chunks(at, group.length, request.rowsPerRead) });
    at += group.length;
  }
  return { order, runs };
}

function chunks(start: number, count: number, size: number | undefined): Chunk[] {
  if (!size || count <= size) return [{ start, count }];
  const out: Chunk[] = [];
  for (let k = 0; k < count; k += size) out.push({ start: start + k, count: Math.min(size, count - k) });
  return out;
}

/** Row numbers grouped by their partition key, each group in input order. */
function partitions(rows: number[], by: number[], values: readonly ColumnValues[]): number[][] {
  const groups = new Map<string, number[]>();
  for (const r of rows) {
    const key = by.map((c) => keyPart(valueAt(values[c]!, r))).join('\u0001');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(r);
  }
  return [...groups.values()];
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
