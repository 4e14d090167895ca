// The framing of a session's loopback channel (loopbackDescriptor.ts): a generic, length-prefixed
// byte protocol, so that several exchanges follow one another on the one channel and a later
// kind of frame (a relay for drivers inside the sandbox) can share it.
//
//   frame = u32 big-endian length of the body | one byte: the kind | the body
//
// A reader never holds more than one frame's worth: a body declared longer than its limit is
// reported as oversized and its bytes are skipped as they come, so the stream stays in step.

export const FRAME_HEADER_BYTES = 5;

/** The kinds of frame the instance speaks today. */
export const FrameKind = {
  /** Satellite → instance: UTF-8 JSON {"query": "..."}. */
  query: 0x51,
  /** Instance → satellite: UTF-8 JSON, the answer to the query before it. */
  answer: 0x41,
  /**
   * The session's TDS relay (loopbackTds.ts), each body led by a u32 big-endian connection id.
   * Relay → instance: a script opened a TDS connection.
   */
  tdsOpen: 0x4f,
  /** Both ways: bytes of one TDS connection, as they came. */
  tdsData: 0x44,
  /** Both ways: the connection ended (or, answering an open, was refused). */
  tdsClose: 0x43,
} as const;

export type Frame = { kind: number; body: Buffer; oversized?: undefined } | { kind: number; body?: undefined; oversized: number };

export function encodeFrame(kind: number, body: Buffer): Buffer {
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header.writeUInt32BE(body.length, 0);
  header[4] = kind;
  return Buffer.concat([header, body]);
}

export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private skipping = 0;

  constructor(private readonly maxBody: number) {}

  /** The frames that `chunk` completes, in order. */
  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, data.length);
        this.skipping -= n;
        data = data.subarray(n);
        if (this.skipping > 0) break;
      }
      if (data.length < FRAME_HEADER_BYTES) break;
      const length = data.readUInt32BE(0);
      const kind = data[4]!;
      if (length > this.maxBody) {
        frames.push({ kind, oversized: length });
        this.skipping = length;
        data = data.subarray(FRAME_HEADER_BYTES);
        continue;
      }
      if (data.length < FRAME_HEADER_BYTES + length) break;
      frames.push({ kind, body: Buffer.from(data.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + length)) });
      data = data.subarray(FRAME_HEADER_BYTES + length);
    }
    // A copy, so that a small remainder does not keep a large chunk alive.
    this.pending = Buffer.from(data);
    return frames;
  }
}
