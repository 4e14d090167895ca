// T-SQL data types: what a column, variable or expression is in SQL Server's terms (reported as
// result set metadata), SQL Server's type precedence and result-type rules, and the DuckDB type
// that stores each one.
import type { DataType } from '../ast';
import { notSupported, sqlError, type SqlError } from '../parser/errors';

export interface SqlType {
  /** Lower-case base name: 'int', 'nvarchar', 'decimal', 'datetime2'. */
  name: string;
  /** char, varchar, nchar, nvarchar, binary, varbinary. */
  length?: number | 'max';
  /** decimal and numeric. */
  precision?: number;
  /** decimal and numeric; the fractional-second digits of datetime2 and time. */
  scale?: number;
  /** Strings: a collation written with COLLATE on the value or its column (absent: the default, case-insensitive). */
  collation?: Collation;
}

/** A SQL Server collation as the DuckDB collation that honours it. */
export interface Collation {
  /** As written, for messages. */
  name: string;
  /** `NOCASE`, `NOCASE.NOACCENT`, `en_us`, `icu_noaccent`, `C`. */
  duckdb: string;
  /** Written on the expression (COLLATE after a value) rather than on a column: it wins over a column's. */
  explicit: boolean;
}

const STRING = new Set(['char', 'varchar', 'nchar', 'nvarchar', 'text', 'ntext']);
const UNICODE = new Set(['nchar', 'nvarchar', 'ntext']);
const INTEGER = new Set(['tinyint', 'smallint', 'int', 'bigint']);
const EXACT = new Set(['decimal', 'numeric', 'money', 'smallmoney']);
const APPROXIMATE = new Set(['float', 'real']);
// datetimeoffset only as SYSDATETIMEOFFSET's result (declaring one is refused): a UTC timestamp, offset +00:00.
const DATETIME = new Set(['date', 'time', 'datetime', 'datetime2', 'smalldatetime', 'datetimeoffset']);
const BINARY = new Set(['binary', 'varbinary', 'image']);

export const isString = (t: SqlType): boolean => STRING.has(t.name);
export const isUnicode = (t: SqlType): boolean => UNICODE.has(t.name);
export const isInteger = (t: SqlType): boolean => INTEGER.has(t.name);
export const isExact = (t: SqlType): boolean => EXACT.has(t.name);
export const isApproximate = (t: SqlType): boolean => APPROXIMATE.has(t.name);
/** Integer, exact and approximate numbers (not bit). */
export const isNumber = (t: SqlType): boolean => isInteger(t) || isExact(t) || isApproximate(t);
export const isDateTime = (t: SqlType): boolean => DATETIME.has(t.name);
export const isBinary = (t: SqlType): boolean => BINARY.has(t.name);
export const isBit = (t: SqlType): boolean => t.name === 'bit';

export const INT: SqlType = { name: 'int' };
export const BIGINT: SqlType = { name: 'bigint' };
export const BIT: SqlType = { name: 'bit' };
export const FLOAT: SqlType = { name: 'float' };
export const DATETIME_TYPE: SqlType = { name: 'datetime' };
export const DATE_TYPE: SqlType = { name: 'date' };
export const UNIQUEIDENTIFIER: SqlType = { name: 'uniqueidentifier' };

export const varchar = (length: number | 'max'): SqlType => ({ name: 'varchar', length });
export const nvarchar = (length: number | 'max'): SqlType => ({ name: 'nvarchar', length });
export const decimal = (precision: number, scale: number): SqlType => ({ name: 'decimal', precision, scale });

/** 'int', 'nvarchar(50)', 'varchar(max)', 'decimal(10,2)', 'datetime2(7)'. */
export function formatSqlType(t: SqlType): string {
  if (t.length !== undefined) return `${t.name}(${t.length})`;
  if (t.name === 'decimal' || t.name === 'numeric') return `${t.name}(${t.precision ?? 18},${t.scale ?? 0})`;
  if ((t.name === 'datetime2' || t.name === 'time' || t.name === 'datetimeoffset') && t.scale !== undefined) return `${t.name}(${t.scale})`;
  return t.name;
}

const DUCKDB_TYPES: Readonly<Record<string, string>> = {
  char: 'VARCHAR',
  varchar: 'VARCHAR',
  nchar: 'VARCHAR',
  nvarchar: 'VARCHAR',
  text: 'VARCHAR',
  ntext: 'VARCHAR',
  tinyint: 'UTINYINT',
  smallint: 'SMALLINT',
  int: 'INTEGER',
  bigint: 'BIGINT',
  bit: 'BOOLEAN',
  float: 'DOUBLE',
  real: 'FLOAT',
  money: 'DECIMAL(19,4)',
  smallmoney: 'DECIMAL(10,4)',
  date: 'DATE',
  time: 'TIME',
  datetime: 'TIMESTAMP',
  datetime2: 'TIMESTAMP',
  datetimeoffset: 'TIMESTAMP',
  smalldatetime: 'TIMESTAMP',
  uniqueidentifier: 'UUID',
  binary: 'BLOB',
  varbinary: 'BLOB',
  image: 'BLOB',
};

/** The DuckDB type a T-SQL type is stored as (strings: VARCHAR; tinyint: UTINYINT, unsigned like T-SQL's). */
export function duckdbType(t: SqlType): string {
  if (t.name === 'decimal' || t.name === 'numeric') return `DECIMAL(${t.precision ?? 18},${t.scale ?? 0})`;
  return DUCKDB_TYPES[t.name] ?? 'VARCHAR';
}

/** Types SQL Server has that the embedded instance has no DuckDB form for. */
const UNSUPPORTED_TYPES = new Set(['xml', 'sql_variant', 'hierarchyid', 'geometry', 'geography', 'datetimeoffset', 'timestamp', 'cursor', 'table']);
const MAX_LENGTH: Readonly<Record<string, number>> = { char: 8000, varchar: 8000, binary: 8000, varbinary: 8000, nchar: 4000, nvarchar: 4000 };

/**
 * The T-SQL type a data type names. `context` matters for a missing length: varchar means
 * varchar(1) in a declaration and varchar(30) in CAST/CONVERT, as in SQL Server.
 */
export function sqlTypeOf(dt: DataType, context: 'declaration' | 'cast', position = 1): SqlType | SqlError {
  const schema = dt.schema?.name.toLowerCase();
  const written = `${dt.schema ? `${dt.schema.name}.` : ''}${dt.name}`;
  const unknown = () =>
    context === 'cast'
      ? sqlError(243, 16, 2, `Type ${written} is not a defined system type.`, dt.start, dt.end)
      : sqlError(2715, 16, 6, `Column, parameter, or variable #${position}: Cannot find data type ${written}.`, dt.start, dt.end);
  if (schema !== undefined && schema !== 'sys') return unknown();
  const name = dt.name;
  if (UNSUPPORTED_TYPES.has(name)) return notSupported(`The data type ${name}`, dt.start, dt.end);
  const [first, second] = dt.args;
  const badArgs = () => sqlError(2716, 16, 1, `Column, parameter, or variable #${position}: Cannot specify a column width on data type ${name}.`, dt.start, dt.end);
  if (name === 'sysname') return dt.args.length ? badArgs() : nvarchar(128);
  if (name in MAX_LENGTH) {
    if (dt.args.length > 1) return badArgs();
    const length = first ?? (context === 'cast' ? 30 : 1);
    if (length === 'max' && (name === 'char' || name === 'nchar' || name === 'binary')) return badArgs();
    if (length !== 'max' && (length < 1 || length > MAX_LENGTH[name]!)) {
      return sqlError(131, 15, 3, `The size (${length}) given to the type '${name}' exceeds the maximum allowed for any data type (${MAX_LENGTH[name]}).`, dt.start, dt.end);
    }
    return { name, length };
  }
  if (name === 'decimal' || name === 'numeric') {
    if (first === 'max' || second === 'max' || dt.args.length > 2) return badArgs();
    const precision = first ?? 18;
    const scale = second ?? 0;
    if (precision < 1 || precision > 38) {
      return sqlError(2750, 16, 1, `Column or parameter #${position}: Specified column precision ${precision} is greater than the maximum precision of 38.`, dt.start, dt.end);
    }
    if (scale > precision) return sqlError(192, 16, 1, 'The scale must be less than or equal to the precision.', dt.start, dt.end);
    return { name, precision, scale };
  }
  if (name === 'float') {
    if (first === 'max' || dt.args.length > 1) return badArgs();
    return first !== undefined && first <= 24 ? { name: 'real' } : FLOAT;
  }
  if (name === 'datetime2' || name === 'time') {
    if (first === 'max' || dt.args.length > 1 || (first !== undefined && first > 7)) return badArgs();
    return { name, scale: first ?? 7 };
  }
  if (!(name in DUCKDB_TYPES)) return unknown();
  if (dt.args.length) return badArgs();
  return { name };
}

/** SQL Server's data type precedence: a value of lower precedence converts to the higher one. */
const PRECEDENCE = [
  'binary', 'varbinary', 'char', 'varchar', 'nchar', 'nvarchar', 'uniqueidentifier', 'image', 'text', 'ntext', 'bit',
  'tinyint', 'smallint', 'int', 'bigint', 'smallmoney', 'money', 'decimal', 'numeric', 'real', 'float', 'time', 'date',
  'smalldatetime', 'datetime', 'datetime2',
];

export function precedence(t: SqlType): number {
  return PRECEDENCE.indexOf(t.name);
}

/** Integer and money types seen as decimals, for the decimal result rules. */
export function asDecimal(t: SqlType): { precision: number; scale: number } {
  switch (t.name) {
    case 'bit':
      return { precision: 1, scale: 0 };
    case 'tinyint':
      return { precision: 3, scale: 0 };
    case 'smallint':
      return { precision: 5, scale: 0 };
    case 'int':
      return { precision: 10, scale: 0 };
    case 'bigint':
      return { precision: 19, scale: 0 };
    case 'money':
      return { precision: 19, scale: 4 };
    case 'smallmoney':
      return { precision: 10, scale: 4 };
    default:
      return { precision: t.precision ?? 18, scale: t.scale ?? 0 };
  }
}

/** Over 38 digits SQL Server keeps the integral part and gives up scale, keeping at least 6 (or all, when fewer). */
function boundedDecimal(precision: number, scale: number): SqlType {
  if (precision <= 38) return decimal(precision, scale);
  const integral = precision - scale;
  return decimal(38, Math.max(38 - integral, Math.min(scale, 6)));
}

/** The collation two strings meet in, by SQL Server's precedence: explicit over a column's, over the default. */
export function meetingCollation(a: SqlType, b: SqlType): Collation | undefined {
  const x = a.collation;
  const y = b.collation;
  if (!x || !y) return x ?? y;
  return x.explicit !== y.explicit && y.explicit ? y : x;
}

/** The type both sides of a comparison, the branches of a CASE or the rows of a UNION convert to. */
export function commonType(a: SqlType, b: SqlType): SqlType {
  if (isString(a) && isString(b)) {
    const unicode = isUnicode(a) || isUnicode(b);
    const fixed = (a.name === 'char' || a.name === 'nchar') && (b.name === 'char' || b.name === 'nchar');
    const length = a.length === 'max' || b.length === 'max' || a.name.endsWith('text') || b.name.endsWith('text') ? 'max' : Math.max(Number(a.length ?? 1), Number(b.length ?? 1));
    const collation = meetingCollation(a, b);
    return { name: (unicode ? 'n' : '') + (fixed && length !== 'max' ? 'char' : 'varchar'), length, ...(collation ? { collation } : {}) };
  }
  if (isBinary(a) && isBinary(b)) {
    const length = a.length === 'max' || b.length === 'max' || a.name === 'image' || b.name === 'image' ? 'max' : Math.max(Number(a.length ?? 1), Number(b.length ?? 1));
    return { name: 'varbinary', length };
  }
  const higher = precedence(a) >= precedence(b) ? a : b;
  if ((higher.name === 'decimal' || higher.name === 'numeric') && (isInteger(a) || isExact(a) || isBit(a)) && (isInteger(b) || isExact(b) || isBit(b))) {
    const x = asDecimal(a);
    const y = asDecimal(b);
    const scale = Math.max(x.scale, y.scale);
    return boundedDecimal(Math.max(x.precision - x.scale, y.precision - y.scale) + scale, scale);
  }
  return higher;
}

/** The length of two strings or binaries joined by +: both lengths, up to the type's cap, or max. */
function joinedLength(a: SqlType, b: SqlType, cap: number): number | 'max' {
  return a.length === 'max' || b.length === 'max' ? 'max' : Math.min(Number(a.length ?? 1) + Number(b.length ?? 1), cap);
}

export type ArithmeticResult = { ok: true; type: SqlType; concatenate: boolean } | { ok: false; message: string; number: number };

const OPERATOR_NAMES: Readonly<Record<string, string>> = {
  '+': 'add',
  '-': 'subtract',
  '*': 'multiply',
  '/': 'divide',
  '%': 'modulo',
  '&': 'boolean AND',
  '|': 'boolean OR',
  '^': 'boolean XOR',
};

/**
 * The result of `a op b` by SQL Server's rules: `+` of two strings concatenates; otherwise the
 * operand of lower precedence converts to the higher type; decimals follow the documented
 * precision and scale formulas; bitwise operators take integers only.
 */
export function arithmeticType(op: string, a: SqlType, b: SqlType): ArithmeticResult {
  const invalid = (t: SqlType): ArithmeticResult => ({ ok: false, number: 8117, message: `Operand data type ${t.name} is invalid for ${OPERATOR_NAMES[op]} operator.` });
  if (op === '+' && isString(a) && isString(b)) {
    const unicode = isUnicode(a) || isUnicode(b);
    return { ok: true, type: { name: unicode ? 'nvarchar' : 'varchar', length: joinedLength(a, b, unicode ? 4000 : 8000) }, concatenate: true };
  }
  // 0x01 + 0x02 is 0x0102.
  if (op === '+' && isBinary(a) && isBinary(b)) return { ok: true, type: { name: 'varbinary', length: joinedLength(a, b, 8000) }, concatenate: true };
  // Binary meeting an integer is read as one (big-endian, conversions.ts): 0x01 + 1 is 2.
  if (isBinary(a) !== isBinary(b) && isInteger(isBinary(a) ? b : a) && '+-*/%'.includes(op)) {
    return { ok: true, type: isBinary(a) ? b : a, concatenate: false };
  }
  if (op === '&' || op === '|' || op === '^') {
    for (const t of [a, b]) if (!isInteger(t) && !isBit(t) && !isString(t)) return invalid(t);
    const type = commonType(a, b);
    return isInteger(type) || isBit(type) ? { ok: true, type, concatenate: false } : invalid(isInteger(a) || isBit(a) ? b : a);
  }
  const type = commonType(a, b);
  if (isDateTime(type)) {
    // datetime ± number adds days; other date/time arithmetic has no T-SQL meaning.
    const other = type === a ? b : a;
    if ((op === '+' || op === '-') && (type.name === 'datetime' || type.name === 'smalldatetime') && (isNumber(other) || isBit(other))) {
      return { ok: true, type, concatenate: false };
    }
    return { ok: false, number: 8117, message: `Operand data type ${type.name} is invalid for ${OPERATOR_NAMES[op]} operator.` };
  }
  for (const t of [a, b]) if (isBinary(t) || t.name === 'uniqueidentifier' || t.name === 'text' || t.name === 'ntext' || t.name === 'image') return invalid(t);
  if (isString(type)) return invalid(type);
  if (isBit(type)) return invalid(type);
  if (op === '%' && isApproximate(type)) return invalid(type);
  if (type.name === 'decimal' || type.name === 'numeric') {
    const x = asDecimal(a);
    const y = asDecimal(b);
    switch (op) {
      case '+':
      case '-': {
        const scale = Math.max(x.scale, y.scale);
        return { ok: true, type: boundedDecimal(scale + Math.max(x.precision - x.scale, y.precision - y.scale) + 1, scale), concatenate: false };
      }
      case '*':
        return { ok: true, type: boundedDecimal(x.precision + y.precision + 1, x.scale + y.scale), concatenate: false };
      case '/': {
        const scale = Math.max(6, x.scale + y.precision + 1);
        return { ok: true, type: boundedDecimal(x.precision - x.scale + y.scale + scale, scale), concatenate: false };
      }
      default: {
        const scale = Math.max(x.scale, y.scale);
        return { ok: true, type: boundedDecimal(Math.min(x.precision - x.scale, y.precision - y.scale) + scale, scale), concatenate: false };
      }
    }
  }
  return { ok: true, type, concatenate: false };
}
