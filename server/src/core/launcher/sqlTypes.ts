// SQL types as the data exchange with the satellites sees them. Each supported SQL type travels
// as one exchange kind; the satellites turn kinds into the Python and R types of
// mlservices-facts.md §1.5 (bigint → float64/numeric, smallint → int32/integer, …).
import { UNSUPPORTED_TYPES } from '../scriptCall/paramsDeclaration';

/**
 * f8: IEEE double; i4: 32-bit integer; i8: 64-bit integer (outputs only: pandas int64);
 * b1: bit; str: UTF-8 text; dt: date/time as milliseconds since 1970 UTC; bin: bytes.
 */
export type ExchangeKind = 'f8' | 'i4' | 'i8' | 'b1' | 'str' | 'dt' | 'bin';

const KIND_OF_BASE: Readonly<Record<string, ExchangeKind>> = {
  bigint: 'f8',
  float: 'f8',
  real: 'f8',
  decimal: 'f8',
  numeric: 'f8',
  money: 'f8',
  smallmoney: 'f8',
  int: 'i4',
  smallint: 'i4',
  tinyint: 'i4',
  bit: 'b1',
  char: 'str',
  varchar: 'str',
  nchar: 'str',
  nvarchar: 'str',
  sysname: 'str',
  uniqueidentifier: 'str',
  date: 'dt',
  datetime: 'dt',
  smalldatetime: 'dt',
  binary: 'bin',
  varbinary: 'bin',
};

/** The SQL type names the exchange accepts, for error messages. */
export const SUPPORTED_TYPE_NAMES = Object.keys(KIND_OF_BASE).join(', ');

export interface SqlType {
  /** As written, normalised: 'nvarchar(50)', 'decimal(10,2)'. */
  text: string;
  /** 'nvarchar', 'decimal'. */
  base: string;
  kind: ExchangeKind;
}

export type SqlTypeResult = { ok: true; type: SqlType } | { ok: false; reason: string };

/** Parses 'NVARCHAR ( 50 )', '[int]', 'sys.int' into the exchange kind, or says why it cannot travel. */
export function parseSqlType(written: string): SqlTypeResult {
  const text = written.toLowerCase().replace(/[\s[\]"]/g, '').replace(/^sys\./, '');
  const match = /^([a-z_][a-z0-9_]*)(\((max|\d+)(,\d+)?\))?$/.exec(text);
  if (!match) return { ok: false, reason: `'${written}' is not a data type.` };
  const base = match[1]!;
  const kind = KIND_OF_BASE[base];
  if (!kind) {
    const why = UNSUPPORTED_TYPES.has(base) ? 'cannot be sent to an external script' : 'is not a type the external runtimes know';
    return { ok: false, reason: `The data type ${base} ${why}. Supported types: ${SUPPORTED_TYPE_NAMES}.` };
  }
  return { ok: true, type: { text, base, kind } };
}
