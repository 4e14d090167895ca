// The bytes of one response: tokens are written into a buffer and leave it as packets of the
// connection's size, whole packets while the response goes on and the rest with EOM at its end.
// Writing waits for the socket to drain, so a million-row result set is never held as bytes in
// full, and a client that reads slowly slows the response down instead of growing our memory.
import { ByteWriter } from '../../core/tds/bytes';
import { PACKET_HEADER_LENGTH, PacketType, packetize } from '../../core/tds/packets';

export interface ByteSink {
  /** False when the bytes were queued beyond the socket's high-water mark. */
  write(bytes: Uint8Array): boolean;
  drained(): Promise<void>;
}

/** Bytes gathered before whole packets are sent (a few packets: fewer, larger writes). */
const FLUSH_THRESHOLD = 64 * 1024;
/**
 * Where the token buffer starts: most responses (a login, a DONE, a few rows) fit in it, and a
 * large one grows it by doubling up to about FLUSH_THRESHOLD plus a slice of rows. Starting at
 * the threshold would cost every small request a large zero-filled allocation.
 */
const INITIAL_BUFFER = 8 * 1024;
/**
 * A connection keeps its last response's buffer for the next one up to this size (a request used
 * to allocate and zero a fresh one); one grown past it by a large value is let go.
 */
const KEPT_BUFFER = 128 * 1024;

export class ResponseWriter {
  private packetId = 1;

  constructor(
    private readonly sink: () => ByteSink,
    private readonly spid: number,
    public packetSize: number,
    /** Empty: a buffer a previous response left (see reusable()), or a new one. */
    readonly tokens = new ByteWriter(INITIAL_BUFFER),
  ) {}

  /** This response's buffer, emptied, if it is small enough to keep for the connection's next response. */
  reusable(): ByteWriter | null {
    if (this.tokens.capacity > KEPT_BUFFER) return null;
    this.tokens.discard(this.tokens.length);
    return this.tokens;
  }

  /** Sends the whole packets written so far once enough has gathered. */
  async flushSome(): Promise<void> {
    if (this.tokens.length < FLUSH_THRESHOLD) return;
    const room = this.packetSize - PACKET_HEADER_LENGTH;
    const whole = Math.floor(this.tokens.length / room) * room;
    // Keep at least one byte back: the packet with EOM must carry something.
    const send = whole === this.tokens.length ? whole - room : whole;
    if (send <= 0) return;
    await this.send(send, false);
  }

  /** Sends everything written, the last packet with EOM. */
  async end(): Promise<void> {
    await this.send(this.tokens.length, true);
  }

  /** Frames the first `n` token bytes as packets (one copy, straight from the buffer) and writes them. */
  private async send(n: number, last: boolean): Promise<void> {
    const sink = this.sink();
    const packets = packetize(PacketType.TABULAR_RESULT, this.tokens.written().subarray(0, n), this.packetSize, this.spid, last, () => this.packetId++);
    this.tokens.discard(n);
    if (!sink.write(packets)) await sink.drained();
  }
}
