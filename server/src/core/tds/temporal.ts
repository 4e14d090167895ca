// Dates and times as TDS counts them. The executor's dates are JavaScript Dates whose UTC fields
// are the stored value (T-SQL's datetime has no time zone), with their microseconds when they
// have some (microsDate.ts); time values may also be 'hh:mm:ss.f'.
import { microsPastMillisecond } from '../results/microsDate';

export const MS_PER_DAY = 86_400_000;
/** Days from 0001-01-01 (date, datetime2) and from 1900-01-01 (datetime) to 1970-01-01. */
export const DAYS_FROM_0001 = 719_162;
export const DAYS_FROM_1900 = 25_567;

/** 100-nanosecond ticks since midnight of a time value (a Date's time of day, or 'hh:mm:ss[.fffffff]'). */
export function ticksOfDay(value: Date | string): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    return (ms - Math.floor(ms / MS_PER_DAY) * MS_PER_DAY) * 10_000 + microsPastMillisecond(value) * 10;
  }
  const m = /^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7})\d*)?)?/.exec(value);
  if (!m) return 0;
  const fraction = Number((m[4] ?? '').padEnd(7, '0'));
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 10_000_000 + fraction;
}

/** Days since 1970-01-01 of a date value (a Date, or 'yyyy-mm-dd...'). */
export function epochDays(value: Date | string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(`${value.slice(0, 10)}T00:00:00Z`);
  return Math.floor(ms / MS_PER_DAY);
}

/** Bytes of a time(n) value: 3 for n <= 2, 4 for n <= 4, else 5. */
export function timeLength(scale: number): number {
  return scale <= 2 ? 3 : scale <= 4 ? 4 : 5;
}
