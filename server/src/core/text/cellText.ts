// How a value of a result set reads as text, as SQL Server's tools show it: NULL, bit as 1/0,
// float and real to 15 significant digits (1.462, not 1.4620000000000002), binary as 0x… (the wire
// sends it as that text already; an engine value may still be { hex }), a date column's values as
// yyyy-mm-dd (the wire sends every date and time as 'yyyy-mm-dd hh:mm:ss.mmm'), a smalldatetime
// without fractional seconds and a datetime2(n) or time(n) with n digits of them, a decimal(p,s)
// with its s digits (1.10) and money with two to four (2.00, 1.2345). Shared by `sqlml run`'s
// tables, the editor's results grid and its exports, so all show the same thing.

/** A date and time at midnight as the wire writes it. */
const MIDNIGHT = /^\d{4}-\d{2}-\d{2} 00:00:00\.000$/;
/** A time of day, alone or after a date, with its fractional seconds when it has any. */
const CLOCK = /^((?:\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/;
/** decimal(p,s) and numeric(p,s), as result sets name them: s is the number of decimals shown. */
const DECIMAL = /^(?:decimal|numeric)\(\d+,\s*(\d+)\)$/i;
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
  if (typeof value === 'number') {
    if (/^(float|real)\b/i.test(type)) return String(Number(value.toPrecision(15)));
    const decimal = DECIMAL.exec(type);
    if (decimal) return withDecimals(value, Number(decimal[1]), Number(decimal[1]));
    if (/^(small)?money$/i.test(type)) return withDecimals(value, 2, 4);
    return String(value);
  }
  if (typeof value === 'object' && 'hex' in value) return `0x${String((value as { hex: string }).hex).toUpperCase()}`;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** '… hh:mm:ss' with `digits` fractional digits (the wire's milliseconds padded or cut); anything else as it is. */
function withFraction(value: string, digits: number): string {
  const clock = CLOCK.exec(value);
  if (!clock) return value;
  return digits === 0 ? clock[1]! : `${clock[1]}.${(clock[2] ?? '').padEnd(digits, '0').slice(0, digits)}`;
}

/**
 * A decimal or money value with at least `min` and at most `max` decimals: the number's shortest
 * text (the double nearest the stored decimal reads back as that decimal up to 15 digits) padded
 * with zeros, as SQL Server's tools write 1.10 for decimal(10,2) and 2.00 for money. A number too
 * small or too large for plain digits keeps its exponent.
 */
function withDecimals(value: number, min: number, max: number): string {
  let text = String(value);
  if (/e/i.test(text)) {
    if (Math.abs(value) >= 1e21) return text;
    text = value.toFixed(max);
  }
  const dot = text.indexOf('.');
  const whole = dot < 0 ? text : text.slice(0, dot);
  const fraction = dot < 0 ? '' : text.slice(dot + 1, dot + 1 + max);
  const shown = fraction.length >= min ? fraction.replace(/0+$/, '').padEnd(min, '0') : fraction.padEnd(min, '0');
  return shown === '' ? whole : `${whole}.${shown}`;
}
