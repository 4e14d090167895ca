// T-SQL column types as sp_columns describes them to ODBC's SQLColumns. SQL Server 2019's
// sp_columns (newer Microsoft drivers call sp_columns_100 instead; FreeTDS calls this one) answers
// ODBC 2 and ODBC 3 callers with the types an ODBC 2 driver knows: date, time, datetime2 and
// datetimeoffset as nvarchar (SQL_WVARCHAR, -9: their text form), varchar(max) as text,
// nvarchar(max) as ntext, varbinary(max) as image. ODBC 3 changes only the datetime codes
// (SQL_TYPE_TIMESTAMP 93 with SQL_DATETIME 9 and SQL_CODE_TIMESTAMP 3, for SQL_TIMESTAMP 11).
import type { SqlType } from '../translate/types';
import { columnTypeFacts } from './catalogTypes';

export interface OdbcColumn {
  dataType: number;
  typeName: string;
  precision: number;
  length: number;
  scale: number | null;
  radix: number | null;
  sqlDataType: number;
  sqlDatetimeSub: number | null;
  charOctetLength: number | null;
  /** The legacy storage type (syscolumns.type), which differs for nullable columns; null where nullability is unknown and matters. */
  ssDataType: number | null;
}

interface Described {
  dataType: number;
  typeName?: string;
  precision: number;
  length: number;
  scale?: number;
  radix?: number;
  octets?: boolean;
  /** Legacy storage types: NOT NULL, then nullable. */
  ss: [number, number];
}

const LONG_TEXT = 2147483647;
const LONG_NTEXT = 1073741823;

function described(t: SqlType): Described | null {
  const max = t.length === 'max';
  const n = typeof t.length === 'number' ? t.length : 1;
  // A nullable integer is stored as intn (38); bigint's legacy type is numeric's (63, nullable 108).
  const integer = (dataType: number, precision: number, length: number, ss: [number, number]): Described => ({ dataType, precision, length, scale: 0, radix: 10, ss });
  switch (t.name) {
    case 'bit':
      return { dataType: -7, precision: 1, length: 1, ss: [50, 50] };
    case 'tinyint':
      return integer(-6, 3, 1, [48, 38]);
    case 'smallint':
      return integer(5, 5, 2, [52, 38]);
    case 'int':
      return integer(4, 10, 4, [56, 38]);
    case 'bigint':
      return integer(-5, 19, 8, [63, 108]);
    case 'decimal':
    case 'numeric': {
      const precision = t.precision ?? 18;
      return { dataType: t.name === 'decimal' ? 3 : 2, precision, length: precision + 2, scale: t.scale ?? 0, radix: 10, ss: t.name === 'decimal' ? [55, 106] : [63, 108] };
    }
    case 'money':
      return { dataType: 3, precision: 19, length: 21, scale: 4, radix: 10, ss: [60, 110] };
    case 'smallmoney':
      return { dataType: 3, precision: 10, length: 12, scale: 4, radix: 10, ss: [122, 110] };
    // Precision in decimal digits, as the ODBC 2 catalog gave it.
    case 'float':
      return { dataType: 6, precision: 15, length: 8, radix: 10, ss: [62, 109] };
    case 'real':
      return { dataType: 7, precision: 7, length: 4, radix: 10, ss: [59, 109] };
    case 'datetime':
      return { dataType: 11, precision: 23, length: 16, scale: 3, ss: [61, 111] };
    case 'smalldatetime':
      return { dataType: 11, precision: 16, length: 16, scale: 0, ss: [58, 111] };
    case 'char':
      return { dataType: 1, precision: n, length: n, octets: true, ss: [47, 39] };
    case 'nchar':
      return { dataType: -8, precision: n, length: 2 * n, octets: true, ss: [47, 39] };
    case 'binary':
      return { dataType: -2, precision: n, length: n, octets: true, ss: [45, 37] };
    case 'varchar':
      return max ? described({ name: 'text' }) : { dataType: 12, precision: n, length: n, octets: true, ss: [39, 39] };
    case 'nvarchar':
      return max ? described({ name: 'ntext' }) : { dataType: -9, precision: n, length: 2 * n, octets: true, ss: [39, 39] };
    case 'varbinary':
      return max ? described({ name: 'image' }) : { dataType: -3, precision: n, length: n, octets: true, ss: [37, 37] };
    case 'text':
      return { dataType: -1, typeName: 'text', precision: LONG_TEXT, length: LONG_TEXT, octets: true, ss: [35, 35] };
    case 'ntext':
      return { dataType: -10, typeName: 'ntext', precision: LONG_NTEXT, length: 2 * LONG_NTEXT, octets: true, ss: [35, 35] };
    case 'image':
      return { dataType: -4, typeName: 'image', precision: LONG_TEXT, length: LONG_TEXT, octets: true, ss: [34, 34] };
    case 'uniqueidentifier':
      return { dataType: -11, precision: 36, length: 16, ss: [37, 37] };
    case 'date':
    case 'time':
    case 'datetime2':
    case 'datetimeoffset': {
      // As text (yyyy-mm-dd, hh:mm:ss[.fffffff], both, and the offset): its characters, two bytes each.
      const characters = columnTypeFacts(t)!.precision;
      return { dataType: -9, precision: characters, length: 2 * characters, octets: true, ss: [0, 0] };
    }
    default:
      return null;
  }
}

/** null for a type sp_columns has no row for. */
export function odbcColumn(t: SqlType, identity: boolean, nullable: boolean | null, odbcVersion: 2 | 3): OdbcColumn | null {
  const d = described(t);
  if (!d) return null;
  const timestamp = d.dataType === 11 && odbcVersion === 3;
  const name = d.typeName ?? t.name;
  return {
    dataType: timestamp ? 93 : d.dataType,
    typeName: identity ? `${name}${name === 'decimal' || name === 'numeric' ? '()' : ''} identity` : name,
    precision: d.precision,
    length: d.length,
    scale: d.scale ?? null,
    radix: d.radix ?? null,
    sqlDataType: timestamp ? 9 : d.dataType,
    sqlDatetimeSub: timestamp ? 3 : null,
    charOctetLength: d.octets ? d.length : null,
    ssDataType: d.ss[0] === d.ss[1] ? d.ss[0] : nullable === null ? null : d.ss[nullable ? 1 : 0],
  };
}
