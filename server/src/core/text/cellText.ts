// How a value of a result set reads as text, as SQL Server's tools show it: NULL, bit as 1/0,
// float and real to 15 significant digits (1.462, not 1.4620000000000002), binary as 0x… (the wire
// sends it as that text already; an engine value may still be { hex }). Shared by `sqlml run`'s
// tables and the editor's results grid, so both show the same thing.

export function cellText(value: unknown, type = ''): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return /^(float|real)\b/i.test(type) ? String(Number(value.toPrecision(15))) : String(value);
  if (typeof value === 'object' && 'hex' in value) return `0x${String((value as { hex: string }).hex).toUpperCase()}`;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
