// TLS as TDS 7.x carries it: the handshake's records travel inside PRELOGIN packets (type 0x12),
// and once it is done the TLS records go on the wire as they are. Node's TLSSocket runs the
// handshake over a Duplex of ours that wraps what it writes and unwraps what the client sends.
// The two phases are told apart byte by byte: a PRELOGIN packet starts with 0x12, which no TLS
// record does (their content types are 20-23), so the client's first raw record ends the wrapping
// even when it arrives in the same read as its last wrapped one.
import { Duplex } from 'node:stream';
import { TLSSocket, type SecureContext } from 'node:tls';
import { PACKET_HEADER_LENGTH, PacketType, packetize, readPacketHeader } from '../../core/tds/packets';

const TLS_CHANGE_CIPHER_SPEC = 0x14;
const TLS_HANDSHAKE = 0x16;
/** A TLS record's header: content type, version (2 bytes), body length (2 bytes). */
const RECORD_HEADER_LENGTH = 5;
/** The handshake's packets are as large as SQL Server makes them before a packet size is agreed. */
const HANDSHAKE_PACKET_SIZE = 4096;
/** A client that stalls the handshake this long (or sends more than this) is dropped. */
const MAX_WRAPPED_BYTES = 64 * 1024;

export class HandshakeCarrier extends Duplex {
  wrapping = true;
  private pending = Buffer.alloc(0);
  private packetId = 1;
  /** Where the bytes TLS writes stand: what is left of the current record, and whether it goes wrapped. */
  private recordLeft = 0;
  private recordWrapped = false;
  /** A record header cut by the end of a write, kept until it is whole. */
  private header = Buffer.alloc(0);
  /** Wrapped records (and the start of one) not yet sent: a flight goes in one PRELOGIN message. */
  private wrapped: Buffer[] = [];
  /** Raw bytes of this write not yet sent: they go in one write to the socket, not one per record part. */
  private rawOut: Buffer[] = [];

  constructor(
    private readonly raw: Duplex,
    private readonly onProblem: (problem: string) => void,
  ) {
    super();
  }

  override _read(): void {
    /* data is pushed as the raw socket delivers it */
  }

  /**
   * Sends what TLS writes, record by record. A write holds whole records or parts of them (Node
   * cuts its output where its buffers end, not where records do), so each record's type is read
   * from its header, and its bytes follow that record's way across writes. A record written after
   * the handshake may still be one of its last (ChangeCipherSpec, Finished): those go wrapped;
   * application data and later alerts go raw. (Judging each write by its first byte wrapped a write
   * that began inside a record with a byte of 0x14 or 0x16, about one in 128, and the client's TLS
   * then failed.)
   */
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.recordLeft === 0) {
        const taken = chunk.subarray(at, at + RECORD_HEADER_LENGTH - this.header.length);
        at += taken.length;
        this.header = Buffer.concat([this.header, taken]);
        if (this.header.length < RECORD_HEADER_LENGTH) break;
        const type = this.header[0];
        this.recordWrapped = this.wrapping || type === TLS_HANDSHAKE || type === TLS_CHANGE_CIPHER_SPEC;
        this.recordLeft = this.header.readUInt16BE(3);
        const header = this.header;
        this.header = Buffer.alloc(0);
        this.send(header);
        continue;
      }
      const body = chunk.subarray(at, at + this.recordLeft);
      at += body.length;
      this.recordLeft -= body.length;
      this.send(body);
    }
    this.flushRaw();
    // Wrapped records go out at the end of the write that completes them.
    if (!(this.recordWrapped && this.recordLeft > 0)) this.flushWrapped();
    done();
  }

  /** Part of the current record, its way; the other way's bytes held so far go first. */
  private send(bytes: Buffer): void {
    if (this.recordWrapped) {
      this.flushRaw();
      // Copied: a wrapped record may wait for a later write, and this one's buffer is not ours to keep.
      this.wrapped.push(Buffer.from(bytes));
    } else {
      this.flushWrapped();
      this.rawOut.push(bytes);
    }
  }

  private flushRaw(): void {
    if (this.rawOut.length === 0) return;
    this.raw.write(this.rawOut.length === 1 ? this.rawOut[0]! : Buffer.concat(this.rawOut));
    this.rawOut = [];
  }

  private flushWrapped(): void {
    if (this.wrapped.length === 0) return;
    const flight = Buffer.concat(this.wrapped);
    this.wrapped = [];
    this.raw.write(packetize(PacketType.PRELOGIN, flight, HANDSHAKE_PACKET_SIZE, 0, true, () => this.packetId++));
  }

  override _final(done: () => void): void {
    done();
  }

  /** Bytes from the client: PRELOGIN-wrapped handshake records, then raw TLS. */
  fromClient(chunk: Buffer): void {
    if (!this.wrapping && this.pending.length === 0) {
      this.push(chunk);
      return;
    }
    this.pending = Buffer.concat([this.pending, chunk]);
    if (this.pending.length > MAX_WRAPPED_BYTES) {
      this.onProblem('the TLS handshake sent more than 64 KB');
      return;
    }
    while (this.pending.length > 0) {
      if (this.pending[0] !== PacketType.PRELOGIN) {
        this.wrapping = false;
        const rest = this.pending;
        this.pending = Buffer.alloc(0);
        this.push(rest);
        return;
      }
      if (this.pending.length < PACKET_HEADER_LENGTH) return;
      const header = readPacketHeader(this.pending);
      if (header.length < PACKET_HEADER_LENGTH) {
        this.onProblem('a TLS handshake packet has a broken header');
        return;
      }
      if (this.pending.length < header.length) return;
      this.push(this.pending.subarray(PACKET_HEADER_LENGTH, header.length));
      this.pending = this.pending.subarray(header.length);
    }
  }
}

export interface TlsInsideTds {
  /** The decrypted stream: TDS packets once the handshake is done. */
  socket: TLSSocket;
  /** Feed it every byte the raw socket receives while TLS is on. */
  fromClient(chunk: Buffer): void;
  /** Resolves when the handshake is done; rejects when it fails. */
  secured: Promise<void>;
  /** Stops using TLS without a close_notify (login-only encryption goes on in clear text). */
  detach(): void;
}

export function startTlsInsideTds(raw: Duplex, context: SecureContext, onProblem: (problem: string) => void): TlsInsideTds {
  const carrier = new HandshakeCarrier(raw, onProblem);
  const socket = new TLSSocket(carrier, { isServer: true, secureContext: context });
  const secured = new Promise<void>((resolve, reject) => {
    socket.once('secure', () => {
      carrier.wrapping = false;
      resolve();
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('the connection closed during the TLS handshake')));
  });
  secured.catch(() => undefined);
  return {
    socket,
    fromClient: (chunk) => carrier.fromClient(chunk),
    secured,
    detach: () => {
      socket.removeAllListeners('data');
      socket.on('error', () => undefined);
      socket.destroy();
    },
  };
}
