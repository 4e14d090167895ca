// A peer that speaks to the instance daemon byte by byte, as no well-behaved client would: for the
// daemon's fuzz and limit tests, which must send broken frames, drip bytes, or go quiet.
import { connect, type Socket } from 'node:net';
import { attachIncoming, BINARY_LENGTH_HEADER } from '../../../server/src/node/instance/binarySection';

/** One JSON-RPC frame as vscode-jsonrpc writes it. */
export function frame(body: string | Buffer | Uint8Array): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  return Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`, 'ascii'), bytes]);
}

export const message = (value: unknown): Buffer => frame(JSON.stringify(value));

/** An sqlml/run request with id `id`; its runId (for sqlml/cancel) is `run-<id>`. */
export const runRequest = (id: number, text: string): Buffer => message({ jsonrpc: '2.0', id, method: 'sqlml/run', params: { runId: `run-${id}`, text } });

export interface Exchange {
  /** Everything the daemon sent. */
  received: Buffer;
  /** Whether the daemon closed the connection (rather than our giving up waiting). */
  closedByDaemon: boolean;
}

export class RawPeer {
  private readonly chunks: Buffer[] = [];
  private closed = false;
  private readonly closing: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    socket.on('error', () => undefined); // EPIPE/ECONNRESET once the daemon has hung up
    this.closing = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closing.then(() => (this.closed = true));
  }

  static open(path: string): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once('connect', () => resolve(new RawPeer(socket)));
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(bytes: Uint8Array): void {
    if (!this.closed && !this.socket.destroyed) this.socket.write(bytes);
  }

  /** Sends `bytes` `step` bytes at a time, one step every `everyMs`, until sent or the daemon hangs up. */
  async drip(bytes: Uint8Array, everyMs: number, step = 1): Promise<void> {
    for (let i = 0; i < bytes.length && !this.closed; i += step) {
      this.send(bytes.subarray(i, i + step));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /** Ends our side (the daemon sees end of input). */
  end(): void {
    if (!this.socket.destroyed) this.socket.end();
  }

  /** Waits until the daemon closes the connection or `ms` pass; then closes our end. */
  async finish(ms: number): Promise<Exchange> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.closing, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
    const closedByDaemon = this.closed;
    this.socket.destroy();
    return { received: Buffer.concat(this.chunks), closedByDaemon };
  }

  /** The messages received once `enough` says so, the daemon hangs up, or `ms` pass. */
  async waitFor(enough: (messages: Record<string, unknown>[]) => boolean, ms: number): Promise<Record<string, unknown>[]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const parsed = parseFrames(Buffer.concat(this.chunks));
      if (enough(parsed) || this.closed || Date.now() > deadline) return parsed;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/**
 * The messages in what the daemon sent (it frames correctly; a partial last frame is left out). A
 * response's binary section is kept on its result, where the instance client's reader keeps it.
 */
export function parseFrames(bytes: Buffer): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let at = 0;
  for (;;) {
    const end = bytes.indexOf('\r\n\r\n', at);
    if (end < 0) return out;
    const header = bytes.subarray(at, end).toString('latin1');
    const length = Number(/Content-Length: (\d+)/i.exec(header)?.[1]);
    const sectionLength = Number(new RegExp(`${BINARY_LENGTH_HEADER}: (\\d+)`, 'i').exec(header)?.[1] ?? 0);
    const bodyEnd = end + 4 + length;
    if (!Number.isFinite(length) || bodyEnd + sectionLength > bytes.length) return out;
    const parsed = JSON.parse(bytes.subarray(end + 4, bodyEnd).toString('utf8')) as Record<string, unknown>;
    if (sectionLength > 0) attachIncoming(parsed.result as object, Uint8Array.prototype.slice.call(bytes, bodyEnd, bodyEnd + sectionLength));
    out.push(parsed);
    at = bodyEnd + sectionLength;
  }
}

/** The texts of the errors that answer no request (the daemon's reasons for hanging up). */
export function refusals(bytes: Buffer): string[] {
  return parseFrames(bytes)
    .filter((m) => m.id === null && m.error)
    .map((m) => String((m.error as { message?: unknown }).message));
}
