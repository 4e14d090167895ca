// DuckDB values to the executor's SQL values and back. Dates and times travel as JavaScript Dates
// whose UTC fields are the stored value (DuckDB TIMESTAMP has no time zone, nor has T-SQL's
// datetime), with their microseconds when they have some (microsDate.ts); decimals as numbers, as
// the data exchange with the runtimes carries them, or as their exact text past a double's 15 digits.
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
  if (value instanceof DuckDBDecimalValue) return decimalValue(value);
  if (value instanceof DuckDBBlobValue) return new Uint8Array(value.bytes);
  if (value instanceof DuckDBTimestampValue) return dateOf(value.micros, 1000n);
  if (value instanceof DuckDBTimestampMillisecondsValue) return new Date(Number(value.millis));
  if (value instanceof DuckDBTimestampSecondsValue) return new Date(Number(value.seconds) * 1000);
  if (value instanceof DuckDBTimestampNanosecondsValue) return dateOf(value.nanos, 1_000_000n);
  if (value instanceof DuckDBDateValue) return new Date(value.days * MS_PER_DAY);
  if (value instanceof DuckDBUUIDValue) return value.toString().toUpperCase();
  return String(value);
}

/** Decimals of up to 15 significant digits read back from the nearest double as the same digits (DBL_DIG). */
const EXACT_IN_DOUBLE = 10n ** 15n;

/**
 * A decimal as a number when a double holds it exactly, else as its exact text
 * ('19999999999999999.98'): a SUM of money must not come back rounded to 20000000000000000.00.
 * The text converts back exactly wherever a decimal is expected (a parameter is cast to its type,
 * TDS scales text exactly), and to the nearest double where a double is (the scripts' data).
 */
function decimalValue(value: DuckDBDecimalValue): number | string {
  let digits = value.value < 0n ? -value.value : value.value;
  if (digits < EXACT_IN_DOUBLE) return value.toDouble();
  // The zeros a scale adds are no digits of the value: 100.0000000000000 is a decimal(21,13)'s 100.
  for (let scale = value.scale; scale > 0 && digits % 10n === 0n; scale--) digits /= 10n;
  return digits < EXACT_IN_DOUBLE ? value.toDouble() : value.toString();
}

export function toDuckdb(value: SqlValue): DuckDBValue {
  if (value instanceof Uint8Array) return blobValue(value);
  if (value instanceof Date) return timestampValue(BigInt(value.getTime()) * 1000n + BigInt(microsPastMillisecond(value)));
  return value;
}
