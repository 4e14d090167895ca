// Reassembles TDS messages from the bytes of a connection: packets (each with its 8-byte header)
// until one with EOM. Bounded: a packet longer than TDS allows is a broken client, and a message
// longer than the connection's limit is dropped as it arrives (its remaining packets discarded)
// and reported once, so a client can't make the instance hold an unbounded request.
import { MAX_PACKET_SIZE, PACKET_HEADER_LENGTH, readPacketHeader, SMP_HEADER_BYTE, STATUS_EOM } from '../../core/tds/packets';

export interface TdsMessage {
  type: number;
  /** The status of the message's first packet (reset-connection flags live there). */
  status: number;
  body: Buffer;
}

export interface MessageHandlers {
  message(message: TdsMessage): void;
  /** A message went past `maxMessageBytes`; its packets were discarded. */
  tooLarge(type: number, limit: number): void;
  /** The stream can't be TDS (or is MARS's SMP framing): the connection must end. */
  broken(problem: string): void;
}

export class MessageReader {
  private pending: Buffer = Buffer.alloc(0);
  private parts: Buffer[] = [];
  private partBytes = 0;
  private first: { type: number; status: number } | null = null;
  private discarding = false;
  private stopped = false;

  constructor(
    private readonly handlers: MessageHandlers,
    /** The largest message the connection accepts now (it depends on its state). */
    private readonly maxMessageBytes: () => number,
  ) {}

  /** A message has begun and not ended: a slow (or stalled) sender is holding it open. */
  get midMessage(): boolean {
    return this.pending.length > 0 || this.first !== null;
  }

  feed(chunk: Buffer): void {
    if (this.stopped) return;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (!this.stopped && this.pending.length >= PACKET_HEADER_LENGTH) {
      if (this.first === null && this.pending[0] === SMP_HEADER_BYTE) {
        this.fail('the client speaks MARS (SMP packets); this instance does not support MARS: connect without MultipleActiveResultSets');
        return;
      }
      const header = readPacketHeader(this.pending);
      if (header.length < PACKET_HEADER_LENGTH || header.length > MAX_PACKET_SIZE) {
        this.fail(`a TDS packet says it is ${header.length} bytes long (TDS allows ${PACKET_HEADER_LENGTH} to ${MAX_PACKET_SIZE})`);
        return;
      }
      if (this.pending.length < header.length) return;
      const payload = this.pending.subarray(PACKET_HEADER_LENGTH, header.length);
      this.pending = this.pending.subarray(header.length);
      this.first ??= { type: header.type, status: header.status };
      if (!this.discarding) {
        if (this.partBytes + payload.length > this.maxMessageBytes()) {
          this.discarding = true;
          this.parts = [];
        } else {
          this.parts.push(payload);
          this.partBytes += payload.length;
        }
      }
      if ((header.status & STATUS_EOM) === 0) continue;
      const first = this.first;
      // Most requests are one packet: its payload is the body, without a copy.
      const body = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
      const discarded = this.discarding;
      this.first = null;
      this.parts = [];
      this.partBytes = 0;
      this.discarding = false;
      if (discarded) this.handlers.tooLarge(first.type, this.maxMessageBytes());
      else this.handlers.message({ type: first.type, status: first.status, body });
    }
    if (this.pending.length === 0) this.pending = Buffer.alloc(0);
    else this.pending = Buffer.from(this.pending); // don't pin the whole chunk a small rest came from
  }

  stop(): void {
    this.stopped = true;
    this.pending = Buffer.alloc(0);
    this.parts = [];
  }

  private fail(problem: string): void {
    this.stop();
    this.handlers.broken(problem);
  }
}
