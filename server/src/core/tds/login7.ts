// LOGIN7 ([MS-TDS] 2.2.6.4): a fixed part of flags and (offset, length in characters) pairs into a
// variable part of UCS-2 strings. The password is "encrypted" by a nibble swap and XOR 0xA5 —
// obfuscation, not protection: that is why the handshake's TLS carries LOGIN7.
import { ByteReader, TdsFormatError, ucs2At } from './bytes';
import type { Parsed } from './prelogin';

export const TDS_7_3_A = 0x730a0003;
export const TDS_7_3_B = 0x730b0003;
export const TDS_7_4 = 0x74000004;

const FIXED_LENGTH = 94;
const INTEGRATED_SECURITY = 0x80;
const CHANGE_PASSWORD = 0x01;

export interface Login7 {
  tdsVersion: number;
  packetSize: number;
  hostName: string;
  userName: string;
  password: string;
  appName: string;
  serverName: string;
  /** The driver's name for itself ('ODBC', 'Tedious', 'DB-Library'…). */
  clientInterfaceName: string;
  /** The client's process id (0 when it did not say). */
  clientPid: number;
  language: string;
  database: string;
  /** Windows integrated authentication (SSPI) was asked for. */
  integratedSecurity: boolean;
  /** The client asked to change the password at login. */
  changePassword: boolean;
}

export function decodePassword(bytes: Uint8Array): string {
  const clear = new Uint8Array(bytes.length);
  for (let k = 0; k < bytes.length; k++) {
    const b = bytes[k]! ^ 0xa5;
    clear[k] = ((b << 4) & 0xf0) | (b >> 4);
  }
  return ucs2At(clear, 0, clear.length >> 1);
}

export function parseLogin7(body: Uint8Array): Parsed<Login7> {
  try {
    const r = new ByteReader(body);
    const length = r.u32();
    if (length !== body.length || length < FIXED_LENGTH) return { ok: false, problem: `the LOGIN7 message says it is ${length} bytes long but is ${body.length}` };
    const tdsVersion = r.u32();
    const packetSize = r.u32();
    r.skip(4); // client program version
    const clientPid = r.u32();
    r.skip(4); // connection id
    r.u8(); // option flags 1
    const flags2 = r.u8();
    r.u8(); // type flags
    const flags3 = r.u8();
    r.skip(8); // time zone, LCID
    const text = (): string => {
      const offset = r.u16();
      const chars = r.u16();
      if (chars === 0) return '';
      if (offset + chars * 2 > body.length) throw new TdsFormatError(`a LOGIN7 string points past the end of the message (offset ${offset})`);
      return ucs2At(body, offset, chars);
    };
    const hostName = text();
    const userName = text();
    const passwordOffset = r.u16();
    const passwordChars = r.u16();
    if (passwordOffset + passwordChars * 2 > body.length) return { ok: false, problem: 'the LOGIN7 password points past the end of the message' };
    const password = decodePassword(body.subarray(passwordOffset, passwordOffset + passwordChars * 2));
    const appName = text();
    const serverName = text();
    r.skip(4); // extension
    const clientInterfaceName = text();
    const language = text();
    const database = text();
    return {
      ok: true,
      value: {
        tdsVersion,
        packetSize,
        hostName,
        userName,
        password,
        appName,
        serverName,
        clientInterfaceName,
        clientPid,
        language,
        database,
        integratedSecurity: (flags2 & INTEGRATED_SECURITY) !== 0,
        changePassword: (flags3 & CHANGE_PASSWORD) !== 0,
      },
    };
  } catch (e) {
    if (e instanceof TdsFormatError) return { ok: false, problem: `the LOGIN7 message is malformed: ${e.message}` };
    throw e;
  }
}
