// What `mssql` (tedious) hands over for a column, in the shape the instance's own protocol uses:
// the T-SQL type name as SQL Server spells it (its values: resultSetBuilder.ts).
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
