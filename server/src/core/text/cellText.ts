// How a value of a result set reads as text, as SQL Server's tools show it: NULL, bit as 1/0,
// float and real to 15 significant digits (1.462, not 1.4620000000000002), binary as 0x… (the wire
// sends it as that text already; an engine value may still be { hex }), a date column's values as
// yyyy-mm-dd (the wire sends every date and time as 'yyyy-mm-dd hh:mm:ss.mmm'), a smalldatetime
// without fractional seconds and a datetime2(n) or time(n) with n digits of them. Shared by
// `sqlml run`'s tables and the editor's results grid, so both show the same thing.

/** A date and time at midnight as the wire writes it. */
const MIDNIGHT = /^\d{4}-\d{2}-\d{2} 00:00:00\.000$/;
/** A time of day, alone or after a date, with its fractional seconds when it has any. */
const CLOCK = /^((?:\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/;
/** The types whose values show a set number of fractional digits: datetime2(n), time(n), smalldatetime. */
const SCALED = /^(?:(datetime2|time)(?:\((\d)\))?|smalldatetime)$/i;

export function cellText(value: unknown, type = ''): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') {
    if (/^date$/i.test(type)) return MIDNIGHT.test(value) ? value.slice(0, 10) : value;
    const scaled = SCALED.exec(type);
    return scaled ? withFraction(value, scaled[1] ? Number(scaled[2] ?? 7) : 0) : value;
  }
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return /^(float|real)\b/i.test(type) ? String(Number(value.toPrecision(15))) : String(value);
  if (typeof value === 'object' && 'hex' in value) return `0x${String((value as { hex: string }).hex).toUpperCase()}`;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** '… hh:mm:ss' with `digits` fractional digits (the wire's milliseconds padded or cut); anything else as it is. */
function withFraction(value: string, digits: number): string {
  const clock = CLOCK.exec(value);
  if (!clock) return value;
  return digits === 0 ? clock[1]! : `${clock[1]}.${(clock[2] ?? '').padEnd(digits, '0').slice(0, digits)}`;
}
