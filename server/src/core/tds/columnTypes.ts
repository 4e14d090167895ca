// How each T-SQL type of the instance travels in TDS 7.4 ([MS-TDS] 2.2.5.4-2.2.5.5): its TYPE_INFO
// in COLMETADATA and RETURNVALUE, and its values in ROW/NBCROW. Every type is sent in its nullable
// form (INTN, FLTN, ...), since a column's nullability is not known ahead; (max) types as PLP
// (a total length, then chunks, then a zero chunk).
import type { SqlType } from '../engine/translate/types';
import type { SqlValue } from '../engine/executor/ports';
import type { ByteWriter } from './bytes';
import { DEFAULT_COLLATION, encode1252 } from './codepage';
import { wireDate } from '../results/encodedResultSets';
import { DAYS_FROM_0001, DAYS_FROM_1900, epochDays, MS_PER_DAY, ticksOfDay, timeLength } from './temporal';

export const TdsType = {
  NULL: 0x1f,
  INT1: 0x30,
  BIT: 0x32,
  INT2: 0x34,
  INT4: 0x38,
  DATETIM4: 0x3a,
  FLT4: 0x3b,
  MONEY: 0x3c,
  DATETIME: 0x3d,
  FLT8: 0x3e,
  MONEY4: 0x7a,
  INT8: 0x7f,
  GUID: 0x24,
  INTN: 0x26,
  DECIMAL: 0x37,
  NUMERIC: 0x3f,
  BITN: 0x68,
  DECIMALN: 0x6a,
  NUMERICN: 0x6c,
  FLTN: 0x6d,
  MONEYN: 0x6e,
  DATETIMN: 0x6f,
  DATEN: 0x28,
  TIMEN: 0x29,
  DATETIME2N: 0x2a,
  DATETIMEOFFSETN: 0x2b,
  CHAR: 0x2f,
  VARCHAR: 0x27,
  BINARY: 0x2d,
  VARBINARY: 0x25,
  BIGVARBIN: 0xa5,
  BIGVARCHR: 0xa7,
  BIGBINARY: 0xad,
  BIGCHAR: 0xaf,
  NVARCHAR: 0xe7,
  NCHAR: 0xef,
  TEXT: 0x23,
  IMAGE: 0x22,
  NTEXT: 0x63,
  SSVARIANT: 0x62,
  XML: 0xf1,
  UDT: 0xf0,
  TVP: 0xf3,
} as const;

type Kind = 'int' | 'bit' | 'decimal' | 'money' | 'float' | 'datetime' | 'smalldatetime' | 'date' | 'time' | 'datetime2' | 'datetimeoffset' | 'guid' | 'chars' | 'nchars' | 'binary';

/** Bytes of the length before a value, which is also what a NULL costs: BYTELEN, USHORTLEN or PLP's 8. */
type LengthPrefix = 1 | 2 | 8;

export interface WireType {
  kind: Kind;
  /** The TDS type byte. */
  token: number;
  /** Value bytes of fixed-size kinds; the declared maximum in bytes of strings and binaries. */
  size: number;
  /** (max): values as PLP. */
  plp: boolean;
  precision: number;
  scale: number;
  prefix: LengthPrefix;
}

const MAX_NVARCHAR_CHARS = 4000;
const MAX_VARCHAR_BYTES = 8000;

function wire(kind: Kind, token: number, size: number, extra: Partial<WireType> = {}): WireType {
  return { kind, token, size, plp: false, precision: 0, scale: 0, prefix: 1, ...extra };
}

function variable(kind: 'chars' | 'nchars' | 'binary', token: number, length: number | 'max' | undefined, unit: number, limit: number): WireType {
  const chars = length ?? 1;
  if (chars === 'max' || chars * unit > limit) return wire(kind, token, 0xffff, { plp: true, prefix: 8 });
  return wire(kind, token, Math.max(1, chars) * unit, { prefix: 2 });
}

/** The wire form of a T-SQL type; what the instance cannot name travels as nvarchar(max) text. */
export function wireType(type: SqlType | null): WireType {
  if (!type) return variable('nchars', TdsType.NVARCHAR, 'max', 2, MAX_VARCHAR_BYTES);
  switch (type.name) {
    case 'tinyint':
      return wire('int', TdsType.INTN, 1);
    case 'smallint':
      return wire('int', TdsType.INTN, 2);
    case 'int':
      return wire('int', TdsType.INTN, 4);
    case 'bigint':
      return wire('int', TdsType.INTN, 8);
    case 'bit':
      return wire('bit', TdsType.BITN, 1);
    case 'decimal':
    case 'numeric': {
      const precision = type.precision ?? 18;
      return wire('decimal', type.name === 'decimal' ? TdsType.DECIMALN : TdsType.NUMERICN, decimalLength(precision), { precision, scale: type.scale ?? 0 });
    }
    case 'money':
      return wire('money', TdsType.MONEYN, 8, { scale: 4 });
    case 'smallmoney':
      return wire('money', TdsType.MONEYN, 4, { scale: 4 });
    case 'float':
      return wire('float', TdsType.FLTN, 8);
    case 'real':
      return wire('float', TdsType.FLTN, 4);
    case 'datetime':
      return wire('datetime', TdsType.DATETIMN, 8);
    case 'smalldatetime':
      return wire('smalldatetime', TdsType.DATETIMN, 4);
    case 'date':
      return wire('date', TdsType.DATEN, 3);
    case 'time':
      return wire('time', TdsType.TIMEN, timeLength(type.scale ?? 7), { scale: type.scale ?? 7 });
    case 'datetime2':
      return wire('datetime2', TdsType.DATETIME2N, timeLength(type.scale ?? 7) + 3, { scale: type.scale ?? 7 });
    case 'datetimeoffset':
      return wire('datetimeoffset', TdsType.DATETIMEOFFSETN, timeLength(type.scale ?? 7) + 5, { scale: type.scale ?? 7 });
    case 'uniqueidentifier':
      return wire('guid', TdsType.GUID, 16);
    case 'char':
      return variable('chars', TdsType.BIGCHAR, type.length, 1, MAX_VARCHAR_BYTES);
    case 'varchar':
    case 'text':
      return variable('chars', TdsType.BIGVARCHR, type.name === 'text' ? 'max' : type.length, 1, MAX_VARCHAR_BYTES);
    case 'nchar':
      return variable('nchars', TdsType.NCHAR, type.length, 2, MAX_NVARCHAR_CHARS * 2);
    case 'nvarchar':
    case 'ntext':
      return variable('nchars', TdsType.NVARCHAR, type.name === 'ntext' ? 'max' : type.length, 2, MAX_NVARCHAR_CHARS * 2);
    case 'binary':
      return variable('binary', TdsType.BIGBINARY, type.length, 1, MAX_VARCHAR_BYTES);
    case 'varbinary':
    case 'image':
      return variable('binary', TdsType.BIGVARBIN, type.name === 'image' ? 'max' : type.length, 1, MAX_VARCHAR_BYTES);
    default:
      return variable('nchars', TdsType.NVARCHAR, 'max', 2, MAX_VARCHAR_BYTES);
  }
}

export function decimalLength(precision: number): number {
  return precision <= 9 ? 5 : precision <= 19 ? 9 : precision <= 28 ? 13 : 17;
}

type Value = Exclude<SqlValue, null>;

/**
 * One kind's encoding: what TYPE_INFO carries after the type byte, and a non-null value with its
 * length prefix. One table instead of a switch per operation, so that a kind is described in one
 * place and a row's values are written by a lookup each.
 */
interface KindCodec {
  typeInfo(w: ByteWriter, t: WireType): void;
  value(w: ByteWriter, t: WireType, v: Value): void;
}

const TWO_32 = 4_294_967_296;

// TYPE_INFO shapes ([MS-TDS] 2.2.5.6): BYTELEN types name their size, scaled temporal types their
// scale, decimals size/precision/scale, strings a USHORT maximum (and a collation), date nothing.
const sizeInfo = (w: ByteWriter, t: WireType) => void w.u8(t.size);
const scaleInfo = (w: ByteWriter, t: WireType) => void w.u8(t.scale);
const noInfo = () => undefined;
const collatedInfo = (w: ByteWriter, t: WireType) => void w.u16(t.size).raw(DEFAULT_COLLATION);
const binaryInfo = (w: ByteWriter, t: WireType) => void w.u16(t.size);

const CODECS: Record<Kind, KindCodec> = {
  int: {
    typeInfo: sizeInfo,
    value(w, t, v) {
      w.u8(t.size);
      if (t.size === 8) writeInt64(w, v);
      else if (t.size === 4) w.i32(Number(v));
      else if (t.size === 2) w.i16(Number(v));
      else w.u8(Number(v));
    },
  },
  bit: { typeInfo: sizeInfo, value: (w, _t, v) => void w.u8(1).u8(v === true || (v !== false && Number(v) !== 0) ? 1 : 0) },
  float: {
    typeInfo: sizeInfo,
    value(w, t, v) {
      if (t.size === 4) w.u8(4).f32(Number(v));
      else w.u8(8).f64(Number(v));
    },
  },
  decimal: {
    typeInfo: (w, t) => void w.u8(t.size).u8(t.precision).u8(t.scale),
    value(w, t, v) {
      const scaled = scaledInteger(v, t.scale);
      w.u8(t.size).u8(scaled < 0n ? 0 : 1);
      let magnitude = scaled < 0n ? -scaled : scaled;
      for (let k = 0; k < (t.size - 1) / 4; k++) {
        w.u32(Number(magnitude & 0xffffffffn));
        magnitude >>= 32n;
      }
    },
  },
  money: {
    typeInfo: sizeInfo,
    value(w, t, v) {
      // The largest money values have no double of their own: the nearest one is just past the
      // range, and must not wrap around to a negative amount.
      const scaled = clamp(scaledInteger(v, 4), t.size === 4 ? 31 : 63);
      // money is two 32-bit halves, the high one first; smallmoney one 32-bit integer.
      if (t.size === 4) w.u8(4).i32(Number(scaled));
      else w.u8(8).i32(Number(scaled >> 32n)).u32(Number(scaled & 0xffffffffn));
    },
  },
  datetime: {
    typeInfo: sizeInfo,
    value(w, _t, v) {
      const ms = asDate(v).getTime();
      let days = Math.floor(ms / MS_PER_DAY);
      // 1/300 s ticks; rounding may reach the next midnight.
      let ticks = Math.round(((ms - days * MS_PER_DAY) * 300) / 1000);
      if (ticks >= 300 * 86_400) {
        days += 1;
        ticks = 0;
      }
      w.u8(8).i32(days + DAYS_FROM_1900).u32(ticks);
    },
  },
  smalldatetime: {
    typeInfo: sizeInfo,
    value(w, _t, v) {
      const ms = asDate(v).getTime();
      const days = Math.floor(ms / MS_PER_DAY);
      w.u8(4).u16(days + DAYS_FROM_1900).u16(Math.round((ms - days * MS_PER_DAY) / 60_000));
    },
  },
  date: { typeInfo: noInfo, value: (w, _t, v) => void w.u8(3).uint(epochDays(asDateOrText(v)) + DAYS_FROM_0001, 3) },
  time: {
    typeInfo: scaleInfo,
    value(w, t, v) {
      w.u8(t.size);
      writeTime(w, asDateOrText(v), t.scale);
    },
  },
  datetime2: {
    typeInfo: scaleInfo,
    value(w, t, v) {
      const when = asDateOrText(v);
      w.u8(t.size);
      writeTime(w, when, t.scale);
      w.uint(epochDays(when) + DAYS_FROM_0001, 3);
    },
  },
  datetimeoffset: {
    typeInfo: scaleInfo,
    value(w, t, v) {
      // Values are kept in UTC: the offset is zero.
      const when = asDateOrText(v);
      w.u8(t.size);
      writeTime(w, when, t.scale);
      w.uint(epochDays(when) + DAYS_FROM_0001, 3).i16(0);
    },
  },
  guid: { typeInfo: sizeInfo, value: (w, _t, v) => void w.u8(16).raw(guidBytes(String(v))) },
  chars: { typeInfo: collatedInfo, value: (w, t, v) => writeBytes(w, t, encode1252(textOf(v))) },
  nchars: {
    typeInfo: collatedInfo,
    value(w, t, v) {
      const text = textOf(v);
      const length = text.length * 2;
      if (!t.plp) {
        w.u16(length).ucs2(text);
        return;
      }
      writePlpLength(w, length);
      if (length > 0) w.u32(length).ucs2(text);
      w.u32(0);
    },
  },
  binary: { typeInfo: binaryInfo, value: (w, t, v) => writeBytes(w, t, v instanceof Uint8Array ? v : encode1252(String(v))) },
};

/** TYPE_INFO as COLMETADATA and RETURNVALUE carry it. */
export function writeTypeInfo(w: ByteWriter, t: WireType): void {
  w.u8(t.token);
  CODECS[t.kind].typeInfo(w, t);
}

/** Writes NULL in the type's own form (ROW and RETURNVALUE; NBCROW uses its bitmap instead). */
export function writeNull(w: ByteWriter, t: WireType): void {
  if (t.prefix === 1) w.u8(0);
  else if (t.prefix === 2) w.u16(0xffff);
  else w.u32(0xffffffff).u32(0xffffffff);
}

/** Writes a non-null value with its length prefix. */
export function writeValue(w: ByteWriter, t: WireType, value: Value): void {
  CODECS[t.kind].value(w, t, value);
}

/** What a NULL costs in ROW: when the NBCROW bitmap costs less, a row with NULLs is sent as NBCROW. */
export function nullMarkerLength(t: WireType): number {
  return t.prefix;
}

/** A bigint as two 32-bit halves; numbers without a BigInt on the way (result sets hold many). */
function writeInt64(w: ByteWriter, v: Value): void {
  if (typeof v === 'number' && Number.isSafeInteger(v)) {
    w.u32(v >>> 0).i32(Math.floor(v / TWO_32));
    return;
  }
  w.i64(typeof v === 'bigint' ? v : BigInt(typeof v === 'number' ? Math.trunc(v) : String(v)));
}

function clamp(n: bigint, bits: number): bigint {
  const max = (1n << BigInt(bits)) - 1n;
  return n > max ? max : n < -max - 1n ? -max - 1n : n;
}

/** A PLP value's total length (lengths here stay far below 2^32). */
function writePlpLength(w: ByteWriter, length: number): void {
  w.u32(length).u32(0);
}

function writeBytes(w: ByteWriter, t: WireType, bytes: Uint8Array): void {
  if (!t.plp) {
    w.u16(bytes.length).raw(bytes);
    return;
  }
  writePlpLength(w, bytes.length);
  if (bytes.length > 0) w.u32(bytes.length).raw(bytes);
  w.u32(0);
}

function writeTime(w: ByteWriter, value: Date | string, scale: number): void {
  const ticks = ticksOfDay(value);
  const units = Math.round(ticks / 10 ** (7 - scale));
  w.uint(units, timeLength(scale));
}

function textOf(value: Exclude<SqlValue, null>): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return `0x${Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase()}`;
  if (value instanceof Date) return wireDate(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

function asDate(value: Exclude<SqlValue, null>): Date {
  if (value instanceof Date) return value;
  const parsed = new Date(typeof value === 'string' ? `${value.replace(' ', 'T')}${/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? '' : 'Z'}` : Number(value));
  return Number.isNaN(parsed.getTime()) ? new Date(0) : parsed;
}

function asDateOrText(value: Exclude<SqlValue, null>): Date | string {
  return value instanceof Date ? value : typeof value === 'string' && /^\s*\d{1,2}:\d{2}/.test(value) ? value : asDate(value);
}

/** A decimal value times 10^scale, rounded half away from zero, exactly for text and bigint values. */
export function scaledInteger(value: Exclude<SqlValue, null>, scale: number): bigint {
  if (typeof value === 'bigint') return value * 10n ** BigInt(scale);
  const text = typeof value === 'number' ? (Math.abs(value) < 1e21 ? value.toFixed(Math.min(scale + 1, 100)) : BigInt(Math.trunc(value)).toString()) : String(value).trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return 0n;
  let digits = (m[2] ?? '') + (m[3] ?? '');
  const point = (m[2] ?? '').length + Number(m[4] ?? 0);
  if (digits === '') digits = '0';
  // Shift the decimal point so that `scale` digits stay after it, plus one to round on.
  const wanted = point + scale + 1;
  if (wanted <= 0) return 0n;
  digits = wanted > digits.length ? digits.padEnd(wanted, '0') : digits.slice(0, wanted);
  const n = (BigInt(digits) + 5n) / 10n;
  return m[1] === '-' ? -n : n;
}

/** A GUID's text as SQL Server orders its bytes: the first three groups little-endian. */
export function guidBytes(text: string): Uint8Array {
  const hex = text.replace(/[{}-]/g, '');
  const b = new Uint8Array(16);
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return b;
  const at = (k: number) => parseInt(hex.slice(k * 2, k * 2 + 2), 16);
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  order.forEach((source, k) => (b[k] = at(source)));
  return b;
}

export function guidText(bytes: Uint8Array): string {
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  const hex = order.map((k) => bytes[k]!.toString(16).padStart(2, '0')).join('').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
