// How a value of a result set reads as text, as SQL Server's tools show it: NULL, bit as 1/0,
// float and real to 15 significant digits (1.462, not 1.4620000000000002), binary as 0x… (the wire
// sends it as that text already; an engine value may still be { hex }), a date column's values as
// yyyy-mm-dd (the wire sends every date and time as 'yyyy-mm-dd hh:mm:ss.mmm'). Shared by
// `sqlml run`'s tables and the editor's results grid, so both show the same thing.

/** A date and time at midnight as the wire writes it. */
const MIDNIGHT = /^\d{4}-\d{2}-\d{2} 00:00:00\.000$/;

export function cellText(value: unknown, type = ''): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return /^date$/i.test(type) && MIDNIGHT.test(value) ? value.slice(0, 10) : value;
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return /^(float|real)\b/i.test(type) ? String(Number(value.toPrecision(15))) : String(value);
  if (typeof value === 'object' && 'hex' in value) return `0x${String((value as { hex: string }).hex).toUpperCase()}`;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
