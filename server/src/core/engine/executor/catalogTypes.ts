// T-SQL types as SQL Server's catalog describes them: the rows of sys.types, and what sys.columns
// says of a column's type (type ids, bytes stored, precision, scale, collation). The figures are
// SQL Server 2019's.
import { decimalLength } from '../../tds/columnTypes';
import { timeLength } from '../../tds/temporal';
import { isString, isUnicode, type SqlType } from '../translate/types';
import { COLLATION } from './systemVariables';

export interface SystemType {
  name: string;
  systemTypeId: number;
  userTypeId: number;
  maxLength: number;
  precision: number;
  scale: number;
  /** Character types: they carry the instance's collation. */
  collatable: boolean;
  nullable: boolean;
}

const type = (name: string, systemTypeId: number, maxLength: number, precision: number, scale: number, collatable = false): SystemType => ({
  name,
  systemTypeId,
  userTypeId: systemTypeId,
  maxLength,
  precision,
  scale,
  collatable,
  nullable: true,
});

/** By name: the types a column here can have, plus datetimeoffset, which only an expression can have (SYSDATETIMEOFFSET()). */
const TYPES: ReadonlyMap<string, SystemType> = new Map(
  [
    type('bigint', 127, 8, 19, 0),
    type('binary', 173, 8000, 0, 0),
    type('bit', 104, 1, 1, 0),
    type('char', 175, 8000, 0, 0, true),
    type('date', 40, 3, 10, 0),
    type('datetime', 61, 8, 23, 3),
    type('datetime2', 42, 8, 27, 7),
    type('datetimeoffset', 43, 10, 34, 7),
    type('decimal', 106, 17, 38, 38),
    type('float', 62, 8, 53, 0),
    type('image', 34, 16, 0, 0),
    type('int', 56, 4, 10, 0),
    type('money', 60, 8, 19, 4),
    type('nchar', 239, 8000, 0, 0, true),
    type('ntext', 99, 16, 0, 0, true),
    type('numeric', 108, 17, 38, 38),
    type('nvarchar', 231, 8000, 0, 0, true),
    type('real', 59, 4, 24, 0),
    type('smalldatetime', 58, 4, 16, 0),
    type('smallint', 52, 2, 5, 0),
    type('smallmoney', 122, 4, 10, 4),
    { ...type('sysname', 231, 256, 0, 0, true), userTypeId: 256, nullable: false },
    type('text', 35, 16, 0, 0, true),
    type('time', 41, 5, 16, 7),
    type('tinyint', 48, 1, 3, 0),
    type('uniqueidentifier', 36, 16, 0, 0),
    type('varbinary', 165, 8000, 0, 0),
    type('varchar', 167, 8000, 0, 0, true),
  ].map((t) => [t.name, t]),
);

/** sys.types: the types a column or variable can be declared with, in name order (datetimeoffset cannot be declared here). */
export const SYSTEM_TYPES: readonly SystemType[] = [...TYPES.values()].filter((t) => t.name !== 'datetimeoffset');

export function systemType(name: string): SystemType | undefined {
  return TYPES.get(name);
}

/** What sys.columns says of a column of this type. */
export interface ColumnTypeFacts {
  systemTypeId: number;
  userTypeId: number;
  /** Bytes; -1 for (max). */
  maxLength: number;
  precision: number;
  scale: number;
  collation: string | null;
}

/** Characters the text form of a time-of-day with this many fractional digits takes (hh:mm:ss[.f…]). */
function timeDigits(scale: number): number {
  return scale === 0 ? 8 : 9 + scale;
}

/** null for a type the catalog has no row for. */
export function columnTypeFacts(t: SqlType): ColumnTypeFacts | null {
  const base = TYPES.get(t.name);
  if (!base) return null;
  const facts: ColumnTypeFacts = {
    systemTypeId: base.systemTypeId,
    userTypeId: base.userTypeId,
    maxLength: base.maxLength,
    precision: base.precision,
    scale: base.scale,
    collation: isString(t) ? (t.collation?.name ?? COLLATION) : null,
  };
  if (t.length !== undefined) facts.maxLength = t.length === 'max' ? -1 : isUnicode(t) ? 2 * t.length : t.length;
  if (t.name === 'decimal' || t.name === 'numeric') {
    facts.precision = t.precision ?? 18;
    facts.scale = t.scale ?? 0;
    // The bytes stored, which TDS sends as well.
    facts.maxLength = decimalLength(facts.precision);
  }
  if (t.name === 'time' || t.name === 'datetime2' || t.name === 'datetimeoffset') {
    const scale = t.scale ?? 7;
    facts.scale = scale;
    // time is the time of day; datetime2 adds the date (yyyy-mm-dd and a space); datetimeoffset the offset too.
    facts.precision = timeDigits(scale) + (t.name === 'time' ? 0 : t.name === 'datetime2' ? 11 : 18);
    // The time of day takes as many bytes as a time(scale) value; datetime2 adds the date, datetimeoffset the offset too.
    facts.maxLength = timeLength(scale) + (t.name === 'time' ? 0 : t.name === 'datetime2' ? 3 : 5);
  }
  return facts;
}
