// T-SQL type names as text ('nvarchar(50)', 'varbinary(max)', 'decimal(10,2)') to the
// translator's SqlType, for types that arrive as text: a script's result columns, @params
// declarations, WITH RESULT SETS written elsewhere.
import type { DataType } from '../ast';
import { resolveDataType } from '../translate';
import type { SqlType } from '../translate/types';

export function sqlTypeFromText(text: string): SqlType | null {
  const m = /^\s*(?:\[?sys\]?\.)?\[?([A-Za-z_][A-Za-z0-9_ ]*?)\]?\s*(?:\(\s*(max|\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/i.exec(text);
  if (!m) return null;
  const args: (number | 'max')[] = [];
  if (m[2] !== undefined) args.push(m[2].toLowerCase() === 'max' ? 'max' : Number(m[2]));
  if (m[3] !== undefined) args.push(Number(m[3]));
  const name = m[1]!.toLowerCase().replace(/\s+/g, ' ');
  const dataType: DataType = { name: name === 'integer' ? 'int' : name === 'double precision' ? 'float' : name, schema: null, args, start: 0, end: 0 };
  const resolved = resolveDataType(dataType, 'declaration');
  return resolved.ok ? resolved.value : null;
}
