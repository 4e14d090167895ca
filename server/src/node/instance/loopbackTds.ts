// The instance's side of a session's TDS relay: inside the sandbox a relay (resources/satellite/
// tds_relay.py) listens on 127.0.0.1:1433 of the session's own network namespace and carries each
// TCP connection a script's driver (pyodbc, RODBC over FreeTDS) opens as frames on the session's
// loopback channel. Here each relayed connection becomes a stream that the TDS endpoint's own
// connection code serves, so drivers see the same server as on the real endpoint.
//
// The channel is the session (loopbackDescriptor.ts): a trusted connection on it is the worker's
// implied authentication, accepted only where the worker group has a login and then acting for the
// caller (ARCHITECTURE 3.7). Nothing the driver sends (a Kerberos ticket the relay's private
// credential cache made up) is taken as proof of anything.
//
// Frames (loopbackFrames.ts), body = u32 big-endian connection id | payload:
//   'O' relay → instance: a connection was opened;  'D' both ways: its bytes;  'C' both ways: it ended.
import { Duplex } from 'node:stream';
import type { Loopback, LoopbackWorker } from '../../core/engine/executor/ports';
import { DEFAULT_TDS_LIMITS, TdsConnection, type IntegratedLogin } from '../tds/connection';
import type { InstanceEngine, LoginOutcome } from './engine';
import { encodeFrame, FrameKind, type Frame } from './loopbackFrames';
import { engineSession } from './sqlEngine';

/** Connections one session may have open through its relay at once. */
export const MAX_RELAYED_CONNECTIONS = 8;
/** Bytes of one connection per data frame (well under the channel's frame limit). */
const DATA_SLICE = 32 * 1024;
const ID_BYTES = 4;

export function isTdsFrame(kind: number): boolean {
  return kind === FrameKind.tdsOpen || kind === FrameKind.tdsData || kind === FrameKind.tdsClose;
}

/** One relayed TCP connection, shaped as much like a socket as TdsConnection needs. */
class RelayedStream extends Duplex {
  readonly remoteAddress = 'the session loopback';
  private ended = false;

  constructor(
    private readonly id: number,
    private readonly channel: Duplex,
    private readonly forget: (id: number) => void,
  ) {
    super();
  }

  setNoDelay(): this {
    return this;
  }

  /** As a socket's: end, and destroy once what is written is sent. */
  destroySoon(): void {
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
    this.end();
  }

  override _read(): void {
    /* bytes are pushed as their frames arrive */
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    let flowing = true;
    for (let at = 0; at < chunk.length; at += DATA_SLICE) flowing = this.send(FrameKind.tdsData, chunk.subarray(at, at + DATA_SLICE));
    // The channel's back-pressure is the connection's: a script that stops reading stalls its answers.
    if (flowing || this.channel.destroyed) done();
    else this.channel.once('drain', () => done());
  }

  override _final(done: () => void): void {
    this.sendClose();
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.sendClose();
    this.forget(this.id);
    done(error);
  }

  /** The relay's side ended the connection. */
  closedByRelay(): void {
    this.ended = true;
    this.push(null);
    // Its 'close' tells the TDS connection to end the session.
    this.destroy();
  }

  private sendClose(): void {
    if (this.ended) return;
    this.ended = true;
    this.send(FrameKind.tdsClose, Buffer.alloc(0));
  }

  private send(kind: number, payload: Buffer): boolean {
    if (this.channel.destroyed) return true;
    return this.channel.write(framed(kind, this.id, payload));
  }
}

function framed(kind: number, id: number, payload: Buffer): Buffer {
  const body = Buffer.alloc(ID_BYTES + payload.length);
  body.writeUInt32BE(id, 0);
  payload.copy(body, ID_BYTES);
  return encodeFrame(kind, body);
}

export interface RelayOptions {
  /** The channel the frames come on and go back on. */
  channel: Duplex;
  /** The worker the session was given: the identity its trusted connections present. */
  worker: LoopbackWorker;
  /** The sp_execute_external_script call's loopback: implied authentication and the caller's context. */
  loopback: Loopback;
  serverName: string;
  log(line: string): void;
}

/** Serves the TDS frames of one session's channel; `close` ends every relayed connection. */
export class TdsRelay {
  private readonly streams = new Map<number, RelayedStream>();

  constructor(private readonly options: RelayOptions) {}

  onFrame(frame: Frame): void {
    if (frame.body === undefined || frame.body.length < ID_BYTES) return;
    const id = frame.body.readUInt32BE(0);
    const existing = this.streams.get(id);
    if (frame.kind === FrameKind.tdsOpen) {
      if (existing) return;
      if (this.streams.size >= MAX_RELAYED_CONNECTIONS) {
        this.options.log(`loopback TDS: a connection was refused, ${MAX_RELAYED_CONNECTIONS} are open for this session`);
        this.options.channel.write(framed(FrameKind.tdsClose, id, Buffer.alloc(0)));
        return;
      }
      this.open(id);
    } else if (frame.kind === FrameKind.tdsData) {
      existing?.push(frame.body.subarray(ID_BYTES));
    } else {
      existing?.closedByRelay();
    }
  }

  close(): void {
    for (const stream of [...this.streams.values()]) stream.destroy();
  }

  private open(id: number): void {
    const stream = new RelayedStream(id, this.options.channel, (gone) => this.streams.delete(gone));
    this.streams.set(id, stream);
    const { loopback, worker } = this.options;
    const integrated: IntegratedLogin = async () => {
      const connected = await loopback.connect(worker);
      if (!connected.ok) return { ok: false, number: connected.error.number, text: connected.error.text };
      return { ok: true, login: worker.name, session: engineSession(connected.session) };
    };
    new TdsConnection(stream, {
      engine: sqlLoginsRefused(worker.name),
      integrated,
      // Nothing leaves the sandbox's own loopback and the channel is the kernel's: TLS would protect nothing.
      secureContext: null,
      forceEncryption: false,
      serverName: this.options.serverName,
      limits: DEFAULT_TDS_LIMITS,
      log: this.options.log,
    });
  }
}

/**
 * A SQL login from inside a session is refused as a failed login: the session's identity is its
 * worker's (trusted connection), and a password typed into a script has no business there.
 */
function sqlLoginsRefused(worker: string): Pick<InstanceEngine, 'login' | 'openSession'> {
  const refused: LoginOutcome = {
    ok: false,
    message: { kind: 'error', number: 18456, severity: 14, state: 1, text: `Login failed for user '${worker}'. Inside an external script session only a trusted connection (Trusted_Connection=yes) reaches the instance.`, line: null },
  };
  return {
    login: async () => refused,
    openSession: () => Promise.reject(new Error('no SQL login is open on a session loopback')),
  };
}
