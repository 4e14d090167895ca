// Reads JSON-RPC messages (Content-Length framing, as vscode-jsonrpc writes them) from a socket
// without trusting the peer: vscode-jsonrpc's own reader buffers whatever length a header
// declares and rescans its whole buffer for the end of the header on every chunk, so one
// connection declaring a huge Content-Length, or dripping bytes without a blank line, grew the
// daemon by hundreds of MB and kept its event loop too busy to answer SIGTERM. Here the header is
// at most MAX_HEADER_BYTES, the body at most what the caller allows now, a message must arrive in
// full within a time limit, and parsed messages wait in a short queue that pauses the socket when
// full, so a peer that sends faster than the daemon dispatches is slowed down instead of buffered.
// A response may be followed by a binary section (binarySection.ts), when the reader takes them.
import type { Socket } from 'node:net';
import { AbstractMessageReader, Disposable, ErrorCodes, type DataCallback, type Message, type ResponseMessage } from 'vscode-jsonrpc/node';
import { attachIncoming, BINARY_LENGTH_HEADER } from './binarySection';

/** A header block (Content-Length, Content-Type) is a few dozen bytes; anything longer is not one. */
export const MAX_HEADER_BYTES = 1024;
/** Messages parsed but not yet handed on; past this the socket is paused until they are. */
const MAX_QUEUED = 16;
const HEADER_END = Buffer.from('\r\n\r\n');

export interface ReaderOptions {
  /** The largest body accepted now: it may grow once the peer has logged in. */
  maxMessageBytes(): number;
  /** A message must arrive in full within this long of its first byte; 0: no limit. */
  messageTimeoutMs: number;
  /**
   * Called once when the peer breaks the framing rules; the reader has stopped reading and
   * the caller answers (code, message) and closes the connection.
   */
  onViolation(code: number, message: string): void;
  /** Whether the peer may send responses (the daemon's clients answer no requests: it sends none). */
  responses: boolean;
  /** Whether a response may come with a binary section (the client's side, which asked for them). */
  binarySections: boolean;
  /** An error response that answers no request (id null): the peer's complaint about the stream. */
  onPeerError?(error: ResponseMessage['error']): void;
}

/**
 * What kind of JSON-RPC message `m` is, or undefined for none. vscode-jsonrpc pretty-prints
 * whatever it cannot classify (JSON.stringify with a 4-space indent) into a log line even when
 * nobody logs: a 60 KB object nested 10,000 deep became a string of hundreds of MB. So only the
 * three shapes JSON-RPC defines are passed on.
 */
function kindOf(m: Record<string, unknown>): 'request' | 'notification' | 'response' | undefined {
  const id = m.id;
  if (typeof m.method === 'string') {
    if (typeof id === 'string' || typeof id === 'number') return 'request';
    return id === undefined ? 'notification' : undefined;
  }
  if (m.method === undefined && (typeof id === 'string' || typeof id === 'number' || id === null) && ('result' in m || 'error' in m)) return 'response';
  return undefined;
}

export class BoundedMessageReader extends AbstractMessageReader {
  private callback: DataCallback | undefined;
  private header: Buffer[] = [];
  private headerBytes = 0;
  /** The body length once the header is read; -1 while reading a header. */
  private bodyLength = -1;
  private body: Buffer[] = [];
  private bodyBytes = 0;
  /** The binary section's length as declared (0: none). */
  private sectionLength = 0;
  /** The section being read, once the JSON is in: the bytes are copied in as they come. */
  private section: { json: Buffer; bytes: Buffer; filled: number } | undefined;
  private readonly queue: Message[] = [];
  private delivering: ReturnType<typeof setImmediate> | undefined;
  private messageTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly socket: Socket,
    private readonly options: ReaderOptions,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (chunk: Buffer) => this.onData(chunk);
    const onError = (error: Error) => this.fireError(error);
    const onClose = () => {
      this.stop();
      this.fireClose();
    };
    this.socket.on('data', onData);
    this.socket.on('error', onError);
    this.socket.on('close', onClose);
    return Disposable.create(() => {
      this.socket.off('data', onData);
      this.socket.off('error', onError);
      this.socket.off('close', onClose);
    });
  }

  override dispose(): void {
    this.stop();
    super.dispose();
  }

  private stop(): void {
    this.stopped = true;
    clearTimeout(this.messageTimer);
    clearImmediate(this.delivering);
    this.queue.length = 0;
    this.header = [];
    this.body = [];
    this.section = undefined;
  }

  private violation(code: number, message: string): void {
    if (this.stopped) return;
    this.stop();
    this.socket.pause();
    this.options.onViolation(code, message);
  }

  private onData(chunk: Buffer): void {
    let rest = chunk;
    while (rest.length > 0 && !this.stopped) {
      if (this.bodyLength < 0) {
        if (this.headerBytes === 0 && this.options.messageTimeoutMs > 0) {
          this.messageTimer = setTimeout(
            () => this.violation(ErrorCodes.InvalidRequest, `a message did not arrive in full within ${this.options.messageTimeoutMs / 1000} s`),
            this.options.messageTimeoutMs,
          );
        }
        rest = this.readHeader(rest);
      } else if (this.section) {
        rest = this.readSection(rest);
      } else {
        rest = this.readBody(rest);
      }
    }
  }

  /** Takes header bytes from `chunk`; returns what follows the header (or nothing yet). */
  private readHeader(chunk: Buffer): Buffer {
    // Only the last 3 bytes already held can begin the blank line that ends the header.
    const tail = this.header.length ? Buffer.concat(this.header).subarray(-3) : Buffer.alloc(0);
    const window = Buffer.concat([tail, chunk.subarray(0, MAX_HEADER_BYTES + HEADER_END.length)]);
    const end = window.indexOf(HEADER_END);
    const taken = end < 0 ? chunk.length : end + HEADER_END.length - tail.length;
    if (this.headerBytes + taken > MAX_HEADER_BYTES) {
      this.violation(ErrorCodes.InvalidRequest, `a message header longer than ${MAX_HEADER_BYTES} bytes (no blank line ends it)`);
      return Buffer.alloc(0);
    }
    this.header.push(chunk.subarray(0, taken));
    this.headerBytes += taken;
    if (end < 0) return Buffer.alloc(0);
    const text = Buffer.concat(this.header).toString('latin1');
    this.header = [];
    this.headerBytes = 0;
    const lengths = this.declaredLengths(text.slice(0, -HEADER_END.length));
    if (lengths === undefined) return Buffer.alloc(0);
    this.bodyLength = lengths.body;
    this.sectionLength = lengths.section;
    return chunk.subarray(taken);
  }

  /** The declared lengths of the JSON and the binary section, or undefined after reporting why the header is refused. */
  private declaredLengths(header: string): { body: number; section: number } | undefined {
    let length: number | undefined;
    let section: number | undefined;
    for (const line of header.split('\r\n')) {
      const field = /^([A-Za-z0-9-]+):[ \t]*(.*?)[ \t]*$/.exec(line);
      if (!field) {
        this.violation(ErrorCodes.InvalidRequest, `a malformed message header line: ${JSON.stringify(line.slice(0, 80))}`);
        return undefined;
      }
      const [, name, value] = field as unknown as [string, string, string];
      if (name.toLowerCase() === 'content-length') {
        if (length !== undefined || !/^\d{1,16}$/.test(value)) {
          this.violation(ErrorCodes.InvalidRequest, `Content-Length must be given once, as a number of bytes, not ${JSON.stringify(value.slice(0, 40))}`);
          return undefined;
        }
        length = Number(value);
      } else if (name.toLowerCase() === BINARY_LENGTH_HEADER.toLowerCase()) {
        if (!this.options.binarySections) {
          this.violation(ErrorCodes.InvalidRequest, `a binary section (${BINARY_LENGTH_HEADER}), which only the instance sends, and only in answer`);
          return undefined;
        }
        if (section !== undefined || !/^\d{1,16}$/.test(value)) {
          this.violation(ErrorCodes.InvalidRequest, `${BINARY_LENGTH_HEADER} must be given once, as a number of bytes, not ${JSON.stringify(value.slice(0, 40))}`);
          return undefined;
        }
        section = Number(value);
      } else if (name.toLowerCase() === 'content-type' && /charset=/i.test(value) && !/charset=["']?utf-?8\b/i.test(value)) {
        this.violation(ErrorCodes.InvalidRequest, `messages are UTF-8; Content-Type ${JSON.stringify(value.slice(0, 80))} is not`);
        return undefined;
      }
    }
    if (length === undefined || length === 0) {
      this.violation(ErrorCodes.InvalidRequest, length === 0 ? 'an empty message (Content-Length: 0)' : 'a message header without Content-Length');
      return undefined;
    }
    const limit = this.options.maxMessageBytes();
    const total = length + (section ?? 0);
    if (total > limit) {
      this.violation(ErrorCodes.InvalidRequest, `a message of ${total} bytes is over the limit of ${limit} bytes`);
      return undefined;
    }
    return { body: length, section: section ?? 0 };
  }

  private readBody(chunk: Buffer): Buffer {
    const taken = Math.min(chunk.length, this.bodyLength - this.bodyBytes);
    this.body.push(chunk.subarray(0, taken));
    this.bodyBytes += taken;
    if (this.bodyBytes === this.bodyLength) {
      const bytes = Buffer.concat(this.body);
      this.body = [];
      this.bodyBytes = 0;
      if (this.sectionLength > 0) {
        // One copy, from the socket's chunks into the buffer the client's typed arrays will view.
        this.section = { json: bytes, bytes: Buffer.allocUnsafeSlow(this.sectionLength), filled: 0 };
        return chunk.subarray(taken);
      }
      this.bodyLength = -1;
      clearTimeout(this.messageTimer);
      this.parse(bytes, undefined);
    }
    return chunk.subarray(taken);
  }

  private readSection(chunk: Buffer): Buffer {
    const section = this.section!;
    const taken = Math.min(chunk.length, section.bytes.length - section.filled);
    chunk.copy(section.bytes, section.filled, 0, taken);
    section.filled += taken;
    if (section.filled === section.bytes.length) {
      this.section = undefined;
      this.sectionLength = 0;
      this.bodyLength = -1;
      clearTimeout(this.messageTimer);
      this.parse(section.json, section.bytes);
    }
    return chunk.subarray(taken);
  }

  private parse(bytes: Buffer, section: Buffer | undefined): void {
    let message: unknown;
    try {
      message = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      this.violation(ErrorCodes.ParseError, `a message is not JSON (${(err as Error).message})`);
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.violation(ErrorCodes.InvalidRequest, Array.isArray(message) ? 'batches of messages are not supported' : 'a message must be a JSON object');
      return;
    }
    const kind = kindOf(message as Record<string, unknown>);
    if (kind === undefined || (kind === 'response' && !this.options.responses)) {
      this.violation(ErrorCodes.InvalidRequest, kind ? 'a response, but the instance sent no request' : 'not a JSON-RPC request, notification or response');
      return;
    }
    const response = message as Partial<ResponseMessage>;
    if (section) {
      const result = response.result;
      if (kind !== 'response' || typeof result !== 'object' || result === null) {
        this.violation(ErrorCodes.InvalidRequest, 'a binary section after a message that is not a response with a result');
        return;
      }
      attachIncoming(result, section);
    }
    if (kind === 'response' && response.id === null && response.error) this.options.onPeerError?.(response.error);
    this.queue.push(message as Message);
    if (this.queue.length >= MAX_QUEUED) this.socket.pause();
    this.scheduleDelivery();
  }

  // One message per turn of the event loop, as the connection dispatches them: its own queue then
  // never grows, and ours is bounded by pausing the socket.
  private scheduleDelivery(): void {
    if (this.delivering || this.queue.length === 0) return;
    this.delivering = setImmediate(() => {
      this.delivering = undefined;
      const message = this.queue.shift();
      if (message === undefined || this.stopped) return;
      if (this.queue.length < MAX_QUEUED && !this.stopped) this.socket.resume();
      try {
        this.callback?.(message);
      } catch (err) {
        // vscode-jsonrpc throws on some malformed messages (a $/cancelRequest without params).
        this.violation(ErrorCodes.InvalidRequest, `a message the connection cannot handle (${(err as Error).message})`);
        return;
      }
      this.scheduleDelivery();
    });
  }
}
