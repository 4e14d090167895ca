// The tokens of a server's response ([MS-TDS] 2.2.7): result set metadata and rows, DONE tokens
// with row counts, INFO/ERROR messages, environment changes, the login acknowledgement, a
// procedure's return status and OUTPUT values.
import type { SqlValue } from '../engine/executor/ports';
import type { ByteWriter } from './bytes';
import { DEFAULT_COLLATION } from './codepage';
import { nullMarkerLength, writeNull, writeTypeInfo, writeValue, type WireType } from './columnTypes';

export const Token = {
  COLMETADATA: 0x81,
  ROW: 0xd1,
  NBCROW: 0xd2,
  DONE: 0xfd,
  DONEPROC: 0xfe,
  DONEINPROC: 0xff,
  ERROR: 0xaa,
  INFO: 0xab,
  ENVCHANGE: 0xe3,
  LOGINACK: 0xad,
  RETURNSTATUS: 0x79,
  RETURNVALUE: 0xac,
} as const;

export const Done = { FINAL: 0x00, MORE: 0x01, ERROR: 0x02, INXACT: 0x04, COUNT: 0x10, ATTN: 0x20, SRVERROR: 0x100 } as const;

/** DONE's CurCmd: the kind of statement that ended (clients show it at most). */
export const CurCmd = { NONE: 0, SELECT: 0xc1, EXECUTE: 0xe0 } as const;

export const EnvChange = { DATABASE: 1, LANGUAGE: 2, PACKET_SIZE: 4, COLLATION: 7, BEGIN_TRANSACTION: 8, COMMIT_TRANSACTION: 9, ROLLBACK_TRANSACTION: 10 } as const;

/** Column flags: nullable, updateability unknown. */
const COLUMN_FLAGS = 0x0001 | (0x2 << 2);

export interface WireColumn {
  name: string;
  type: WireType;
}

export function writeColMetadata(w: ByteWriter, columns: readonly WireColumn[]): void {
  w.u8(Token.COLMETADATA).u16(columns.length);
  for (const c of columns) {
    w.u32(0).u16(COLUMN_FLAGS);
    writeTypeInfo(w, c.type);
    w.bVarchar(c.name);
  }
}

/** A row: NBCROW when it has NULLs whose markers would cost more than the bitmap, else ROW. */
export function writeRow(w: ByteWriter, types: readonly WireType[], row: readonly SqlValue[]): void {
  let nullCost = 0;
  for (let k = 0; k < types.length; k++) if (row[k] === null || row[k] === undefined) nullCost += nullMarkerLength(types[k]!);
  const bitmapLength = (types.length + 7) >> 3;
  if (nullCost > bitmapLength) {
    w.u8(Token.NBCROW);
    for (let byte = 0; byte < bitmapLength; byte++) {
      let bits = 0;
      for (let bit = 0; bit < 8; bit++) {
        const k = byte * 8 + bit;
        if (k < types.length && (row[k] === null || row[k] === undefined)) bits |= 1 << bit;
      }
      w.u8(bits);
    }
    for (let k = 0; k < types.length; k++) {
      const value = row[k];
      if (value !== null && value !== undefined) writeValue(w, types[k]!, value);
    }
    return;
  }
  w.u8(Token.ROW);
  for (let k = 0; k < types.length; k++) {
    const value = row[k];
    if (value === null || value === undefined) writeNull(w, types[k]!);
    else writeValue(w, types[k]!, value);
  }
}

export function writeDone(w: ByteWriter, token: number, status: number, curCmd: number, rowCount: number): void {
  w.u8(token).u16(status).u16(curCmd).u64(BigInt(rowCount));
}

export interface WireMessage {
  /** An ERROR token; otherwise INFO. */
  error: boolean;
  number: number;
  state: number;
  severity: number;
  text: string;
  serverName: string;
  procedure: string;
  /** 1-based line in the batch or in the procedure. */
  line: number;
}

export function writeMessage(w: ByteWriter, m: WireMessage): void {
  w.u8(m.error ? Token.ERROR : Token.INFO);
  const lengthAt = w.length;
  w.u16(0);
  w.u32(m.number).u8(m.state & 0xff).u8(m.severity);
  w.usVarchar(m.text).bVarchar(m.serverName).bVarchar(m.procedure).u32(m.line);
  w.patchU16(lengthAt, w.length - lengthAt - 2);
}

/** An ENVCHANGE whose values are B_VARCHAR (database, language, packet size). */
export function writeEnvChange(w: ByteWriter, type: number, value: string, old: string): void {
  w.u8(Token.ENVCHANGE);
  const lengthAt = w.length;
  w.u16(0).u8(type).bVarchar(value).bVarchar(old);
  w.patchU16(lengthAt, w.length - lengthAt - 2);
}

/** An ENVCHANGE whose values are B_VARBYTE (a transaction descriptor; empty on the side that has none). */
export function writeBinaryEnvChange(w: ByteWriter, type: number, value: Uint8Array, old: Uint8Array): void {
  w.u8(Token.ENVCHANGE).u16(1 + 1 + value.length + 1 + old.length).u8(type).u8(value.length).raw(value).u8(old.length).raw(old);
}

export function writeCollationChange(w: ByteWriter): void {
  w.u8(Token.ENVCHANGE).u16(1 + 1 + DEFAULT_COLLATION.length + 1).u8(EnvChange.COLLATION).u8(DEFAULT_COLLATION.length).raw(DEFAULT_COLLATION).u8(0);
}

export function writeLoginAck(w: ByteWriter, tdsVersion: number, progName: string, version: { major: number; minor: number; build: number }): void {
  w.u8(Token.LOGINACK);
  const lengthAt = w.length;
  w.u16(0).u8(1).u32be(tdsVersion).bVarchar(progName);
  w.u8(version.major).u8(version.minor).u8(version.build >> 8).u8(version.build & 0xff);
  w.patchU16(lengthAt, w.length - lengthAt - 2);
}

export function writeReturnStatus(w: ByteWriter, status: number): void {
  w.u8(Token.RETURNSTATUS).i32(status);
}

/** An OUTPUT parameter's value after the call (status 0x01: an output parameter). */
export function writeReturnValue(w: ByteWriter, ordinal: number, name: string, type: WireType, value: SqlValue): void {
  w.u8(Token.RETURNVALUE).u16(ordinal).bVarchar(name).u8(0x01).u32(0).u16(COLUMN_FLAGS);
  writeTypeInfo(w, type);
  if (value === null || value === undefined) writeNull(w, type);
  else writeValue(w, type, value);
}
