// PRELOGIN ([MS-TDS] 2.2.6.5): option tokens (token, big-endian offset and length) then their data.
// The client says which encryption it wants; the server answers as SQL Server 2019 does:
//   client OFF  -> OFF: the handshake still runs and LOGIN7 travels encrypted, the rest in clear;
//   client ON   -> ON: everything is encrypted;
//   client NOT_SUP -> NOT_SUP: nothing is (an instance that forces encryption refuses instead);
//   a forcing instance answers REQ to OFF, and everything is encrypted.
import { ByteReader, ByteWriter, TdsFormatError } from './bytes';

export const Encryption = { OFF: 0, ON: 1, NOT_SUP: 2, REQ: 3 } as const;
export type EncryptionValue = (typeof Encryption)[keyof typeof Encryption];

const OPTION = { VERSION: 0, ENCRYPTION: 1, INSTOPT: 2, THREADID: 3, MARS: 4, TRACEID: 5, FEDAUTHREQUIRED: 6, NONCE: 7, TERMINATOR: 0xff } as const;

/** At most this many option tokens: a PRELOGIN has 8 kinds; more is not a real client. */
const MAX_OPTIONS = 16;

export interface ClientPrelogin {
  encryption: number;
  /** The client asked for MARS (we answer that it is off). */
  mars: boolean;
  instance: string | null;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

export function parsePrelogin(body: Uint8Array): Parsed<ClientPrelogin> {
  try {
    const r = new ByteReader(body);
    const options = new Map<number, Uint8Array>();
    for (let n = 0; ; n++) {
      if (n > MAX_OPTIONS) return { ok: false, problem: 'the PRELOGIN message has too many options' };
      const token = r.u8();
      if (token === OPTION.TERMINATOR) break;
      const offset = r.u16be();
      const length = r.u16be();
      if (offset + length > body.length) return { ok: false, problem: `PRELOGIN option ${token} points past the end of the message` };
      options.set(token, body.subarray(offset, offset + length));
    }
    if (!options.has(OPTION.VERSION)) return { ok: false, problem: 'the PRELOGIN message has no VERSION option' };
    const encryption = options.get(OPTION.ENCRYPTION);
    const instance = options.get(OPTION.INSTOPT);
    let instanceName: string | null = null;
    if (instance && instance.length > 0) {
      const end = instance.indexOf(0);
      instanceName = String.fromCharCode(...instance.subarray(0, end < 0 ? instance.length : end));
    }
    return {
      ok: true,
      value: {
        // No ENCRYPTION option is what a client that cannot encrypt sends.
        encryption: encryption && encryption.length > 0 ? encryption[0]! : Encryption.NOT_SUP,
        mars: (options.get(OPTION.MARS)?.[0] ?? 0) === 1,
        instance: instanceName,
      },
    };
  } catch (e) {
    if (e instanceof TdsFormatError) return { ok: false, problem: `the PRELOGIN message is malformed: ${e.message}` };
    throw e;
  }
}

export type EncryptionOutcome =
  /** No TLS at all. */
  | { answer: EncryptionValue; tls: 'none' }
  /** TLS for LOGIN7 only, then clear text. */
  | { answer: EncryptionValue; tls: 'login' }
  /** TLS for the whole connection. */
  | { answer: EncryptionValue; tls: 'full' }
  /** The instance forces encryption and the client cannot encrypt. */
  | { answer: EncryptionValue; tls: 'refuse' };

/** The server's side of the negotiation (ENCRYPT_CLIENT_CERT bits in the high nibble are ignored). */
export function negotiateEncryption(client: number, force: boolean): EncryptionOutcome {
  const wanted = client & 0x0f;
  if (wanted === Encryption.NOT_SUP) return force ? { answer: Encryption.REQ, tls: 'refuse' } : { answer: Encryption.NOT_SUP, tls: 'none' };
  if (wanted === Encryption.ON || wanted === Encryption.REQ) return { answer: Encryption.ON, tls: 'full' };
  return force ? { answer: Encryption.REQ, tls: 'full' } : { answer: Encryption.OFF, tls: 'login' };
}

/** The server's PRELOGIN answer: version, encryption, instance (none), thread id (empty), MARS off. */
export function buildPreloginResponse(version: { major: number; minor: number; build: number }, encryption: EncryptionValue): Uint8Array {
  const data: [number, number[]][] = [
    [OPTION.VERSION, [version.major, version.minor, version.build >> 8, version.build & 0xff, 0, 0]],
    [OPTION.ENCRYPTION, [encryption]],
    [OPTION.INSTOPT, [0]],
    [OPTION.THREADID, []],
    [OPTION.MARS, [0]],
  ];
  const w = new ByteWriter(64);
  let offset = data.length * 5 + 1;
  for (const [token, bytes] of data) {
    w.u8(token).u16be(offset).u16be(bytes.length);
    offset += bytes.length;
  }
  w.u8(OPTION.TERMINATOR);
  for (const [, bytes] of data) for (const b of bytes) w.u8(b);
  return w.written().slice();
}
