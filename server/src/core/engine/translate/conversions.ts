// Conversions between T-SQL types with SQL Server's results and errors: the implicit ones of
// comparisons, arithmetic and assignment, CAST/CONVERT, and TRY_CAST/TRY_CONVERT (NULL instead
// of an error). Where DuckDB's cast differs from SQL Server's (string to int, decimal to int,
// bit, dates to strings) the SQL spells SQL Server's behaviour out.
import type { Span } from '../ast';
import type { Typed } from './context';
import { formatDateTime, parseDateTime } from './dateFormats';
import { roundedToPrecision } from './dateTimePrecision';
import { raiseSql, stop, unsupported, type MessagePart } from './errors';
import { displayTableName, quoteString } from './names';
import { bytesToString, stringToBytes } from './stringBytes';
import type { TableLocation } from './ports';
import {
  duckdbType,
  formatSqlType,
  isApproximate,
  isBinary,
  isBit,
  isDateTime,
  isExact,
  isInteger,
  isNumber,
  isString,
  type SqlType,
} from './types';

export type ConversionMode = 'implicit' | 'explicit' | 'try';

const INTEGER_RANK: Readonly<Record<string, number>> = { tinyint: 1, smallint: 2, int: 3, bigint: 4 };

/**
 * The value converted to `to`, as SQL Server converts it in `mode`. A char(n) or nchar(n) value is
 * blank-padded to n, as SQL Server stores and returns it (a longer one is cut by CAST or refused
 * by storeValue before that).
 */
export function convert(value: Typed, to: SqlType, mode: ConversionMode, span: Span, style: number | null = null): Typed {
  const converted = convertValue(value, to, mode, span, style);
  const fixed = (t: SqlType) => t.name === 'char' || t.name === 'nchar';
  const n = to.length;
  if (!fixed(to) || typeof n !== 'number' || value.nullLiteral || (fixed(value.type) && value.type.length === n)) return converted;
  const literal = converted.literal === undefined ? undefined : converted.literal.padEnd(n, ' ');
  const sql = literal !== undefined && converted.sql === quoteString(converted.literal!) ? quoteString(literal) : `rpad(${converted.sql}, CAST(greatest(length(${converted.sql}), ${n}) AS INTEGER), ' ')`;
  return { ...converted, sql, literal };
}

function convertValue(value: Typed, to: SqlType, mode: ConversionMode, span: Span, style: number | null): Typed {
  const from = value.type;
  const result = (sql: string): Typed => ({ ...value, sql, type: to, nullLiteral: false, literal: undefined });
  if (value.nullLiteral) return result(`CAST(NULL AS ${duckdbType(to)})`);
  if (value.literal !== undefined && style === null) {
    const folded = convertConstant(value.literal, to);
    if (folded !== null) return { ...result(folded), literal: isString(to) ? value.literal : undefined };
  }
  const x = value.sql;
  /** A conversion failure: SQL Server's error, or NULL for TRY_CAST. */
  const failure = (number: number, parts: MessagePart[]): string => (mode === 'try' ? 'NULL' : raiseSql(number, 16, 1, parts));
  const target = duckdbType(to);

  if (isString(to)) {
    let sql: string;
    if (isString(from)) sql = x;
    else if (isInteger(from) || isExact(from)) sql = `CAST(${x} AS VARCHAR)`;
    else if (isApproximate(from)) sql = floatToString(x, style, span);
    else if (isBit(from)) sql = `CAST(CAST(${x} AS INTEGER) AS VARCHAR)`;
    else if (isDateTime(from)) sql = formatDateTime(x, from, style, span);
    else if (from.name === 'uniqueidentifier') sql = `upper(CAST(${x} AS VARCHAR))`;
    else if (isBinary(from)) sql = binaryToString(x, to, style, span);
    else return clash(from, to, mode, span);
    // CAST to a shorter string cuts it, silently, in SQL Server.
    if (mode !== 'implicit' && typeof to.length === 'number' && !(typeof from.length === 'number' && from.length <= to.length && isString(from))) {
      sql = `left(${sql}, ${to.length})`;
    }
    return result(sql);
  }

  if (isInteger(to)) {
    if (isString(from)) {
      const text = trimmed(x);
      const notNumber = failure(245, [`Conversion failed when converting the ${from.name} value '`, { sql: x }, `' to data type ${to.name}.`]);
      const overflow = failure(248, [`The conversion of the ${from.name} value '`, { sql: x }, `' overflowed an ${to.name} column.`]);
      return result(
        `CASE WHEN ${x} IS NULL THEN NULL WHEN ${text} = '' THEN CAST(0 AS ${target}) ` +
          `WHEN NOT regexp_full_match(${text}, '[+-]?[0-9]+') THEN ${notNumber} ` +
          `ELSE coalesce(TRY_CAST(${text} AS ${target}), ${overflow}) END`,
      );
    }
    if (isBit(from)) return result(`CAST(${x} AS ${target})`);
    if (isInteger(from) && INTEGER_RANK[from.name]! <= INTEGER_RANK[to.name]!) return result(from.name === to.name ? x : `CAST(${x} AS ${target})`);
    if (isNumber(from)) {
      // Decimal and float to integer truncate in SQL Server; DuckDB would round.
      const truncated = isInteger(from) ? x : `trunc(${x})`;
      const overflow = failure(8115, [`Arithmetic overflow error converting expression to data type ${to.name}.`]);
      return result(`CASE WHEN ${x} IS NULL THEN NULL ELSE coalesce(TRY_CAST(${truncated} AS ${target}), ${overflow}) END`);
    }
    if (isBinary(from)) return result(binaryToInteger(x, to));
    return clash(from, to, mode, span);
  }

  if (isExact(to) || isApproximate(to)) {
    const kind = isExact(to) ? 'numeric' : to.name;
    if (isString(from)) {
      const text = trimmed(x);
      const empty = isApproximate(to) ? `WHEN ${text} = '' THEN CAST(0 AS ${target}) ` : '';
      const error = failure(8114, [`Error converting data type ${from.name} to ${kind}.`]);
      return result(`CASE WHEN ${x} IS NULL THEN NULL ${empty}ELSE coalesce(TRY_CAST(${text} AS ${target}), ${error}) END`);
    }
    if (isBit(from)) return result(`CAST(CAST(${x} AS INTEGER) AS ${target})`);
    if (isNumber(from)) {
      if (duckdbType(from) === target) return result(x);
      if (isApproximate(to) || integralDigits(from) <= integralDigits(to)) return result(`CAST(${x} AS ${target})`);
      const source = isInteger(from) || from.name === 'money' ? from.name : isApproximate(from) ? 'float' : 'numeric';
      const overflow = failure(8115, [`Arithmetic overflow error converting ${source} to data type ${to.name === 'money' || to.name === 'smallmoney' ? to.name : 'numeric'}.`]);
      return result(`CASE WHEN ${x} IS NULL THEN NULL ELSE coalesce(TRY_CAST(${x} AS ${target}), ${overflow}) END`);
    }
    return clash(from, to, mode, span);
  }

  if (isBit(to)) {
    if (isBit(from)) return result(x);
    if (isNumber(from)) return result(`(${x} <> 0)`);
    if (isString(from)) {
      const text = `upper(${trimmed(x)})`;
      const error = failure(245, [`Conversion failed when converting the ${from.name} value '`, { sql: x }, `' to data type bit.`]);
      return result(
        `CASE WHEN ${x} IS NULL THEN NULL WHEN ${text} = 'TRUE' THEN true WHEN ${text} = 'FALSE' THEN false ` +
          `WHEN TRY_CAST(${text} AS DOUBLE) IS NOT NULL THEN TRY_CAST(${text} AS DOUBLE) <> 0 ELSE ${error} END`,
      );
    }
    return clash(from, to, mode, span);
  }

  if (isDateTime(to)) {
    // Each type keeps its own precision: rounded as SQL Server rounds (dateTimePrecision.ts).
    const rounded = (sql: string) => result(roundedToPrecision(sql, from, to));
    if (isDateTime(from)) {
      if (from.name === 'time' && to.name !== 'time') return rounded(`CAST(DATE '1900-01-01' + ${x} AS ${target})`);
      if (from.name === 'date' && to.name === 'time') return clash(from, to, mode, span);
      return rounded(duckdbType(from) === target ? x : `CAST(${x} AS ${target})`);
    }
    if (isString(from)) {
      const parsed = to.name === 'time' ? `TRY_CAST(trim(${x}) AS TIME)` : parseDateTime(x, style, span);
      const error = failure(241, ['Conversion failed when converting date and/or time from character string.']);
      return rounded(`CASE WHEN ${x} IS NULL THEN NULL ELSE coalesce(CAST(${parsed} AS ${target}), ${error}) END`);
    }
    if ((isNumber(from) || isBit(from)) && (to.name === 'datetime' || to.name === 'smalldatetime')) {
      // A number is a count of days since 1900-01-01, the fraction a part of a day.
      if (isInteger(from) || isBit(from)) return result(`(TIMESTAMP '1900-01-01' + to_days(CAST(${x} AS INTEGER)))`);
      return rounded(`(TIMESTAMP '1900-01-01' + to_microseconds(CAST(round(${x} * 86400000000) AS BIGINT)))`);
    }
    return clash(from, to, mode, span);
  }

  if (to.name === 'uniqueidentifier') {
    if (from.name === 'uniqueidentifier') return result(x);
    if (isString(from)) {
      const error = failure(8169, ['Conversion failed when converting from a character string to uniqueidentifier.']);
      return result(`CASE WHEN ${x} IS NULL THEN NULL ELSE coalesce(TRY_CAST(trim(${x}) AS UUID), ${error}) END`);
    }
    return clash(from, to, mode, span);
  }

  if (isBinary(to)) {
    if (isBinary(from)) return result(mode === 'implicit' ? x : fitBytes(x, from, to));
    if (isString(from)) {
      const bytes = style === 1 || style === 2 ? hexToBytes(x, from, style, failure) : stringToBytes(x, from);
      return result(mode === 'implicit' ? bytes : fitBytes(bytes, null, to));
    }
    if (isInteger(from)) return result(integerToBinary(x, from, to));
    return clash(from, to, mode, span);
  }
  return clash(from, to, mode, span);
}

/**
 * CAST to binary(n) or varbinary(n) cuts the bytes to n, silently, and binary(n) pads them with
 * zeros to n, as SQL Server does; nothing to do when the source is binary that already fits.
 */
function fitBytes(x: string, from: SqlType | null, to: SqlType): string {
  if (typeof to.length !== 'number') return x;
  const known = from !== null && typeof from.length === 'number' ? from.length : null;
  if (known !== null && (to.name === 'varbinary' ? known <= to.length : from!.name === 'binary' && known === to.length)) return x;
  const digits = 2 * to.length;
  return to.name === 'binary' ? `unhex(rpad(left(hex(${x}), ${digits}), ${digits}, '0'))` : `unhex(left(hex(${x}), ${digits}))`;
}

/**
 * CONVERT(varbinary, text, 1 | 2): the bytes the hex digits spell, after '0x' (style 1) or without
 * it (style 2); anything else is Msg 8114, or NULL for TRY_CONVERT.
 */
function hexToBytes(x: string, from: SqlType, style: 1 | 2, failure: (number: number, parts: MessagePart[]) => string): string {
  const digits = style === 1 ? `substr(${x}, 3)` : x;
  const valid = `${style === 1 ? `lower(left(${x}, 2)) = '0x' AND ` : ''}regexp_full_match(${digits}, '([0-9A-Fa-f]{2})*')`;
  return `CASE WHEN ${x} IS NULL THEN NULL WHEN ${valid} THEN unhex(${digits}) ELSE ${failure(8114, [`Error converting data type ${from.name} to varbinary.`])} END`;
}

/** The bytes of each integer type, as SQL Server converts it to and from binary. */
const INTEGER_BYTES: Readonly<Record<string, number>> = { tinyint: 1, smallint: 2, int: 4, bigint: 8 };

/**
 * An integer as binary, as SQL Server converts it: its own bytes, big-endian in two's complement,
 * cut on the left to fit a shorter type, and padded on the left with zeros to fill a longer
 * binary(n) (varbinary(n) is not padded). DuckDB's hex() writes a negative number in 16 digits.
 */
function integerToBinary(x: string, from: SqlType, to: SqlType): string {
  const size = INTEGER_BYTES[from.name]!;
  const n = typeof to.length === 'number' ? to.length : size;
  const bytes = Math.min(size, n);
  const own = `right('${'0'.repeat(16)}' || hex(${x}), ${2 * bytes})`;
  return `unhex(${to.name === 'binary' && n > size ? `lpad(${own}, ${2 * n}, '0')` : own})`;
}

/**
 * Binary as an integer, as SQL Server converts it: its rightmost bytes, as many as the type has
 * (a shorter value is taken as padded with zeros on the left), read big-endian in two's complement.
 */
function binaryToInteger(x: string, to: SqlType): string {
  const size = INTEGER_BYTES[to.name]!;
  // Zeros in front, then the last digits: lpad would cut a longer value on the right.
  const unsigned = `CAST(CAST('0x' || right('${'0'.repeat(2 * size)}' || hex(${x}), ${2 * size}) AS UBIGINT) AS HUGEINT)`;
  const signed = to.name === 'tinyint' ? unsigned : `CASE WHEN ${unsigned} >= ${2n ** BigInt(8 * size - 1)} THEN ${unsigned} - ${2n ** BigInt(8 * size)} ELSE ${unsigned} END`;
  return `CAST(${signed} AS ${duckdbType(to)})`;
}

/** How many digits a type holds before the decimal point (floats: unbounded). */
function integralDigits(t: SqlType): number {
  const digits: Readonly<Record<string, number>> = { bit: 1, tinyint: 3, smallint: 5, int: 10, bigint: 19, money: 15, smallmoney: 6 };
  if (t.name in digits) return digits[t.name]!;
  if (t.name === 'decimal' || t.name === 'numeric') return (t.precision ?? 18) - (t.scale ?? 0);
  return Infinity;
}

/** Leading and trailing blanks, which SQL Server ignores in numbers. */
function trimmed(x: string): string {
  return `trim(${x}, E' \\t\\r\\n')`;
}

const INTEGER_RANGE: Readonly<Record<string, [bigint, bigint]>> = {
  tinyint: [0n, 255n],
  smallint: [-32768n, 32767n],
  int: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};

/**
 * A string constant converted now, when it plainly is a value of the target type; null leaves
 * the conversion (and any error, raised only if the value is used) to the SQL.
 */
function convertConstant(text: string, to: SqlType): string | null {
  const t = text.trim();
  const range = INTEGER_RANGE[to.name];
  if (range) {
    if (t === '') return `CAST(0 AS ${duckdbType(to)})`;
    if (!/^[+-]?\d{1,19}$/.test(t)) return null;
    const n = BigInt(t);
    return n >= range[0] && n <= range[1] ? `CAST(${n} AS ${duckdbType(to)})` : null;
  }
  if (isApproximate(to) && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,2})?$/.test(t)) return `CAST(${quoteString(t)} AS ${duckdbType(to)})`;
  const decimal = /^[+-]?(\d*)(?:\.(\d*))?$/.exec(t);
  if (isExact(to) && decimal && t !== '' && t !== '.') {
    const integral = decimal[1]!.replace(/^0+/, '').length;
    const { precision = 18, scale = 0 } = to.name === 'money' ? { precision: 19, scale: 4 } : to.name === 'smallmoney' ? { precision: 10, scale: 4 } : to;
    return integral <= precision - scale ? `CAST(${quoteString(t)} AS ${duckdbType(to)})` : null;
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?)?$/.exec(t);
  if (isDateTime(to) && to.name !== 'time' && date && validDate(date.slice(1).map((g) => Number(g ?? 0)))) {
    const cast = `CAST(${quoteString(t)} AS ${duckdbType(to)})`;
    // Whole seconds fit every type but smalldatetime; a fraction may need rounding to the type's digits.
    const exact = !t.includes('.') && (to.name !== 'smalldatetime' || (date[6] ?? '00') === '00');
    return exact ? cast : roundedToPrecision(cast, { name: 'varchar' }, to);
  }
  if (isString(to) && (typeof to.length !== 'number' || text.length <= to.length)) return quoteString(text);
  return null;
}

/** [year, month, day, hour?, minute?, second?] names a real moment. */
function validDate([y, m, d, h, min, sec]: number[]): boolean {
  const days = [31, y! % 4 === 0 && (y! % 100 !== 0 || y! % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return m! >= 1 && m! <= 12 && d! >= 1 && d! <= days[m! - 1]! && h! < 24 && min! < 60 && sec! < 60;
}

/** SQL Server writes float with at most six significant digits and a three-digit exponent. */
function floatToString(x: string, style: number | null, span: Span): string {
  if (style !== null && style !== 0) return unsupported(`CONVERT style ${style} for float`, span);
  return `regexp_replace(printf('%g', ${x}), 'e([+-])([0-9][0-9])$', 'e\\10\\2')`;
}

function binaryToString(x: string, to: SqlType, style: number | null, span: Span): string {
  if (style === null || style === 0) return bytesToString(x, to);
  if (style === 1) return `('0x' || upper(hex(${x})))`;
  if (style === 2) return `upper(hex(${x}))`;
  return unsupported(`CONVERT style ${style} for binary`, span);
}

function clash(from: SqlType, to: SqlType, mode: ConversionMode, span: Span): never {
  if (mode === 'implicit') {
    return stop(206, 16, 2, `Operand type clash: ${formatSqlType(from)} is incompatible with ${formatSqlType(to)}`, span);
  }
  return stop(529, 16, 2, `Explicit conversion from data type ${from.name} to ${to.name} is not allowed.`, span);
}

/**
 * A value about to be stored in a column: converted implicitly, and refused when a string or
 * binary value is longer than the column (Msg 2628), as SQL Server 2019 does.
 */
export function storeValue(value: Typed, column: { name: string; type: SqlType }, location: TableLocation, span: Span): Typed {
  const converted = convert(value, column.type, 'implicit', span);
  // Padding never shortens a value: measuring after it still finds one that is too long.
  const length = column.type.length;
  if (typeof length !== 'number' || value.nullLiteral) return converted;
  if (typeof value.type.length === 'number' && value.type.length <= length && (isString(value.type) || isBinary(value.type))) return converted;
  const measure = isBinary(column.type) ? 'octet_length' : 'length';
  const shown = isBinary(column.type) ? `('0x' || upper(hex(${converted.sql})))` : `left(${converted.sql}, ${length})`;
  const error = raiseSql(2628, 16, 1, [
    `String or binary data would be truncated in table '${displayTableName(location)}', column '${column.name}'. Truncated value: '`,
    { sql: shown },
    "'.",
  ]);
  return { ...converted, sql: `CASE WHEN ${measure}(${converted.sql}) > ${length} THEN ${error} ELSE ${converted.sql} END` };
}
