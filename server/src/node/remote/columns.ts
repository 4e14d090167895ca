// What `mssql` (tedious) hands over for a column and a value, in the shapes the instance's own
// protocol uses: the T-SQL type name as SQL Server spells it, and JSON-friendly values.
import type { WireColumn } from '../instance/protocol';

/** The parts of mssql's column metadata used here. */
export interface MssqlColumn {
  name: string;
  length?: number;
  precision?: number;
  scale?: number;
  type?: { declaration?: string };
}

const SIZED = new Set(['char', 'varchar', 'binary', 'varbinary']);
const SIZED_UNICODE = new Set(['nchar', 'nvarchar']);
const SCALED_TIME = new Set(['time', 'datetime2', 'datetimeoffset']);

export function columnOf(column: MssqlColumn): WireColumn {
  const base = column.type?.declaration ?? 'sql_variant';
  return { name: column.name, type: typeName(base, column) };
}

function typeName(base: string, c: MssqlColumn): string {
  const length = c.length ?? 0;
  // TDS sends (max) and the LOB types as a length of 0xFFFF or more.
  const max = length >= 0xffff || length <= 0;
  if (SIZED.has(base)) return `${base}(${max ? 'max' : length})`;
  if (SIZED_UNICODE.has(base)) return `${base}(${max ? 'max' : length / 2})`;
  if (base === 'decimal' || base === 'numeric') return `${base}(${c.precision ?? 18},${c.scale ?? 0})`;
  if (SCALED_TIME.has(base) && c.scale !== undefined) return `${base}(${c.scale})`;
  return base;
}

/** A value as JSON carries it: dates as ISO text, binary as 0x hex, 64-bit integers as tedious gives them (text). */
export function valueOf(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `0x${value.toString('hex').toUpperCase()}`;
  return value;
}
