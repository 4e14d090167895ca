// Dates to the microsecond. The executor's dates and times are JavaScript Dates, which count whole
// milliseconds; DuckDB's timestamps (and so datetime2, SYSDATETIME()) count microseconds. A value
// with microseconds past its millisecond is a MicrosDate: still a Date (its getTime() is the
// millisecond at or before it) for everything that reads milliseconds, and the microseconds for
// what shows or stores the value exactly (the wire's text, TDS, DuckDB).

export class MicrosDate extends Date {
  constructor(
    ms: number,
    /** The microseconds past the millisecond: 1 to 999. */
    readonly micros: number,
  ) {
    super(ms);
  }
}

/** The microseconds past its millisecond a date carries (0 for a plain Date). */
export function microsPastMillisecond(date: Date): number {
  return date instanceof MicrosDate ? date.micros : 0;
}

/** A Date for `ms` and `micros` past it: a plain Date when there are none. */
export function dateWithMicros(ms: number, micros: number): Date {
  return micros === 0 ? new Date(ms) : new MicrosDate(ms, micros);
}
