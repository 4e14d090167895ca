// Result values in the JSON of the wire protocol, shown the way SQL Server's tools show them:
// binary as 0x hex, dates as 'yyyy-mm-dd hh:mm:ss.mmm', bigint as a number when it is exact.
import type { SqlValue } from '../../core/engine/executor/ports';
import { wireBigint, wireDate, type WireValue } from '../../core/results/encodedResultSets';

export type { WireValue };

export function wireValue(value: SqlValue): WireValue {
  if (typeof value === 'bigint') return wireBigint(value);
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex').toUpperCase()}`;
  if (value instanceof Date) return wireDate(value);
  return value;
}

/**
 * A row as the wire carries it. Rows of numbers, text and bits (most rows) are already that and go
 * as they are: a million result rows are not copied once more on their way out.
 */
export function wireRow(row: SqlValue[]): WireValue[] {
  for (const value of row) if (typeof value === 'bigint' || (typeof value === 'object' && value !== null)) return row.map(wireValue);
  return row as WireValue[];
}
