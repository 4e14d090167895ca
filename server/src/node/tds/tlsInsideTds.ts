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
/** The handshake's packets are as large as SQL Server makes them before a packet size is agreed. */
const HANDSHAKE_PACKET_SIZE = 4096;
/** A client that stalls the handshake this long (or sends more than this) is dropped. */
const MAX_WRAPPED_BYTES = 64 * 1024;

class HandshakeCarrier extends Duplex {
  wrapping = true;
  private pending = Buffer.alloc(0);
  private packetId = 1;

  constructor(
    private readonly raw: Duplex,
    private readonly onProblem: (problem: string) => void,
  ) {
    super();
  }

  override _read(): void {
    /* data is pushed as the raw socket delivers it */
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    // A record written after the handshake may still be one of its last (ChangeCipherSpec,
    // Finished): those go wrapped; application data and later alerts go raw.
    const handshakeRecord = chunk[0] === TLS_HANDSHAKE || chunk[0] === TLS_CHANGE_CIPHER_SPEC;
    if (this.wrapping || handshakeRecord) {
      this.raw.write(packetize(PacketType.PRELOGIN, chunk, HANDSHAKE_PACKET_SIZE, 0, true, () => this.packetId++));
    } else {
      this.raw.write(chunk);
    }
    done();
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
