// What a client asks for after login ([MS-TDS] 2.2.6.6-2.2.6.7): a SQL batch (ALL_HEADERS, then the
// text in UCS-2) or RPC calls (ALL_HEADERS, then per call a procedure name or a well-known ProcID,
// option flags and typed parameters; calls of one request are separated by a batch flag).
import { ByteReader, TdsFormatError, ucs2At } from './bytes';
import { decode1252 } from './codepage';
import { guidText, TdsType } from './columnTypes';
import type { Parsed } from './prelogin';
import { DAYS_FROM_0001, DAYS_FROM_1900, MS_PER_DAY, timeLength } from './temporal';
import type { SqlType } from '../engine/translate/types';
import type { SqlValue } from '../engine/executor/ports';
import { dateWithMicros } from '../results/microsDate';

/** The procedures a driver may name by number instead of by name. */
export const PROC_IDS: Readonly<Record<number, string>> = {
  1: 'sp_cursor',
  2: 'sp_cursoropen',
  3: 'sp_cursorprepare',
  4: 'sp_cursorexecute',
  5: 'sp_cursorprepexec',
  6: 'sp_cursorunprepare',
  7: 'sp_cursorfetch',
  8: 'sp_cursoroption',
  9: 'sp_cursorclose',
  10: 'sp_executesql',
  11: 'sp_prepare',
  12: 'sp_execute',
  13: 'sp_prepexec',
  14: 'sp_prepexecrpc',
  15: 'sp_unprepare',
};

export interface RpcParameter {
  /** With '@'; '' when the parameter is passed by position. */
  name: string;
  /** An OUTPUT parameter: its value after the call comes back as RETURNVALUE. */
  output: boolean;
  type: SqlType;
  value: SqlValue;
}

export interface RpcCall {
  /** The procedure's name as sent, or the well-known name of its ProcID. */
  procedure: string;
  parameters: RpcParameter[];
}

const BATCH_FLAGS = new Set([0xff, 0xfe, 0x80]);

/** Skips ALL_HEADERS (transaction descriptor, trace activity) when the message has them. */
export function skipAllHeaders(r: ByteReader): void {
  if (r.remaining < 4) return;
  const at = r.offset;
  const total = r.u32();
  // ALL_HEADERS' total length includes itself; a batch without headers starts with text instead.
  if (total < 4 || total > r.bytes.length - at) {
    r.offset = at;
    return;
  }
  r.offset = at + total;
}

export function parseSqlBatch(body: Uint8Array): Parsed<string> {
  try {
    const r = new ByteReader(body);
    skipAllHeaders(r);
    return { ok: true, value: ucs2At(body, r.offset, r.remaining >> 1) };
  } catch (e) {
    if (e instanceof TdsFormatError) return { ok: false, problem: `the SQL batch is malformed: ${e.message}` };
    throw e;
  }
}

export function parseRpcRequest(body: Uint8Array): Parsed<RpcCall[]> {
  try {
    const r = new ByteReader(body);
    skipAllHeaders(r);
    const calls: RpcCall[] = [];
    while (r.remaining > 0) {
      const nameLength = r.u16();
      let procedure: string;
      if (nameLength === 0xffff) {
        const id = r.u16();
        const known = PROC_IDS[id];
        if (!known) return { ok: false, problem: `the RPC names procedure id ${id}, which TDS does not define` };
        procedure = known;
      } else {
        procedure = r.ucs2(nameLength);
      }
      r.u16(); // option flags (WITH RECOMPILE, no metadata): nothing to do for them here
      const parameters: RpcParameter[] = [];
      while (r.remaining > 0 && !BATCH_FLAGS.has(r.bytes[r.offset]!)) {
        const name = r.bVarchar();
        const status = r.u8();
        const decoded = readTypedValue(r);
        if (!decoded.ok) return decoded;
        parameters.push({ name, output: (status & 0x01) !== 0, ...decoded.value });
      }
      calls.push({ procedure, parameters });
      if (r.remaining > 0) r.u8(); // the batch flag between calls
    }
    return { ok: true, value: calls };
  } catch (e) {
    if (e instanceof TdsFormatError) return { ok: false, problem: `the RPC request is malformed: ${e.message}` };
    throw e;
  }
}

type Typed = Parsed<{ type: SqlType; value: SqlValue }>;

const typed = (type: SqlType, value: SqlValue): Typed => ({ ok: true, value: { type, value } });

/** TYPE_INFO then the value, as RPC parameters carry them. */
function readTypedValue(r: ByteReader): Typed {
  const token = r.u8();
  switch (token) {
    case TdsType.NULL:
      return typed({ name: 'int' }, null);
    case TdsType.INT1:
      return typed({ name: 'tinyint' }, r.u8());
    case TdsType.BIT:
      return typed({ name: 'bit' }, r.u8() !== 0);
    case TdsType.INT2:
      return typed({ name: 'smallint' }, r.i16());
    case TdsType.INT4:
      return typed({ name: 'int' }, r.i32());
    case TdsType.INT8:
      return typed({ name: 'bigint' }, bigintValue(r.i64()));
    case TdsType.FLT4:
      return typed({ name: 'real' }, r.f32());
    case TdsType.FLT8:
      return typed({ name: 'float' }, r.f64());
    case TdsType.MONEY:
      return typed({ name: 'money' }, readMoney(r, 8));
    case TdsType.MONEY4:
      return typed({ name: 'smallmoney' }, readMoney(r, 4));
    case TdsType.DATETIME:
      return typed({ name: 'datetime' }, readDatetime(r, 8));
    case TdsType.DATETIM4:
      return typed({ name: 'smalldatetime' }, readDatetime(r, 4));
    case TdsType.INTN: {
      const size = r.u8();
      const length = r.u8();
      const name = ({ 1: 'tinyint', 2: 'smallint', 4: 'int', 8: 'bigint' } as Record<number, string>)[size] ?? 'bigint';
      if (length === 0) return typed({ name }, null);
      const value = length === 1 ? r.u8() : length === 2 ? r.i16() : length === 4 ? r.i32() : bigintValue(r.i64());
      return typed({ name }, value);
    }
    case TdsType.BITN: {
      r.u8();
      const length = r.u8();
      return typed({ name: 'bit' }, length === 0 ? null : r.u8() !== 0);
    }
    case TdsType.FLTN: {
      const size = r.u8();
      const length = r.u8();
      const type = { name: size === 4 ? 'real' : 'float' };
      return typed(type, length === 0 ? null : length === 4 ? r.f32() : r.f64());
    }
    case TdsType.MONEYN: {
      const size = r.u8();
      const length = r.u8();
      return typed({ name: size === 4 ? 'smallmoney' : 'money' }, length === 0 ? null : readMoney(r, length));
    }
    case TdsType.DATETIMN: {
      const size = r.u8();
      const length = r.u8();
      return typed({ name: size === 4 ? 'smalldatetime' : 'datetime' }, length === 0 ? null : readDatetime(r, length));
    }
    case TdsType.GUID: {
      r.u8();
      const length = r.u8();
      return typed({ name: 'uniqueidentifier' }, length === 0 ? null : guidText(r.raw(16)));
    }
    case TdsType.DECIMAL:
    case TdsType.NUMERIC:
    case TdsType.DECIMALN:
    case TdsType.NUMERICN: {
      r.u8();
      const precision = r.u8();
      const scale = r.u8();
      const length = r.u8();
      const type = { name: token === TdsType.NUMERIC || token === TdsType.NUMERICN ? 'numeric' : 'decimal', precision, scale };
      if (length === 0) return typed(type, null);
      const positive = r.u8() === 1;
      let magnitude = 0n;
      const bytes = r.raw(length - 1);
      for (let k = bytes.length - 1; k >= 0; k--) magnitude = (magnitude << 8n) | BigInt(bytes[k]!);
      return typed(type, decimalNumber(positive ? magnitude : -magnitude, scale));
    }
    case TdsType.DATEN: {
      const length = r.u8();
      return typed({ name: 'date' }, length === 0 ? null : new Date((r.uint(3) - DAYS_FROM_0001) * MS_PER_DAY));
    }
    case TdsType.TIMEN: {
      const scale = r.u8();
      const length = r.u8();
      return typed({ name: 'time', scale }, length === 0 ? null : timeText(r.uint(timeLength(scale)), scale));
    }
    case TdsType.DATETIME2N:
    case TdsType.DATETIMEOFFSETN: {
      // datetimeoffset arrives in UTC with its offset; the instance keeps UTC datetime2 values.
      const scale = r.u8();
      const length = r.u8();
      const type = { name: 'datetime2', scale };
      if (length === 0) return typed(type, null);
      const units = r.uint(timeLength(scale));
      const days = r.uint(3) - DAYS_FROM_0001;
      if (token === TdsType.DATETIMEOFFSETN) r.i16();
      const ticks = units * 10 ** (7 - scale);
      // 100 ns ticks: the milliseconds, and the microseconds past them (the engine keeps microseconds).
      return typed(type, dateWithMicros(days * MS_PER_DAY + Math.floor(ticks / 10_000), Math.floor((ticks % 10_000) / 10)));
    }
    case TdsType.BIGVARCHR:
    case TdsType.BIGCHAR:
    case TdsType.NVARCHAR:
    case TdsType.NCHAR: {
      const unicode = token === TdsType.NVARCHAR || token === TdsType.NCHAR;
      const max = r.u16();
      r.skip(5); // collation
      const name = unicode ? (token === TdsType.NCHAR ? 'nchar' : 'nvarchar') : token === TdsType.BIGCHAR ? 'char' : 'varchar';
      const type: SqlType = { name, length: max === 0xffff ? 'max' : Math.max(1, unicode ? max >> 1 : max) };
      const bytes = max === 0xffff ? readPlp(r) : readShortLength(r);
      return typed(type, bytes === null ? null : unicode ? ucs2At(bytes, 0, bytes.length >> 1) : decode1252(bytes));
    }
    case TdsType.BIGVARBIN:
    case TdsType.BIGBINARY: {
      const max = r.u16();
      const type: SqlType = { name: token === TdsType.BIGBINARY ? 'binary' : 'varbinary', length: max === 0xffff ? 'max' : Math.max(1, max) };
      return typed(type, max === 0xffff ? readPlp(r) : readShortLength(r));
    }
    case TdsType.TEXT:
    case TdsType.NTEXT:
    case TdsType.IMAGE: {
      r.u32();
      if (token !== TdsType.IMAGE) r.skip(5);
      const length = r.u32();
      const bytes = length === 0xffffffff ? null : r.raw(length);
      if (token === TdsType.IMAGE) return typed({ name: 'varbinary', length: 'max' }, bytes);
      const unicode = token === TdsType.NTEXT;
      return typed({ name: unicode ? 'nvarchar' : 'varchar', length: 'max' }, bytes === null ? null : unicode ? ucs2At(bytes, 0, bytes.length >> 1) : decode1252(bytes));
    }
    case TdsType.XML: {
      if (r.u8() === 1) {
        r.bVarchar();
        r.bVarchar();
        r.usVarchar();
      }
      const bytes = readPlp(r);
      return typed({ name: 'nvarchar', length: 'max' }, bytes === null ? null : ucs2At(bytes, 0, bytes.length >> 1));
    }
    case TdsType.TVP:
      return { ok: false, problem: 'table-valued parameters are not supported by this instance' };
    case TdsType.UDT:
      return { ok: false, problem: 'CLR user-defined type parameters are not supported by this instance' };
    case TdsType.SSVARIANT:
      return { ok: false, problem: 'sql_variant parameters are not supported by this instance' };
    default:
      return { ok: false, problem: `a parameter has TDS type 0x${token.toString(16)}, which this instance does not read` };
  }
}

function bigintValue(v: bigint): number | bigint {
  return Number.isSafeInteger(Number(v)) ? Number(v) : v;
}

function readMoney(r: ByteReader, length: number): number {
  const scaled = length === 4 ? BigInt(r.i32()) : (BigInt(r.i32()) << 32n) | BigInt(r.u32());
  return decimalNumber(scaled, 4);
}

function decimalNumber(scaled: bigint, scale: number): number {
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return Number(negative ? `-${text}` : text);
}

function readDatetime(r: ByteReader, length: number): Date {
  if (length === 4) {
    const days = r.u16();
    const minutes = r.u16();
    return new Date((days - DAYS_FROM_1900) * MS_PER_DAY + minutes * 60_000);
  }
  const days = r.i32();
  const ticks = r.u32();
  return new Date((days - DAYS_FROM_1900) * MS_PER_DAY + Math.round((ticks * 1000) / 300));
}

function timeText(units: number, scale: number): string {
  const ticks = units * 10 ** (7 - scale);
  const seconds = Math.floor(ticks / 10_000_000);
  const fraction = ticks % 10_000_000;
  const hh = String(Math.floor(seconds / 3600)).padStart(2, '0');
  const mm = String(Math.floor((seconds % 3600) / 60)).padStart(2, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  return `${hh}:${mm}:${ss}.${String(fraction).padStart(7, '0')}`;
}

function readShortLength(r: ByteReader): Uint8Array | null {
  const length = r.u16();
  return length === 0xffff ? null : r.raw(length);
}

/** PLP: a total length (all ones: NULL), then chunks each with its length, ended by a zero chunk. */
function readPlp(r: ByteReader): Uint8Array | null {
  const total = r.u64();
  if (total === 0xffffffffffffffffn) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const length = r.u32();
    if (length === 0) break;
    const chunk = r.raw(length);
    chunks.push(chunk);
    size += length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
