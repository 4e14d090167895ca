// DuckDB values to the executor's SQL values and back. Dates and times travel as JavaScript Dates
// whose UTC fields are the stored value (DuckDB TIMESTAMP has no time zone, nor has T-SQL's
// datetime), with their microseconds when they have some (microsDate.ts); decimals as numbers, as
// the data exchange with the runtimes carries them.
import {
  blobValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampValue,
  DuckDBUUIDValue,
  timestampValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { SqlValue } from '../../core/engine/executor/ports';
import { dateWithMicros, microsPastMillisecond } from '../../core/results/microsDate';

export const MS_PER_DAY = 86_400_000;

/** DuckDB's vector size: the most rows one data chunk holds. */
export const CHUNK_ROWS = 2048;

/**
 * The whole milliseconds of a timestamp counted in `perMs`ths of one: the instant at or before
 * it, as a Date's getTime() is (BigInt division cuts toward zero, which made
 * 1969-12-31 23:59:59.999999 read 1970-01-01 00:00:00.000).
 */
export function floorMillis(units: bigint, perMs: bigint): number {
  const ms = units / perMs;
  return Number(units % perMs < 0n ? ms - 1n : ms);
}

/** The Date of a timestamp counted in `perMs`ths of a millisecond: its millisecond, and the whole microseconds past it. */
function dateOf(units: bigint, perMs: bigint): Date {
  const ms = floorMillis(units, perMs);
  return dateWithMicros(ms, Number(((units - BigInt(ms) * perMs) * 1000n) / perMs));
}

export function fromDuckdb(value: DuckDBValue): SqlValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint') return value;
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBBlobValue) return new Uint8Array(value.bytes);
  if (value instanceof DuckDBTimestampValue) return dateOf(value.micros, 1000n);
  if (value instanceof DuckDBTimestampMillisecondsValue) return new Date(Number(value.millis));
  if (value instanceof DuckDBTimestampSecondsValue) return new Date(Number(value.seconds) * 1000);
  if (value instanceof DuckDBTimestampNanosecondsValue) return dateOf(value.nanos, 1_000_000n);
  if (value instanceof DuckDBDateValue) return new Date(value.days * MS_PER_DAY);
  if (value instanceof DuckDBUUIDValue) return value.toString().toUpperCase();
  return String(value);
}

export function toDuckdb(value: SqlValue): DuckDBValue {
  if (value instanceof Uint8Array) return blobValue(value);
  if (value instanceof Date) return timestampValue(BigInt(value.getTime()) * 1000n + BigInt(microsPastMillisecond(value)));
  return value;
}
