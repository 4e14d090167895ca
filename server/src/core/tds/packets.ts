// TDS packets ([MS-TDS] 2.2.3): an 8-byte header (type, status, big-endian length including the
// header, SPID, packet id, window) before each piece of a message; the last piece has EOM set.

export const PACKET_HEADER_LENGTH = 8;

export const PacketType = {
  SQL_BATCH: 0x01,
  RPC: 0x03,
  TABULAR_RESULT: 0x04,
  ATTENTION: 0x06,
  BULK_LOAD: 0x07,
  FED_AUTH_TOKEN: 0x08,
  TRANSACTION_MANAGER: 0x0e,
  LOGIN7: 0x10,
  SSPI: 0x11,
  PRELOGIN: 0x12,
} as const;

export const STATUS_EOM = 0x01;
export const STATUS_IGNORE = 0x02;
export const STATUS_RESET_CONNECTION = 0x08;
export const STATUS_RESET_CONNECTION_SKIP_TRAN = 0x10;

/** The first byte of a MARS (SMP) header: a client that multiplexes sessions, which we refuse. */
export const SMP_HEADER_BYTE = 0x53;

/** What SQL Server accepts as a network packet size (sp_configure 'network packet size'). */
export const MIN_PACKET_SIZE = 512;
export const MAX_PACKET_SIZE = 32767;
export const DEFAULT_PACKET_SIZE = 4096;

export interface PacketHeader {
  type: number;
  status: number;
  /** Header included. */
  length: number;
  spid: number;
  packetId: number;
}

export function readPacketHeader(bytes: Uint8Array, at = 0): PacketHeader {
  return {
    type: bytes[at]!,
    status: bytes[at + 1]!,
    length: (bytes[at + 2]! << 8) | bytes[at + 3]!,
    spid: (bytes[at + 4]! << 8) | bytes[at + 5]!,
    packetId: bytes[at + 6]!,
  };
}

export function writePacketHeader(target: Uint8Array, at: number, header: PacketHeader): void {
  target[at] = header.type;
  target[at + 1] = header.status;
  target[at + 2] = header.length >> 8;
  target[at + 3] = header.length & 0xff;
  target[at + 4] = header.spid >> 8;
  target[at + 5] = header.spid & 0xff;
  target[at + 6] = header.packetId & 0xff;
  target[at + 7] = 0;
}

/**
 * Cuts a message body into packets of at most `packetSize` bytes; `last` marks the final piece of
 * the message with EOM. `nextId` numbers the packets (it wraps at 256, as the spec says).
 */
export function packetize(type: number, body: Uint8Array, packetSize: number, spid: number, last: boolean, nextId: () => number): Uint8Array {
  const room = packetSize - PACKET_HEADER_LENGTH;
  const count = Math.max(1, Math.ceil(body.length / room));
  const out = new Uint8Array(body.length + count * PACKET_HEADER_LENGTH);
  let at = 0;
  for (let k = 0; k < count; k++) {
    const piece = body.subarray(k * room, Math.min(body.length, (k + 1) * room));
    const final = k === count - 1;
    writePacketHeader(out, at, { type, status: final && last ? STATUS_EOM : 0, length: piece.length + PACKET_HEADER_LENGTH, spid, packetId: nextId() });
    out.set(piece, at + PACKET_HEADER_LENGTH);
    at += piece.length + PACKET_HEADER_LENGTH;
  }
  return out;
}
